-- Each report's `total` applicant column per outcome (see stg_applications), one row per report:
-- `<outcome>_count` sums the cells holding a number (NULL when none does), `<outcome>_blank`
-- counts the blank cells beside it (NULL when the report has no row of that outcome). Wide so
-- regional marts add up one row per report instead of one per cell.
PIVOT (SELECT report_id, year, outcome, count FROM staging.stg_applications WHERE applicant = 'total')
ON outcome IN ('new_received', 'carried_over', 'granted', 'partially_granted', 'denied', 'unable',
               'not_processed', 'other', 'total_processed', 'carried_forward')
USING sum(count)::BIGINT AS count, count_if(count IS NULL) AS blank
GROUP BY report_id, year
