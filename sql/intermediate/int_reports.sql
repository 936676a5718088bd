-- A table: every regional mart and cross-year comparison reads it.
-- One row per report, with `region_code` (its most specific GB/T 2260 code) and `agency_key`:
-- the agency name without whitespace, punctuation or leading region names, within that code, so
-- the same body matches across years however its title spells the prefix. A report without an
-- agency name keys on its own id so it never merges with another.
WITH cleaned AS (
    SELECT *, regexp_replace(nfc_normalize(coalesce(agency, '')), '[\s\p{P}\p{S}]+', '', 'g') AS name0
    FROM reports
),
no_province AS (
    SELECT *, CASE WHEN province <> '' AND starts_with(name0, province)
                   THEN substr(name0, length(province) + 1) ELSE name0 END AS name1
    FROM cleaned
),
no_city AS (
    SELECT *, CASE WHEN city <> '' AND starts_with(name1, city)
                   THEN substr(name1, length(city) + 1) ELSE name1 END AS name2
    FROM no_province
),
no_county AS (
    SELECT *, CASE WHEN county <> '' AND starts_with(name2, county)
                   THEN substr(name2, length(county) + 1) ELSE name2 END AS agency_name_key
    FROM no_city
)
SELECT
    * EXCLUDE (name0, name1, name2, agency_name_key),
    coalesce(county_code, city_code, province_code) AS region_code,
    CASE WHEN agency IS NULL THEN 'report:' || report_id
         ELSE coalesce(county_code, city_code, province_code, 'unresolved') || ':' || agency_name_key
    END AS agency_key
FROM no_county
