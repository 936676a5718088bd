"""Region resolution against the five seeds and a hand-checked table of real agency names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.record import Finding, Report
from pipeline.regions import apply_region, resolve
from pipeline.regions.gazetteer import DATA_DIR
from pipeline.regions.names import is_zone_name
from tests.seeds import REGION_FIELDS, SEED_PATHS, expected, seed_text

AGENCIES = Path(__file__).resolve().parent / "data" / "agencies.csv"
CODED_FIELDS = ("province", "province_code", "city", "city_code", "county", "county_code")
PROVINCES = 31
TOWNSHIP_SAMPLE_STEP = 10


def first_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.strip())


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda p: p.stem)
def test_seed_resolves_to_its_expected_region(path: Path) -> None:
    want = expected(path)
    text = seed_text(path)
    resolution = resolve(want["agency"], first_line(text), text, want["year"])
    assert {f: getattr(resolution.region, f) for f in REGION_FIELDS} == {f: want[f] for f in REGION_FIELDS}
    assert resolution.findings == []


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda p: p.stem)
def test_seed_resolves_from_its_text_alone(path: Path) -> None:
    """Without the agency name: the title, the signature or the preamble's governments decide."""
    want = expected(path)
    text = seed_text(path)
    resolution = resolve(None, first_line(text), text, want["year"])
    assert {f: getattr(resolution.region, f) for f in REGION_FIELDS} == {f: want[f] for f in REGION_FIELDS}
    assert resolution.region.region_method in ("title", "signature", "preamble", "township_alias")


def load_table() -> list[dict[str, str]]:
    with AGENCIES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def outcome(row: dict[str, str]) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """(expected fields, resolved fields, finding rules) for one table row; level and kind are
    compared only where the row states them."""
    resolution = resolve(
        row["agency"], row["title"] or None, row["text"], int(row["year"]), row["portal_region_code"] or None
    )
    fields = CODED_FIELDS + tuple(f for f in ("agency_level", "agency_kind") if row[f])
    want = {f: row[f] for f in fields}
    got = {f: getattr(resolution.region, f) or "" for f in fields}
    return want, got, {f.rule for f in resolution.findings}


def test_agency_table_covers_every_province_and_kind_of_body() -> None:
    rows = load_table()
    assert len(rows) >= 80
    assert len({r["province_code"] for r in rows if r["province_code"]}) == PROVINCES
    assert {r["agency_level"] for r in rows} >= {"province", "city", "county", "township"}
    assert {r["agency_kind"] for r in rows} >= {"government", "department", "zone"}
    assert {r["finding"] for r in rows} >= {"ambiguous_region", "unknown_region"}


def test_agency_table_resolves_exactly_and_never_wrongly() -> None:
    rows = load_table()
    misses, wrong = [], []
    for row in rows:
        want, got, rules = outcome(row)
        if want != got or (row["finding"] and row["finding"] not in rules):
            misses.append(f"{row['agency']} ({row['year']}): want {want} {row['finding']}, got {got} {rules}")
            if got["province_code"] and any(got[f] != want[f] for f in CODED_FIELDS):
                wrong.append(misses[-1])
    print("\n".join(["misses:", *misses]))
    assert not wrong, "a non-null answer must be right:\n" + "\n".join(wrong)
    assert len(misses) <= 0.05 * len(rows), "\n".join(misses)


def test_unresolved_rows_name_their_candidates() -> None:
    resolution = resolve("鼓楼区人民政府", None, "", 2023)
    assert resolution.region.province is None
    [finding] = resolution.findings
    assert finding.rule == "ambiguous_region"
    for city in ("南京市", "徐州市", "福州市", "开封市"):
        assert city in finding.message


def test_agency_name_outside_the_portal_keeps_its_place_with_a_finding() -> None:
    resolution = resolve("樟树市人民政府", None, "", 2023, portal_region_code="620200")
    assert (resolution.region.county, resolution.region.county_code) == ("樟树市", "360982")
    assert resolution.region.region_method == "agency_name"
    assert [f.rule for f in resolution.findings] == ["portal_region_conflict"]
    assert "嘉峪关市" in resolution.findings[0].message and "樟树市" in resolution.findings[0].message


def test_context_that_contradicts_the_portal_leaves_the_region_null() -> None:
    text = "根据樟树市人民政府办公室关于做好年度报告工作的通知，现将本单位报告如下。"
    resolution = resolve("综合办公室", None, text, 2023, portal_region_code="620200")
    assert resolution.region.county is None and resolution.region.city is None
    assert [f.rule for f in resolution.findings] == ["ambiguous_region"]


