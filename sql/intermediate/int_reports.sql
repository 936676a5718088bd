-- A table: every regional mart and cross-year comparison reads it.
-- One row per report, with `region_code` (its most specific GB/T 2260 code) and `agency_key`
-- (set at load by pipeline/warehouse/dedupe.py, which counts each report of an agency and year
-- once): the code, `:`, and the agency name without whitespace, punctuation or leading region
-- names, so the same body matches across years however its title spells the prefix. A report
-- without an agency name keys on its own id so it never merges with another.
SELECT
    * EXCLUDE (agency_key),
    coalesce(county_code, city_code, province_code) AS region_code,
    coalesce(agency_key, 'report:' || report_id) AS agency_key
FROM reports
