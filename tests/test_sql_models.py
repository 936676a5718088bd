"""The SQL models on small real frames: the five seeds' expected values plus a second year of one
seed's agency, loaded through the real partition write; every mart figure is recomputed here in
Python from the same inputs."""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.contract import APPLICANTS, ITEM_GROUP_LABELS, OUTCOMES, PROACTIVE_FIELDS, REVIEW_GROUPS
from pipeline.warehouse.exports import export_marts
from pipeline.warehouse.load import replace_table, replace_years
from pipeline.warehouse.models import discover, run_models

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "expected"

# GB/T 2260 codes of the seeds' regions (the regions stage derives these in the real pipeline).
CODES = {
    "甘肃省": "620000", "嘉峪关市": "620200", "酒泉市": "620900", "金塔县": "620921",
    "河南省": "410000", "平顶山市": "410400", "汝州市": "410482",
    "河北省": "130000", "承德市": "130800", "宽城满族自治县": "130827",
    "江西省": "360000", "宜春市": "360900", "樟树市": "360982",
}
FLOWS = ("new_received", "carried_over", "total_processed", "carried_forward")


def _seed_reports() -> list[dict]:
    reports = []
    for path in sorted(SEEDS.glob("*.json")):
        report = json.loads(path.read_text(encoding="utf-8"))
        report["report_id"] = path.stem.split("_")[1]
        for level in ("province", "city", "county"):
            report[f"{level}_code"] = CODES.get(report[level])
        report["findings"] = []
        reports.append(report)
    # The same county office a year later, its name prefixed by its regions, with blank cells,
    # a carried-over count that does not match last year's carried-forward, and a stock break.
    later = copy.deepcopy(next(r for r in reports if r["county"] == "宽城满族自治县"))
    later.update(report_id="kuancheng2024", year=2024, agency="河北省承德市" + later["agency"])
    apps = later["applications"]
    apps["carried_over"] = [2, 0, 0, 0, 0, 0, 2]
    apps["granted"] = [8, 0, 0, 0, 0, 0, None]
    apps["denied_third_party"] = [None, 0, 0, 0, 0, 0, None]
    apps["denied_process_info"] = [3, 0, 0, 0, 0, 0, 3]
    apps["total_processed"] = [37, 0, 0, 0, 0, 0, 37]
    later["review_litigation"]["review"] = [1, 1, 0, 0, None]
    later["proactive"].update(normative_in_force=9, normative_issued=1, normative_repealed=1)
    later["findings"] = [{"rule": "rule2", "item": "total_processed", "applicant": "total"}]
    reports.append(later)
    return reports


def _frames(reports: list[dict]) -> dict[str, pl.DataFrame]:
    """The frames `pipeline.frames` produces, built straight from expected-values dicts."""
    def key(r: dict) -> dict:
        return {"report_id": r["report_id"], "year": r["year"]}

    rows = defaultdict(list)
    for r in reports:
        rows["reports"].append(key(r) | {c: r.get(c) for c in (
            "agency", "template", "province", "province_code", "city", "city_code", "county", "county_code")})
        rows["proactive"].append(key(r) | {f: r["proactive"].get(f) for f in PROACTIVE_FIELDS})
        rows["applications"] += [key(r) | {"item": item, "applicant": a, "count": c}
                                 for item, counts in r["applications"].items() for a, c in zip(APPLICANTS, counts)]
        rows["review_litigation"] += [key(r) | {"group": g, "outcome": o, "count": c}
                                      for g, counts in r["review_litigation"].items() for o, c in zip(OUTCOMES, counts)]
        rows["findings"] += [key(r) | f for f in r["findings"]]
    return {t: pl.DataFrame(v, infer_schema_length=None).with_columns(pl.col("year").cast(pl.Int32))
            for t, v in rows.items()}


