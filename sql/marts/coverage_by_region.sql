-- What the warehouse holds per year x cut x unit: reports loaded, reports with at least one
-- finding, findings, and documents that failed to parse (placed by their title's year and the
-- portal's region; failures with neither are counted only in parse_failures).
WITH report_findings AS (
    SELECT report_id, year, count(*) AS findings FROM findings GROUP BY ALL
)
SELECT c.year, c.cut, c.unit_code, mode(c.unit_name) AS unit_name,
       c.province_code, c.city_code, c.county_code,
       count_if(c.kind = 'report') AS reports,
       count(f.report_id) AS reports_with_findings,
       coalesce(sum(f.findings), 0)::BIGINT AS findings,
       count_if(c.kind = 'parse_failure') AS parse_failures
FROM staging.stg_cuts AS c
LEFT JOIN report_findings AS f ON c.kind = 'report' AND f.report_id = c.unit_id AND f.year = c.year
GROUP BY c.year, c.cut, c.unit_code, c.province_code, c.city_code, c.county_code
