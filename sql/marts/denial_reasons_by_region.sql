-- Denials (不予公开) by year x cut x unit, one row each, from the `total` column: for each of the
-- eight reasons (denied_state_secret ... denied_admin_query) `<reason>_count` beside
-- `<reason>_blank`, and `<reason>_share` = count / all denials of the unit (`denied_count`), NULL
-- when that is 0 or blank. `total_processed_count` is repeated for shares of all applications.
WITH sums AS (
    SELECT c.year, c.cut, c.unit_code, count(*) AS reports,
           sum(COLUMNS('^denied_.*_count$'))::BIGINT, coalesce(sum(COLUMNS('_blank$')), 0)::BIGINT,
           sum(all_denied)::BIGINT AS denied_count, sum(all_processed)::BIGINT AS total_processed_count
    FROM staging.stg_report_denials AS d
    JOIN intermediate.int_region_cuts AS c ON c.kind = 'report' AND c.unit_id = d.report_id AND c.year = d.year
    GROUP BY c.year, c.cut, c.unit_code
),
shares AS (
    SELECT *, COLUMNS('^(denied_.+_)count$') / nullif(denied_count, 0) AS '\1share' FROM sums
)
SELECT u.year, u.cut, u.unit_code, u.unit_name, u.province_code, u.city_code, u.county_code,
       s.* EXCLUDE (year, cut, unit_code)
FROM shares AS s
JOIN marts.coverage_by_region AS u USING (year, cut, unit_code)
