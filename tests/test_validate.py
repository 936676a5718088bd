"""pandera checks and consistency rules: every broken rule is a finding, no report loses a row."""

from __future__ import annotations

import polars as pl

from pipeline.frames import FINDINGS_SCHEMA, reports_to_frames
from pipeline.validate import consistency_findings, validate_frames
from tests import parse_builders as b


def report_of(values: dict, source: str):
    return b.parse_text(b.report_text(values, "pipes"), source)


def findings_of(frames) -> set[tuple]:
    return {(r["report_id"], r["rule"], r["item"], r["applicant"], r["expected"], r["actual"])
            for r in frames.findings.iter_rows(named=True)}


def test_consistent_reports_have_no_findings():
    frames = validate_frames(reports_to_frames([report_of(b.consistent_values(t), f"{t}.txt") for t in ("2021", "2019")]))
    assert frames.findings.height == 0


def test_a_report_breaking_every_rule_keeps_all_its_rows_and_each_rule_is_listed():
    good = report_of(b.consistent_values(), "good.txt")
    values = b.consistent_values()
    apps = values["applications"]
    apps["granted"] = [600, 1, 0, 0, 0, 0, 602]  # rule3 on granted; rule2 on total column
    apps["carried_forward"][0] += 5  # rule1 on natural_person, rule3 on carried_forward
    apps["denied_third_party"] = [-1, 0, 0, 0, 0, 0, -1]  # rule4 twice, rule2 on two columns
    values["review_litigation"]["review"] = [2, 1, 0, 1, 9]  # rule5
    bad = report_of(values, "bad.txt")
    frames = validate_frames(reports_to_frames([good, bad]))
    assert frames.applications.filter(pl.col("report_id") == bad.report_id).height == len(apps) * 7
    assert frames.reports.height == 2
    got = findings_of(frames)
    rid = bad.report_id
    assert got == {
        (rid, "rule3", "granted", "total", 601.0, 602.0),
        (rid, "rule3", "carried_forward", "total", 202.0, 197.0),
        (rid, "rule2", "total_processed", "natural_person", 1009.0, 1010.0),
        (rid, "rule1", "new_received+carried_over", "natural_person", 1205.0, 1210.0),
        (rid, "rule4", "denied_third_party", "natural_person", None, -1.0),
        (rid, "rule4", "denied_third_party", "total", None, -1.0),
        (rid, "rule5", "review_litigation", "review.total", 4.0, 9.0),
    }
    assert dict(frames.findings.schema) == FINDINGS_SCHEMA
    assert all(m for m in frames.findings["message"])


def test_blank_operands_make_a_rule_not_assessable():
    values = b.consistent_values()
    values["applications"]["granted"] = [None, 1, 0, 0, 0, 0, 999]  # total wrong, but a blank operand
    frames = reports_to_frames([report_of(values, "blank.txt")])
    got = {(r["rule"], r["item"], r["applicant"]) for r in consistency_findings(frames).iter_rows(named=True)}
    assert ("rule3", "granted", "total") not in got
    assert ("rule2", "total_processed", "natural_person") not in got
    assert ("rule2", "total_processed", "total") in got  # that column has no blank


def test_schema_breaks_become_findings_not_exceptions():
    frames = reports_to_frames([report_of(b.consistent_values(), "a.txt")])
    frames.applications = pl.concat([frames.applications, frames.applications.head(1)])  # duplicate key
    frames.reports = frames.reports.with_columns(template=pl.lit("1999"), source_format=pl.lit("odt"))
    checked = validate_frames(frames)
    assert set(checked.findings["rule"]) == {"schema"}
    messages = " ".join(checked.findings["message"])
    assert "reports.template: 1999" in messages and "reports.source_format: odt" in messages
    assert "applications" in messages and checked.findings.height >= 3
    assert checked.applications.height == frames.applications.height
