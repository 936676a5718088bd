-- Section 四 per report and group (review, litigation_direct, litigation_after_review), one row
-- each: `<outcome>_count` (NULL when blank) and `<outcome>_blank` (1 when the cell was blank).
PIVOT (SELECT report_id, year, "group", outcome, count FROM review_litigation)
ON outcome IN ('upheld', 'corrected', 'other', 'pending', 'total')
USING sum(count)::BIGINT AS count, count_if(count IS NULL) AS blank
GROUP BY report_id, year, "group"
