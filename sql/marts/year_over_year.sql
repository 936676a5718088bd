-- Year-over-year change per cut and unit, one row per measure the unit reported this year: each
-- application outcome count (measure = `granted_count`, ...) and each review/litigation group's
-- total (measure = `review_total`, ...). This year's value beside the previous year's, the change,
-- and the change as a share of the previous value (NULL when the previous value is 0, blank or
-- missing). `reports` and `previous_reports` are there because a jump may be coverage.
WITH measures AS (
    SELECT year, cut, unit_code, unit_name, reports, measure, value
    FROM (UNPIVOT (SELECT year, cut, unit_code, unit_name, reports, COLUMNS('_count$') FROM marts.applications_by_region)
          ON COLUMNS('_count$') INTO NAME measure VALUE value)
    UNION ALL
    SELECT year, cut, unit_code, unit_name, reports, "group" || '_total', total_count
    FROM marts.review_litigation_by_region
    WHERE total_count IS NOT NULL
)
SELECT cur.year, cur.cut, cur.unit_code, cur.unit_name, cur.measure,
       cur.reports, prev.reports AS previous_reports,
       cur.value, prev.value AS previous_value,
       cur.value - prev.value AS change,
       (cur.value - prev.value) / nullif(prev.value, 0) AS change_share
FROM measures AS cur
LEFT JOIN measures AS prev
  ON prev.year = cur.year - 1 AND prev.cut = cur.cut AND prev.unit_code = cur.unit_code AND prev.measure = cur.measure
