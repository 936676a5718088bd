-- Section 二, one row per report, with the agency key for comparisons across years.
SELECT r.agency_key, r.region_code, p.*
FROM proactive AS p
JOIN intermediate.int_reports AS r USING (report_id, year)
