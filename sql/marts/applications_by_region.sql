-- Applications by year x cut (province, city, county, agency) x unit, one row each, from each
-- report's `total` applicant column. For every outcome (new_received, carried_over, granted,
-- partially_granted, denied, unable, not_processed, other, total_processed, carried_forward):
-- `<outcome>_count` sums the cells that hold a number (NULL when none does) and `<outcome>_blank`
-- counts the cells left blank beside it (never summed as 0). For the six result outcomes,
-- `<outcome>_share` = count / total_processed_count, NULL when that is 0 or blank.
WITH sums AS (
    SELECT c.year, c.cut, c.unit_code, count(*) AS reports,
           sum(COLUMNS('_count$'))::BIGINT, coalesce(sum(COLUMNS('_blank$')), 0)::BIGINT
    FROM intermediate.int_report_outcomes AS o
    JOIN intermediate.int_region_cuts AS c ON c.kind = 'report' AND c.unit_id = o.report_id AND c.year = o.year
    GROUP BY c.year, c.cut, c.unit_code
),
shares AS (
    SELECT *,
           COLUMNS('^((granted|partially_granted|denied|unable|not_processed|other)_)count$')
               / nullif(total_processed_count, 0) AS '\1share'
    FROM sums
)
SELECT u.year, u.cut, u.unit_code, u.unit_name, u.province_code, u.city_code, u.county_code,
       s.* EXCLUDE (year, cut, unit_code)
FROM shares AS s
JOIN marts.coverage_by_region AS u USING (year, cut, unit_code)
