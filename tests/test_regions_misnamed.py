"""An agency naming a government of no division (OCR's 沐阳县 for 沭阳县): kind and level stand, the
name is corrected only when exactly one division one character off it is confirmed (by the portal,
the places the document names, or a character OCR takes for another), else the region stays null
with the near misses named. Never a guess: 宿迁市 holds both 沭阳县 and 泗阳县, and 洎阳县 is one
character off 沭阳县, 泗阳县 and more, none by a character OCR confuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.parse.files import parse_path
from pipeline.record import Report
from pipeline.regions import apply_region, resolve

SHUYANG = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "shuyang-2025" / "source.txt"


def test_a_misspelt_county_government_keeps_its_kind_and_level_and_no_region() -> None:
    resolution = resolve("洎阳县人民政府", None, "洎阳县人民政府\n2026年1月23日", 2025)
    region = resolution.region
    assert (region.agency_kind, region.agency_level) == ("government", "county")
    assert region.province is None and region.county is None and resolution.agency is None
    [finding] = resolution.findings
    assert finding.rule == "unknown_region" and "洎阳县" in finding.message


@pytest.mark.parametrize("context", [
    {},  # nothing but the name: of the 49 divisions one character off 沐阳县, only 沭阳县 by 沭/沐
    {"portal_region_code": "321300"},  # the portal's city holds 沭阳县 and 泗阳县: 沭/沐 decides
    {"text": "本县与泗阳县人民政府签订合作协议。"},  # a neighbour one character off, merely named
])
def test_a_character_ocr_confuses_corrects_the_name_with_a_finding(context: dict) -> None:
    resolution = resolve("沐阳县人民政府", None, context.get("text", ""), 2025, context.get("portal_region_code"))
    assert resolution.agency == "沭阳县人民政府"
    assert (resolution.region.county, resolution.region.city) == ("沭阳县", "宿迁市")
    [finding] = resolution.findings
    assert finding.rule == "agency_name_corrected" and "沐阳县人民政府" in finding.message


def test_two_divisions_ocr_could_have_misread_decide_nothing() -> None:
    from pipeline.regions.resolver import _misread

    class Place:  # only the name counts
        def __init__(self, name: str) -> None:
            self.name = name

    assert [p.name for p in _misread("沐阳县", [Place("沭阳县"), Place("泗阳县")])] == ["沭阳县"]
    assert _misread("大和县", [Place("太和县"), Place("犬和县")]) == []  # 大 is confused with both


@pytest.mark.parametrize("context", [
    {"portal_region_code": "321300"},  # the portal's city
    {"text": "根据宿迁市人民政府办公室的通知编制本报告。"},  # the same city named in the preamble
    {"agency": "江苏省洎阳县人民政府"},  # the province in the name
    {"text": "本县与泗阳县人民政府签订合作协议。"},  # a near miss merely named
])
def test_a_misspelling_nothing_confirms_corrects_nothing(context: dict) -> None:
    agency = context.get("agency", "洎阳县人民政府")
    resolution = resolve(agency, None, context.get("text", ""), 2025, context.get("portal_region_code"))
    assert resolution.region.county is None and resolution.agency is None
    [finding] = resolution.findings
    assert finding.rule == "unknown_region"
    assert "洎阳县" in finding.message and "one character off" in finding.message


def test_the_portal_of_one_near_miss_corrects_the_name_with_a_finding() -> None:
    report = Report("x", "x", "text", agency="沐阳县人民政府", year=2025)
    corrected = apply_region(report, "321322")  # the portal is the county's own
    region = corrected.region
    assert corrected.agency == "沭阳县人民政府"
    assert (region.province, region.city, region.county, region.county_code) == ("江苏省", "宿迁市", "沭阳县", "321322")
    assert (region.agency_level, region.agency_kind) == ("county", "government")
    [finding] = [f for f in corrected.findings if f.rule == "agency_name_corrected"]
    assert "沐阳县人民政府" in finding.message and "沭阳县" in finding.message


def test_a_named_city_holding_one_near_miss_corrects_the_name() -> None:
    """金搭县 is one character off many 金X县 and X塔县; in 酒泉市, which the preamble names, only 金塔县."""
    text = "根据酒泉市人民政府办公室的通知要求，编制本报告。"
    resolution = resolve("金搭县人民政府办公室", None, text, 2024)
    assert resolution.agency == "金塔县人民政府办公室"
    assert (resolution.region.county, resolution.region.agency_kind) == ("金塔县", "government")
    assert [f.rule for f in resolution.findings] == ["agency_name_corrected"]
    assert resolve("金搭县人民政府办公室", None, "", 2024).agency is None  # without the city: no correction


def test_resolving_a_corrected_report_again_keeps_the_printed_name_on_record() -> None:
    report = Report("x", "x", "text", agency="沐阳县人民政府", year=2025)
    again = apply_region(apply_region(report, "321322"), "321322")
    assert again.agency == "沭阳县人民政府" and again.region.county == "沭阳县"
    assert [f.rule for f in again.findings] == ["agency_name_corrected"]


def test_a_one_character_stem_has_no_near_miss() -> None:
    """X县 and Y县 share no character but the suffix: 沐县 is no misspelling of 沛县 one can know."""
    resolution = resolve("沐县人民政府", None, "", 2025, "320322")  # the portal of 沛县
    assert resolution.region.county is None and resolution.agency is None
    assert [f.rule for f in resolution.findings] == ["unknown_region"]


def test_a_known_division_is_never_corrected() -> None:
    resolution = resolve("泗阳县人民政府", None, "详见沭阳县人民政府网站。", 2025)
    assert resolution.region.county == "泗阳县" and resolution.agency is None


@pytest.mark.skipif(not SHUYANG.exists(), reason=f"the real-report corpus is not at {SHUYANG.parent}")
def test_the_real_ocr_report_is_read_as_the_county_ocr_misspelt() -> None:
    """shuyang-2025 prints 沐阳县 throughout and names no city, province or portal: of its near
    misses only 沭阳县 differs by a character OCR confuses, and the printed name stays on record."""
    report = parse_path(str(SHUYANG))
    assert isinstance(report, Report)
    assert (report.region.agency_kind, report.region.agency_level) == ("government", "county")
    assert (report.region.county, report.agency) == ("沭阳县", "沭阳县人民政府")
    assert any(f.rule == "agency_name_corrected" and "沐阳县人民政府" in f.message for f in report.findings)
