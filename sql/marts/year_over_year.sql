-- Year-over-year change per cut and unit: each application outcome (measure = the outcome) and
-- each review/litigation group's total (measure = 'review_total', ...), this year's value beside
-- the previous year's, the change, and the change as a share of the previous value (NULL when the
-- previous value is 0, blank or missing). Compare `reports` too: a jump may be coverage.
WITH measures AS (
    SELECT year, cut, unit_code, unit_name, outcome AS measure, reports, count AS value, blank_cells
    FROM marts.applications_by_region
    UNION ALL
    SELECT year, cut, unit_code, unit_name, "group" || '_total', reports, count, blank_cells
    FROM marts.review_litigation_by_region
    WHERE outcome = 'total'
)
SELECT cur.year, cur.cut, cur.unit_code, cur.unit_name, cur.measure,
       cur.reports, prev.reports AS previous_reports,
       cur.value, cur.blank_cells, prev.value AS previous_value, prev.blank_cells AS previous_blank_cells,
       cur.value - prev.value AS change,
       (cur.value - prev.value) / nullif(prev.value, 0) AS change_share
FROM measures AS cur
LEFT JOIN measures AS prev
  ON prev.year = cur.year - 1 AND prev.cut = cur.cut AND prev.unit_code = cur.unit_code AND prev.measure = cur.measure
