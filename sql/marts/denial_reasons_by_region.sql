-- Denials (不予公开) by reason: year x cut x denied_* item from the `total` column, with blank
-- cells counted beside the sum, the share of all denials and the share of all processed
-- applications (NULL when the denominator is 0 or blank).
WITH cells AS (
    SELECT c.year, c.cut, c.unit_code, c.unit_name, c.province_code, c.city_code, c.county_code,
           a.report_id, a.item, a.count
    FROM staging.stg_applications AS a
    JOIN staging.stg_cuts AS c ON c.kind = 'report' AND c.unit_id = a.report_id AND c.year = a.year
    WHERE a.applicant = 'total' AND a.outcome = 'denied'
),
reasons AS (
    SELECT year, cut, unit_code, province_code, city_code, county_code, item AS reason,
           mode(unit_name) AS unit_name,
           count(DISTINCT report_id) AS reports,
           sum(count)::BIGINT AS count,
           count_if(count IS NULL) AS blank_cells
    FROM cells
    GROUP BY ALL
)
SELECT r.year, r.cut, r.unit_code, r.unit_name, r.province_code, r.city_code, r.county_code,
       r.reason, r.reports, r.count, r.blank_cells,
       r.count / nullif(sum(r.count) OVER (PARTITION BY r.year, r.cut, r.unit_code), 0) AS share_of_denied,
       r.count / nullif(p.count, 0) AS share_of_processed
FROM reasons AS r
LEFT JOIN marts.applications_by_region AS p
  ON p.outcome = 'total_processed' AND p.year = r.year AND p.cut = r.cut AND p.unit_code = r.unit_code
