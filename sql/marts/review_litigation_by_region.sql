-- Administrative review and litigation by year x cut x unit x group (review, litigation_direct,
-- litigation_after_review), one row each. For every outcome (upheld, corrected, other, pending,
-- total): `<outcome>_count` sums the cells holding a number (NULL when none does),
-- `<outcome>_blank` counts blanks beside it; for the four outcomes other than total,
-- `<outcome>_share` = count / total_count, NULL when that is 0 or blank.
WITH sums AS (
    SELECT c.year, c.cut, c.unit_code, r."group", count(*) AS reports,
           sum(COLUMNS('_count$'))::BIGINT, coalesce(sum(COLUMNS('_blank$')), 0)::BIGINT
    FROM staging.stg_report_review AS r
    JOIN intermediate.int_region_cuts AS c ON c.kind = 'report' AND c.unit_id = r.report_id AND c.year = r.year
    GROUP BY c.year, c.cut, c.unit_code, r."group"
),
shares AS (
    SELECT *, COLUMNS('^((upheld|corrected|other|pending)_)count$') / nullif(total_count, 0) AS '\1share' FROM sums
)
SELECT u.year, u.cut, u.unit_code, u.unit_name, u.province_code, u.city_code, u.county_code,
       s.* EXCLUDE (year, cut, unit_code)
FROM shares AS s
JOIN marts.coverage_by_region AS u USING (year, cut, unit_code)
