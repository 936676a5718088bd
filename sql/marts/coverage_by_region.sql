-- What the warehouse holds per year x cut (province, city, county, agency) x unit, and the
-- unit's name and parent codes for the other marts: reports loaded, reports with at least one
-- finding, findings, and documents that failed to parse (placed by their title's year and the
-- portal's region; failures with neither are counted only in parse_failures). `unit_name` is the
-- spelling most reports use: units are keyed on codes, never on names. In a year with only parse
-- failures (which carry codes, no names) it is the spelling most reports of the other years use.
WITH report_findings AS (
    SELECT report_id, year, count(*) AS findings FROM findings GROUP BY report_id, year
),
names AS (
    SELECT cut, unit_code, mode(unit_name) AS unit_name
    FROM intermediate.int_region_cuts WHERE unit_name IS NOT NULL GROUP BY cut, unit_code
)
SELECT c.year, c.cut, c.unit_code, coalesce(mode(c.unit_name), any_value(n.unit_name)) AS unit_name,
       any_value(c.province_code) AS province_code, any_value(c.city_code) AS city_code,
       any_value(c.county_code) AS county_code,
       count_if(c.kind = 'report')::BIGINT AS reports,
       count(f.report_id)::BIGINT AS reports_with_findings,
       coalesce(sum(f.findings), 0)::BIGINT AS findings,
       count_if(c.kind = 'parse_failure')::BIGINT AS parse_failures
FROM intermediate.int_region_cuts AS c
LEFT JOIN report_findings AS f ON c.kind = 'report' AND f.report_id = c.unit_id AND f.year = c.year
LEFT JOIN names AS n ON n.cut = c.cut AND n.unit_code = c.unit_code
GROUP BY c.year, c.cut, c.unit_code
