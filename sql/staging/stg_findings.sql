-- Consistency and validation findings with the agency they concern.
SELECT r.agency_key, r.agency, f.*
FROM findings AS f
LEFT JOIN intermediate.int_reports AS r USING (report_id, year)
