"""A zone's bodies classify as the contract says: the zone's committee is `zone`, its office
`government` (as 人民政府办公室), every other body a `department`, at the level of the government
the zone belongs to; and a portal footer's credits never stand in for the signature."""

from __future__ import annotations

import pytest

from pipeline.regions import resolve
from pipeline.regions.names import zone_body

PINGTAN = ("福建省", "福州市", "平潭县", "county")


@pytest.mark.parametrize(("agency", "kind"), [
    ("平潭综合实验区行政审批局", "department"),
    ("平潭综合实验区公安局", "department"),
    ("平潭综合实验区苏平片区管理局", "department"),  # an area administration under the zone
    ("平潭综合实验区管委会办公室", "government"),
    ("平潭综合实验区管理委员会办公室", "government"),
    ("平潭综合实验区管委会", "zone"),
    ("平潭综合实验区党工委管委会", "zone"),
    ("平潭综合实验区", "zone"),
])
def test_bodies_of_a_county_level_zone(agency: str, kind: str) -> None:
    region = resolve(agency, None, "", 2024).region
    assert (region.province, region.city, region.county, region.agency_level) == PINGTAN
    assert region.agency_kind == kind


@pytest.mark.parametrize(("agency", "kind", "city"), [
    ("苏州工业园区管理委员会", "zone", "苏州市"),
    ("兰州新区管理委员会办公室", "government", "兰州市"),
    ("石家庄高新技术产业开发区管理委员会", "zone", "石家庄市"),  # a zone from zones.csv: its place is the zone
    ("石家庄高新技术产业开发区财政局", "department", "石家庄市"),
    ("广州市公安局开发区分局", "department", "广州市"),  # a government department's branch named for a zone
])
def test_bodies_of_city_level_zones(agency: str, kind: str, city: str) -> None:
    region = resolve(agency, None, "", 2023).region
    assert (region.city, region.agency_level, region.agency_kind) == (city, "city", kind)


def test_zone_body_is_what_follows_the_last_zone_word() -> None:
    assert zone_body("综合实验区管委会办公室") == "办公室"
    assert zone_body("综合实验区苏平片区管理局") == "苏平片区管理局"
    assert zone_body("行政审批局") == "行政审批局"


def test_a_county_stem_after_its_province_places_a_zone_body() -> None:
    """福建省平潭综合实验区…: the stem 平潭 goes on from the province holding 平潭县, so the body sits
    in the county, not at the province's level."""
    region = resolve("福建省平潭综合实验区管理委员会办公室", None, "", 2025).region
    assert (region.county, region.agency_level, region.agency_kind) == ("平潭县", "county", "government")


def test_a_stem_after_a_province_not_holding_it_is_no_place() -> None:
    """公安 is the stem of 湖北's 公安县, not of anything in 甘肃省: 甘肃省公安厅 is a provincial body."""
    region = resolve("甘肃省公安厅", None, "", 2024).region
    assert (region.province, region.county, region.agency_level) == ("甘肃省", None, "province")
    region = resolve("福建省平潭公安局", None, "", 2024).region  # a stem with no zone word after it is a word
    assert (region.county, region.agency_level) == (None, "province")


FOOTER = "\n".join([
    "本报告中所列数据的统计期限为2025年1月1日至2025年12月31日。", "正文……",
    "网站标识码：3590000001 闽ICP备09032658号", "版权所有：平潭综合实验区党工委管委会网站",
    "主办单位：福建省平潭综合实验区管理委员会办公室", "为确保最佳浏览效果，建议您使用以下浏览器版本",
])


def test_portal_footer_credits_are_not_the_signature() -> None:
    """A page printed to PDF ends with the site's sponsor; without an agency name the resolver must
    not take the sponsor's region, level and kind for the report's."""
    resolution = resolve(None, None, FOOTER, 2025)
    assert resolution.region.province is None and resolution.region.agency_kind is None
    assert [f.rule for f in resolution.findings] == ["unknown_region"]
    signed = resolve(None, None, FOOTER.replace("主办单位：", ""), 2025).region  # a real signature line
    assert (signed.county, signed.region_method) == ("平潭县", "signature")
