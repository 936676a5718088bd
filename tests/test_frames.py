"""Reports → frames: exact column names and types, long form, nulls and raw tokens kept."""

from __future__ import annotations

import polars as pl

from pipeline import contract
from pipeline.extract.document import Document
from pipeline.frames import (APPLICATIONS_SCHEMA, FINDINGS_SCHEMA, PROACTIVE_SCHEMA, REPORTS_SCHEMA,
                             REVIEW_SCHEMA, reports_to_frames)
from pipeline.parse import parse_document
from tests import parse_builders as b
from tests.seeds import SEED_PATHS, seed_text


def seed_reports():
    return [parse_document(Document(source=str(p), source_format="text", text=seed_text(p))) for p in SEED_PATHS]


def test_column_names_and_types_are_the_contract():
    frames = reports_to_frames(seed_reports())
    assert dict(frames.reports.schema) == REPORTS_SCHEMA
    assert dict(frames.proactive.schema) == PROACTIVE_SCHEMA
    assert list(frames.proactive.columns[2:]) == list(contract.PROACTIVE_FIELDS)
    assert dict(frames.applications.schema) == APPLICATIONS_SCHEMA
    assert dict(frames.review_litigation.schema) == REVIEW_SCHEMA
    assert dict(frames.findings.schema) == FINDINGS_SCHEMA
    assert frames.proactive.schema["fees_10k_yuan"] == pl.Float64 and frames.reports.schema["year"] == pl.Int32


def test_long_forms_hold_every_cell_of_every_report():
    reports = seed_reports()
    frames = reports_to_frames(reports)
    assert frames.reports.height == 5 and frames.proactive.height == 5
    assert frames.applications.height == sum(len(r.applications) for r in reports) * 7
    assert frames.review_litigation.height == 5 * 15
    back = {(row["report_id"], row["item"], row["applicant"]): row["count"]
            for row in frames.applications.iter_rows(named=True)}
    for r in reports:
        for item, counts in r.applications.items():
            assert [back[(r.report_id, item, a)] for a in contract.APPLICANTS] == counts
    kuancheng = frames.reports.filter(pl.col("agency") == "宽城满族自治县人民政府办公室").row(0, named=True)
    assert str(kuancheng["published_on"]) == "2024-01-26" and kuancheng["year"] == 2023


def test_blank_cells_are_null_and_null_tokens_keep_their_raw_text():
    values = b.consistent_values("2019")
    values["applications"]["granted"] = ["—", 1, 0, 0, 0, 0, None]
    values["review_litigation"]["review"] = [2, "/", 0, 1, 4]
    report = parse_document(Document(source="t.txt", source_format="text", text=b.report_text(values, "pipes")))
    frames = reports_to_frames([report])
    granted = frames.applications.filter(pl.col("item") == "granted").sort("applicant")
    cells = {row["applicant"]: (row["count"], row["raw"]) for row in granted.iter_rows(named=True)}
    assert cells["natural_person"] == (None, "—") and cells["total"] == (None, None)
    assert cells["commercial_enterprise"] == (1, None)
    review = frames.review_litigation.filter((pl.col("group") == "review") & (pl.col("outcome") == "corrected"))
    assert review.select("count", "raw").row(0) == (None, "/")
    proactive = frames.proactive.row(0, named=True)
    assert proactive["procurement_amount_yuan"] == 125000.0 and proactive["licensing_change"] == -2
    assert proactive["rules_issued"] is None  # a 2021 field, absent from a 2019 report


def test_no_reports_give_empty_frames_with_the_schema():
    frames = reports_to_frames([])
    assert all(frame.height == 0 for _, frame in frames.items())
    assert dict(frames.applications.schema) == APPLICATIONS_SCHEMA
