-- Section 四 cells; the `group` column is quoted because GROUP is an SQL keyword.
SELECT report_id, year, "group", outcome, count, raw
FROM review_litigation