FAILURE = {"source_url": "http://gov.example/broken.html", "title": "宽城满族自治县2024年政府信息公开工作年度报告",
           "region_code": "130827", "stage": "parse", "reason": "no_table", "message": "no statistics table"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    reports = _seed_reports()
    path = tmp_path_factory.mktemp("sql") / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        replace_years(con, _frames(reports), {r["year"] for r in reports})
        replace_table(con, "parse_failures", pl.DataFrame([FAILURE]))
        run_models(con)
        keys = dict(con.execute("SELECT report_id, agency_key FROM staging.stg_reports").fetchall())
        yield con, reports, keys


def _units(report: dict, keys: dict[str, str]) -> list[tuple[str, str]]:
    units = [(cut, report[f"{cut}_code"]) for cut in ("province", "city", "county") if report[f"{cut}_code"]]
    return units + [("agency", keys[report["report_id"]])]


def _outcome(item: str) -> str:
    return next((group for group in ITEM_GROUP_LABELS if item.startswith(group + "_")), item)


def _mart(con, name: str, key_columns: str, value_columns: str) -> dict[tuple, tuple]:
    rows = con.execute(f"SELECT {key_columns}, {value_columns} FROM marts.{name}").fetchall()
    width = key_columns.count(",") + 1
    return {row[:width]: row[width:] for row in rows}


def _share(numerator, denominator):
    return None if numerator is None or not denominator else numerator / denominator


def _applications(reports, keys) -> dict[tuple, list]:
    """(year, cut, unit, outcome) -> [reports, count, blank_cells] from the `total` column."""
    acc: dict[tuple, list] = {}
    for r in reports:
        for cut, unit in _units(r, keys):
            seen = set()
            for item, counts in r["applications"].items():
                k = (r["year"], cut, unit, _outcome(item))
                entry = acc.setdefault(k, [0, None, 0])
                if k not in seen:
                    entry[0] += 1
                    seen.add(k)
                total = counts[-1]
                if total is None:
                    entry[2] += 1
                else:
                    entry[1] = (entry[1] or 0) + total
    return acc


def test_agency_key_is_stable_across_years_and_name_prefixes(warehouse) -> None:
    _, _, keys = warehouse
    assert keys["kuancheng2024"] == keys["e73d5a6c979587d5"]
    assert keys["kuancheng2024"].startswith("130827:")
    assert len(set(keys.values())) == 5


def test_applications_by_region_equals_sums_by_hand(warehouse) -> None:
    con, reports, keys = warehouse
    expected = _applications(reports, keys)
    got = _mart(con, "applications_by_region", "year, cut, unit_code, outcome",
                "reports, count, blank_cells, share_of_processed")
    assert set(got) == set(expected)
    for k, (n, count, blanks) in expected.items():
        processed = expected[k[:3] + ("total_processed",)][1]
        share = None if k[3] in FLOWS else _share(count, processed)
        assert got[k][:3] == (n, count, blanks), k
        assert got[k][3] == pytest.approx(share), k
    # Spot checks that the figures above are not vacuous.
    assert got[(2023, "county", "130827", "unable")][1:3] == (25, 0)
    assert got[(2024, "county", "130827", "granted")][1:4] == (None, 1, None)
    assert got[(2023, "province", "130000", "granted")][3] == pytest.approx(6 / 35)


def test_denial_reasons_and_their_shares(warehouse) -> None:
    con, reports, keys = warehouse
    got = _mart(con, "denial_reasons_by_region", "year, cut, unit_code, reason",
                "count, blank_cells, share_of_denied, share_of_processed")
    apps = _applications(reports, keys)
    for r in reports:
        for cut, unit in _units(r, keys):
            denied = apps[(r["year"], cut, unit, "denied")][1]
            processed = apps[(r["year"], cut, unit, "total_processed")][1]
            for item, counts in r["applications"].items():
                if _outcome(item) == "denied":
                    count, blank, of_denied, of_processed = got[(r["year"], cut, unit, item)]
                    assert (count, blank) == (counts[-1], int(counts[-1] is None))
                    assert of_denied == pytest.approx(_share(counts[-1], denied))
                    assert of_processed == pytest.approx(_share(counts[-1], processed))
    assert got[(2024, "county", "130827", "denied_process_info")][2] == pytest.approx(1.0)


def test_review_litigation_by_region(warehouse) -> None:
    con, reports, keys = warehouse
    got = _mart(con, "review_litigation_by_region", 'year, cut, unit_code, "group", outcome',
                "count, blank_cells, share_of_total")
    expected: dict[tuple, list] = {}
    for r in reports:
        for cut, unit in _units(r, keys):
            for group in REVIEW_GROUPS:
                for outcome, count in zip(OUTCOMES, r["review_litigation"][group]):
                    entry = expected.setdefault((r["year"], cut, unit, group, outcome), [None, 0])
                    if count is None:
                        entry[1] += 1
                    else:
                        entry[0] = (entry[0] or 0) + count
    assert set(got) == set(expected)
    for k, (count, blanks) in expected.items():
        assert got[k][:2] == (count, blanks), k
        assert got[k][2] == pytest.approx(_share(count, expected[k[:4] + ("total",)][0])), k
    assert got[(2023, "city", "130800", "review", "pending")] == (2, 0, 0.5)
    assert got[(2024, "city", "130800", "review", "upheld")] == (1, 0, None)  # total blank: no share


def test_year_over_year_change(warehouse) -> None:
    con, reports, keys = warehouse
    apps = _applications(reports, keys)
    got = _mart(con, "year_over_year", "year, cut, unit_code, measure", "value, previous_value, change, change_share")
    for (year, cut, unit, outcome), (_, value, _) in apps.items():
        previous = apps.get((year - 1, cut, unit, outcome), (None, None, None))[1]
        change = None if value is None or previous is None else value - previous
        assert got[(year, cut, unit, outcome)][:3] == (value, previous, change)
        assert got[(year, cut, unit, outcome)][3] == pytest.approx(_share(change, previous))
    assert got[(2024, "agency", keys["kuancheng2024"], "review_total")][:2] == (None, 4)
    assert got[(2024, "county", "130827", "new_received")] == (35, 35, 0, 0.0)


def test_coverage_counts_reports_findings_and_parse_failures(warehouse) -> None:
    con, reports, keys = warehouse
    got = _mart(con, "coverage_by_region", "year, cut, unit_code", "reports, reports_with_findings, findings, parse_failures")
    expected: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0])
    for r in reports:
        for cut, unit in _units(r, keys):
            entry = expected[(r["year"], cut, unit)]
            entry[0] += 1
            entry[1] += bool(r["findings"])
            entry[2] += len(r["findings"])
    for cut, unit in (("province", "130000"), ("city", "130800"), ("county", "130827")):
        expected[(2024, cut, unit)][3] += 1
    assert got == {k: tuple(v) for k, v in expected.items()}


