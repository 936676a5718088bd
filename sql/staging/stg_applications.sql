-- Section 三 cells with the outcome each row belongs to: the four flow rows keep their own name
-- (new_received, carried_over, total_processed, carried_forward) and the result rows fold into
-- granted, partially_granted, denied, unable, not_processed and other. `is_result` marks the rows
-- that make up total_processed.
SELECT
    report_id, year, item, applicant, count, raw,
    CASE
        WHEN starts_with(item, 'denied_') THEN 'denied'
        WHEN starts_with(item, 'unable_') THEN 'unable'
        WHEN starts_with(item, 'not_processed_') THEN 'not_processed'
        WHEN starts_with(item, 'other_') THEN 'other'
        ELSE item
    END AS outcome,
    item NOT IN ('new_received', 'carried_over', 'total_processed', 'carried_forward') AS is_result
FROM applications
