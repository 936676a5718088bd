-- Breaks between consecutive years of the same agency (same agency_key): carried_forward of year
-- Y must equal carried_over of Y+1 in every applicant column, and for rules (规章) and normative
-- documents (行政规范性文件) in_force(Y+1) = in_force(Y) + issued(Y+1) - repealed(Y+1). One row per
-- broken rule, placed in the later year; pairs where either side is blank are not judged. Both
-- reports' source URLs and the later one's region codes come along, for links and drill-down.
WITH carry AS (
    SELECT r.agency_key, a.year, a.report_id, a.item, a.applicant, a.count
    FROM applications AS a
    JOIN intermediate.int_reports AS r USING (report_id, year)
    WHERE a.item IN ('carried_forward', 'carried_over')
),
stock AS (
    SELECT agency_key, year, report_id, 'rules' AS kind,
           rules_issued AS issued, rules_repealed AS repealed, rules_in_force AS in_force
    FROM staging.stg_proactive
    UNION ALL
    SELECT agency_key, year, report_id, 'normative',
           normative_issued, normative_repealed, normative_in_force
    FROM staging.stg_proactive
),
breaks AS (
    SELECT cur.agency_key, cur.year, 'carried_forward_to_carried_over' AS rule,
           cur.applicant AS applicant, prev.report_id AS previous_report_id, cur.report_id,
           prev.count::DOUBLE AS expected, cur.count::DOUBLE AS actual
    FROM carry AS prev
    JOIN carry AS cur
      ON cur.agency_key = prev.agency_key AND cur.year = prev.year + 1 AND cur.applicant = prev.applicant
    WHERE prev.item = 'carried_forward' AND cur.item = 'carried_over'
    UNION ALL
    SELECT cur.agency_key, cur.year, cur.kind || '_in_force', NULL,
           prev.report_id, cur.report_id,
           (prev.in_force + cur.issued - cur.repealed)::DOUBLE, cur.in_force::DOUBLE
    FROM stock AS prev
    JOIN stock AS cur
      ON cur.agency_key = prev.agency_key AND cur.year = prev.year + 1 AND cur.kind = prev.kind
)
SELECT b.year, b.agency_key, r.agency, b.rule, b.applicant,
       b.previous_report_id, b.report_id, b.expected, b.actual,
       b.rule || ': expected ' || b.expected::BIGINT || ', found ' || b.actual::BIGINT AS message,
       r.source_url, p.source_url AS previous_source_url, r.province_code, r.city_code, r.county_code
FROM breaks AS b
LEFT JOIN intermediate.int_reports AS r ON r.report_id = b.report_id AND r.year = b.year
LEFT JOIN intermediate.int_reports AS p ON p.report_id = b.previous_report_id AND p.year = b.year - 1
WHERE b.expected IS NOT NULL AND b.actual IS NOT NULL AND b.expected <> b.actual
