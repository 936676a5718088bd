-- Documents that could not be parsed, placed where coverage can count them: `year` is the first
-- 20xx number in the title (NULL when there is none) and the region codes are derived from the
-- portal's GB/T 2260 code by its prefix (2 digits province, 4 city, 6 county).
SELECT
    *,
    TRY_CAST(regexp_extract(coalesce(title, ''), '(20[0-9]{2})', 1) AS INTEGER) AS year,
    CASE WHEN length(region_code) = 6 THEN left(region_code, 2) || '0000' END AS province_code,
    CASE WHEN length(region_code) = 6 AND substr(region_code, 3, 4) <> '0000' THEN left(region_code, 4) || '00' END AS city_code,
    CASE WHEN length(region_code) = 6 AND right(region_code, 2) <> '00' THEN region_code END AS county_code
FROM parse_failures
