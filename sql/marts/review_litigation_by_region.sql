-- Administrative review and litigation by year x cut x group (review, litigation_direct,
-- litigation_after_review) x outcome (upheld, corrected, other, pending, total). `count` sums the
-- cells holding a number, `blank_cells` counts blanks beside it; `share_of_total` = count / the
-- group's total, NULL when that total is 0 or blank.
WITH cells AS (
    SELECT c.year, c.cut, c.unit_code, c.unit_name, c.province_code, c.city_code, c.county_code,
           l.report_id, l."group", l.outcome, l.count
    FROM staging.stg_review_litigation AS l
    JOIN staging.stg_cuts AS c ON c.kind = 'report' AND c.unit_id = l.report_id AND c.year = l.year
),
sums AS (
    SELECT year, cut, unit_code, province_code, city_code, county_code, "group", outcome,
           mode(unit_name) AS unit_name,
           count(DISTINCT report_id) AS reports,
           sum(count)::BIGINT AS count,
           count_if(count IS NULL) AS blank_cells
    FROM cells
    GROUP BY ALL
)
SELECT s.year, s.cut, s.unit_code, s.unit_name, s.province_code, s.city_code, s.county_code,
       s."group", s.outcome, s.reports, s.count, s.blank_cells,
       s.count / nullif(t.count, 0) AS share_of_total
FROM sums AS s
LEFT JOIN sums AS t
  ON t.outcome = 'total' AND t."group" = s."group" AND t.year = s.year AND t.cut = s.cut AND t.unit_code = s.unit_code
