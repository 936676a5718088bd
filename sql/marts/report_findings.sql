-- One row per finding on a loaded report (the parser's, the consistency rules', the load's), with
-- the report's agency, source URL and region codes: what a dashboard or an auditor needs to go
-- from a broken rule to the document that breaks it, from the exports alone.
SELECT f.year, f.report_id, r.agency, r.source_url, r.province_code, r.city_code, r.county_code,
       f.rule, f.item, f.applicant, f.expected, f.actual, f.message
FROM findings AS f
JOIN intermediate.int_reports AS r USING (report_id, year)
