"""Every seed parses to exactly its hand-checked values."""

from __future__ import annotations

import pytest

from pipeline.extract.document import Document
from pipeline.parse import parse_bytes, parse_document
from tests.seeds import COMPARED, REGION_FIELDS, SEED_PATHS, expected, seed_text


def test_there_are_five_seeds():
    assert len(SEED_PATHS) == 5


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda p: p.stem)
def test_seed_parses_exactly(path):
    report = parse_document(Document(source=str(path), source_format="text", text=seed_text(path)))
    got, want = report.to_json(), expected(path)
    assert {k: got[k] for k in COMPARED} == {k: want[k] for k in COMPARED}
    assert report.findings == []  # every seed is complete and adds up


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda p: p.stem)
def test_seed_region_through_parse_bytes(path):
    got = parse_bytes(path.read_bytes(), str(path), "text/plain").to_json()
    want = expected(path)
    assert {k: got[k] for k in REGION_FIELDS} == {k: want[k] for k in REGION_FIELDS}


def test_parse_bytes_resolves_with_the_portal_code_it_is_given():
    path = next(p for p in SEED_PATHS if expected(p)["county"] == "汝州市")
    report = parse_bytes(path.read_bytes(), str(path), "text/plain", portal_region_code="130827")
    assert (report.region.county, report.region.county_code) == ("汝州市", "410482")
    assert [f.rule for f in report.findings] == ["portal_region_conflict"]
