-- Applications by year x cut (province, city, county, agency) x outcome, from each report's
-- `total` applicant column. `count` sums the cells that hold a number; `blank_cells` counts the
-- cells left blank beside it (never summed as 0). `share_of_processed` = count / the unit's
-- total_processed, for result outcomes only, NULL when total_processed is 0 or blank.
WITH cells AS (
    SELECT c.year, c.cut, c.unit_code, c.unit_name, c.province_code, c.city_code, c.county_code,
           a.report_id, a.outcome, a.is_result, a.count
    FROM staging.stg_applications AS a
    JOIN staging.stg_cuts AS c ON c.kind = 'report' AND c.unit_id = a.report_id AND c.year = a.year
    WHERE a.applicant = 'total'
),
sums AS (
    SELECT year, cut, unit_code, province_code, city_code, county_code, outcome,
           mode(unit_name) AS unit_name,
           bool_or(is_result) AS is_result,
           count(DISTINCT report_id) AS reports,
           sum(count)::BIGINT AS count,
           count_if(count IS NULL) AS blank_cells
    FROM cells
    GROUP BY ALL
)
SELECT s.year, s.cut, s.unit_code, s.unit_name, s.province_code, s.city_code, s.county_code,
       s.outcome, s.reports, s.count, s.blank_cells,
       CASE WHEN s.is_result THEN s.count / nullif(p.count, 0) END AS share_of_processed
FROM sums AS s
LEFT JOIN sums AS p
  ON p.outcome = 'total_processed' AND p.year = s.year AND p.cut = s.cut AND p.unit_code = s.unit_code
