-- Every report (kind 'report', unit_id = report_id) and parse failure (kind 'parse_failure',
-- unit_id = source_url) once per regional cut it belongs to: province, city, county and agency.
-- A table, not a view, because every regional mart joins it.
-- Cuts key on codes; a unit without the code of a cut is left out of that cut (a city department
-- is in no county). Parse failures have no agency, so they appear in the regional cuts only.
WITH units AS (
    SELECT 'report' AS kind, report_id AS unit_id, year, province_code, province, city_code, city,
           county_code, county, agency_key, agency
    FROM intermediate.int_reports
    UNION ALL
    SELECT 'parse_failure', source_url, year, province_code, NULL, city_code, NULL,
           county_code, NULL, NULL, NULL
    FROM staging.stg_parse_failures
)
SELECT kind, unit_id, year, 'province' AS cut, province_code AS unit_code, province AS unit_name,
       province_code, NULL::VARCHAR AS city_code, NULL::VARCHAR AS county_code
FROM units WHERE province_code IS NOT NULL
UNION ALL
SELECT kind, unit_id, year, 'city', city_code, city, province_code, city_code, NULL
FROM units WHERE city_code IS NOT NULL
UNION ALL
SELECT kind, unit_id, year, 'county', county_code, county, province_code, city_code, county_code
FROM units WHERE county_code IS NOT NULL
UNION ALL
SELECT kind, unit_id, year, 'agency', agency_key, agency, province_code, city_code, county_code
FROM units WHERE agency_key IS NOT NULL