def test_cross_year_findings(warehouse) -> None:
    con, reports, keys = warehouse
    rows = con.execute(
        "SELECT year, agency_key, rule, applicant, expected, actual FROM marts.cross_year_findings ORDER BY ALL"
    ).fetchall()
    earlier, later = (r for r in reports if r["county"] == "宽城满族自治县")
    key = keys[later["report_id"]]
    carry = [(2024, key, "carried_forward_to_carried_over", a, float(f), float(o))
             for a, f, o in zip(APPLICANTS, earlier["applications"]["carried_forward"],
                                later["applications"]["carried_over"]) if f != o]
    p, q = earlier["proactive"], later["proactive"]
    stock = [(2024, key, f"{kind}_in_force", None,
              float(p[f"{kind}_in_force"] + q[f"{kind}_issued"] - q[f"{kind}_repealed"]), float(q[f"{kind}_in_force"]))
             for kind in ("rules", "normative")
             if p[f"{kind}_in_force"] + q[f"{kind}_issued"] - q[f"{kind}_repealed"] != q[f"{kind}_in_force"]]
    assert len(carry) == 2 and len(stock) == 1
    assert rows == sorted(carry + stock, key=lambda r: tuple("" if v is None else v for v in r))


def test_models_run_in_dependency_order_and_rerun_cleanly(warehouse) -> None:
    con, _, _ = warehouse
    models = discover()
    position = {m.qualified: i for i, m in enumerate(models)}
    for m in models:
        assert all(position[d] < position[m.qualified] for d in m.deps if d in position)
        assert m.description, f"{m.path.name} needs a leading comment saying what it holds"
    before = con.execute("SELECT * FROM marts.applications_by_region ORDER BY ALL").fetchall()
    run_models(con)
    assert con.execute("SELECT * FROM marts.applications_by_region ORDER BY ALL").fetchall() == before


def test_exports_parquet_by_year_and_csv_with_bom(warehouse, tmp_path) -> None:
    con, _, _ = warehouse
    written = export_marts(con, tmp_path)
    assert {e.mart for e in written} == {m.name for m in discover() if m.schema == "marts"}
    apps = next(e for e in written if e.mart == "applications_by_region")
    assert sorted(p.name for p in apps.parquet_dir.iterdir()) == ["year=2023", "year=2024"]
    back = con.execute(
        f"SELECT count(*) FROM read_parquet('{apps.parquet_dir}/**/*.parquet', hive_partitioning = true)"
    ).fetchone()[0]
    assert back == apps.rows
    raw = apps.csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("year,cut,unit_code,unit_name")
    assert "宽城满族自治县" in text and len(text.splitlines()) == apps.rows + 1
