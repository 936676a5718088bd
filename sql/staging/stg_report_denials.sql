-- Each report's denials (`total` column) by reason, one row per report: `<item>_count` and
-- `<item>_blank` for the eight denied_* rows, beside the report's denied and total_processed sums.
WITH reasons AS (
    PIVOT (SELECT report_id, year, item, count FROM staging.stg_applications
           WHERE applicant = 'total' AND outcome = 'denied')
    ON item IN ('denied_state_secret', 'denied_law_prohibited', 'denied_three_safeties', 'denied_third_party',
                'denied_internal_affairs', 'denied_process_info', 'denied_enforcement_file', 'denied_admin_query')
    USING sum(count)::BIGINT AS count, count_if(count IS NULL) AS blank
    GROUP BY report_id, year
)
SELECT r.*, o.denied_count AS all_denied, o.total_processed_count AS all_processed
FROM reasons AS r
JOIN intermediate.int_report_outcomes AS o USING (report_id, year)