def test_resolving_again_with_the_portal_leaves_one_verdict() -> None:
    first = apply_region(Report("x", "x", "text", agency="樟树市人民政府", year=2023), "620200")
    second = apply_region(first, "620200")
    assert [f.rule for f in second.findings] == ["portal_region_conflict"]


def test_unknown_portal_code_is_reported() -> None:
    resolution = resolve("公安局", None, "", 2023, portal_region_code="999999")
    assert resolution.region.province is None
    assert {f.rule for f in resolution.findings} == {"unknown_region"}


def test_township_without_confirmation_stays_null() -> None:
    """A township name unique in the township list still needs the document to name its county."""
    resolution = resolve("雄关街道办事处", "雄关街道2024年政府信息公开工作年度报告", "", 2024)
    assert resolution.region.city is None
    assert resolution.region.agency_level == "township"
    assert [f.rule for f in resolution.findings] == ["unknown_region"]
    assert "嘉峪关市" in resolution.findings[0].message


def test_apply_region_fills_the_report_and_replaces_earlier_region_findings() -> None:
    report = Report(
        report_id="r", source="s", source_format="text", agency="朝阳区人民政府", year=2023, title=None, text="",
        findings=[Finding("rule1", message="kept")],
    )
    first = apply_region(report)
    assert first.region.county is None
    assert [f.rule for f in first.findings] == ["rule1", "ambiguous_region"]
    second = apply_region(first, portal_region_code="220100")
    assert (second.region.city, second.region.county_code, second.region.region_method) == ("长春市", "220104", "portal")
    assert [f.rule for f in second.findings] == ["rule1"]
    assert report.region.province is None  # the input report is not changed


def test_year_outside_the_data_uses_the_nearest_map() -> None:
    for year in (2030, None):
        assert resolve("济南市莱芜区人民政府", None, "", year).region.county_code == "370116"


def test_district_unknown_in_the_year_is_not_taken_for_its_city() -> None:
    """莱芜区 did not exist in 2010: the agency is not 济南市's own government."""
    resolution = resolve("济南市莱芜区人民政府", None, "", 2010)
    assert resolution.region.city is None
    assert [f.rule for f in resolution.findings] == ["unknown_region"]
    assert "莱芜区" in resolution.findings[0].message


def division_rows(year: int) -> list[dict[str, str]]:
    with (DATA_DIR / "divisions.csv").open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if int(r["valid_from"]) <= year <= int(r["valid_to"])]


@pytest.mark.parametrize("year", [2024, 2010])
def test_every_division_resolves_by_its_name_or_says_why(year: int) -> None:
    """Every unit of the year's map, named alone (海淀区人民政府) and under its parent
    (北京市海淀区人民政府): the right code, or no region and a finding; never another place.
    Under its parent the name is never left unresolved."""
    rows = division_rows(year)
    by_code = {r["code"]: r for r in rows}
    wrong, unresolved = [], []
    for row in rows:
        parent = by_code.get(row["parent_code"])
        for agency in [row["name"] + "人民政府"] + ([parent["name"] + row["name"] + "人民政府"] if parent else []):
            resolution = resolve(agency, None, "", year)
            region = resolution.region
            got = {"province": region.province_code, "city": region.city_code, "county": region.county_code}[row["level"]]
            deeper = {"province": region.city_code if row["code"][:2] not in ("11", "12", "31", "50") else region.county_code,
                      "city": region.county_code, "county": None}[row["level"]]
            if got == row["code"] and not deeper:
                continue
            if region.province_code:
                wrong.append(f"{agency}: {region}")
            elif parent and agency.startswith(parent["name"]):
                unresolved.append(f"{agency}: {resolution.findings}")
            else:
                assert {f.rule for f in resolution.findings} & {"ambiguous_region", "unknown_region"}, agency
    assert not wrong, "\n".join(wrong[:20])
    assert not unresolved, "\n".join(unresolved[:20])


def test_townships_resolve_under_their_county() -> None:
    """A sample of the township list, each named under its county (汝州市钟楼街道人民政府)."""
    with (DATA_DIR / "townships.csv").open(encoding="utf-8", newline="") as handle:
        townships = list(csv.DictReader(handle))[::TOWNSHIP_SAMPLE_STEP]
    current = {r["code"]: r for r in division_rows(2024)}
    checked, wrong = 0, []
    for township in townships:
        parent = current.get(township["parent_code"])
        if parent is None or is_zone_name(township["name"]):
            continue
        region = resolve(parent["name"] + township["name"] + "人民政府", None, "", 2024).region
        got = region.county_code if parent["level"] == "county" else region.city_code
        checked += 1
        if region.province_code and (got != parent["code"] or region.agency_level != "township"):
            wrong.append(f"{parent['name']}{township['name']}: {region}")
    assert checked > 3000
    assert not wrong, "\n".join(wrong[:20])
