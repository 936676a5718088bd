"""The SQL models on small real frames: the five seeds' expected values plus a second year of one
seed's agency, loaded through the real partition write; every mart figure is recomputed here in
Python from the same inputs."""

from __future__ import annotations

import copy
import json
import re
from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.contract import APPLICANTS, ITEM_GROUP_LABELS, ITEMS, OUTCOMES, PROACTIVE_FIELDS, REVIEW_GROUPS
from pipeline.warehouse.exports import export_marts
from pipeline.warehouse.dedupe import one_report_each
from pipeline.warehouse.load import replace_table, replace_years
from pipeline.warehouse.models import discover, run_models
from tests.seeds import SEEDS_DIR

SEEDS = SEEDS_DIR / "expected"

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
# A year with no report of the county, only a document that could not be parsed.
OLD_FAILURE = FAILURE | {"source_url": "http://gov.example/2017.html", "title": "宽城满族自治县2017年政府信息公开工作年度报告",
                         "reason": "unsupported_template"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    reports = _seed_reports()
    path = tmp_path_factory.mktemp("sql") / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        replace_years(con, one_report_each(_frames(reports)), {r["year"] for r in reports})
        replace_table(con, "parse_failures", pl.DataFrame([FAILURE, OLD_FAILURE]))
        run_models(con)
        keys = dict(con.execute("SELECT report_id, agency_key FROM intermediate.int_reports").fetchall())
        yield con, reports, keys


def _units(report: dict, keys: dict[str, str]) -> list[tuple[str, str]]:
    units = [(cut, report[f"{cut}_code"]) for cut in ("province", "city", "county") if report[f"{cut}_code"]]
    return units + [("agency", keys[report["report_id"]])]


def _outcome(item: str) -> str:
    return next((group for group in ITEM_GROUP_LABELS if item.startswith(group + "_")), item)


def _mart(con, name: str, keys: str) -> dict[tuple, dict]:
    """Rows of a mart by their key columns, each as a column -> value dict."""
    cursor = con.execute(f"SELECT * FROM marts.{name}")
    columns = [d[0] for d in cursor.description]
    ordered = [c.strip().strip('"') for c in keys.split(",")]
    return {tuple(row[columns.index(k)] for k in ordered): dict(zip(columns, row)) for row in cursor.fetchall()}


def _share(numerator, denominator):
    return None if numerator is None or not denominator else numerator / denominator


def _add(entry: list, value) -> None:
    """Sum `value` into entry [count, blank_cells]: a blank cell is counted, never added as 0."""
    if value is None:
        entry[1] += 1
    else:
        entry[0] = (entry[0] or 0) + value


def _applications(reports, keys) -> dict[tuple, dict]:
    """(year, cut, unit) -> {"reports": n, outcome: [count, blank_cells]} from the `total` column."""
    outcomes = dict.fromkeys(_outcome(item) for item in ITEMS)
    acc: dict[tuple, dict] = {}
    for r in reports:
        for cut, unit in _units(r, keys):
            entry = acc.setdefault((r["year"], cut, unit), {"reports": 0} | {o: [None, 0] for o in outcomes})
            entry["reports"] += 1
            for item, counts in r["applications"].items():
                _add(entry[_outcome(item)], counts[-1])
    return acc


def test_agency_key_is_stable_across_years_and_name_prefixes(warehouse) -> None:
    _, _, keys = warehouse
    assert keys["kuancheng2024"] == keys["e73d5a6c979587d5"]
    assert keys["kuancheng2024"].startswith("130827:")
    assert len(set(keys.values())) == 5


def check_applications_mart(con, reports: list[dict], keys: dict[str, str]) -> dict[tuple, dict]:
    """Every figure of marts.applications_by_region against the hand computation; returns the mart."""
    expected = _applications(reports, keys)
    got = _mart(con, "applications_by_region", "year, cut, unit_code")
    assert set(got) == set(expected)
    for k, entry in expected.items():
        row = got[k]
        assert row["reports"] == entry["reports"], k
        processed = entry["total_processed"][0]
        for outcome, (count, blanks) in ((o, v) for o, v in entry.items() if o != "reports"):
            assert (row[f"{outcome}_count"], row[f"{outcome}_blank"]) == (count, blanks), (k, outcome)
            if outcome not in FLOWS:
                assert row[f"{outcome}_share"] == pytest.approx(_share(count, processed)), (k, outcome)
    return got


def test_applications_by_region_equals_sums_by_hand(warehouse) -> None:
    got = check_applications_mart(*warehouse)
    # Spot checks that the figures above are not vacuous.
    assert (got[(2023, "county", "130827")]["unable_count"], got[(2023, "county", "130827")]["unable_blank"]) == (25, 0)
    assert got[(2024, "county", "130827")]["granted_count"] is None
    assert got[(2024, "county", "130827")]["granted_blank"] == 1
    assert got[(2023, "province", "130000")]["granted_share"] == pytest.approx(6 / 35)


def check_denials_mart(con, reports: list[dict], keys: dict[str, str]) -> dict[tuple, dict]:
    got = _mart(con, "denial_reasons_by_region", "year, cut, unit_code")
    apps = _applications(reports, keys)
    expected: dict[tuple, dict] = {}
    for r in reports:
        for cut, unit in _units(r, keys):
            entry = expected.setdefault((r["year"], cut, unit), {})
            for item, counts in r["applications"].items():
                if _outcome(item) == "denied":
                    _add(entry.setdefault(item, [None, 0]), counts[-1])
    assert set(got) == set(expected)
    for k, reasons in expected.items():
        denied = apps[k]["denied"][0]
        assert got[k]["denied_count"] == denied
        assert got[k]["total_processed_count"] == apps[k]["total_processed"][0]
        for reason, (count, blanks) in reasons.items():
            assert (got[k][f"{reason}_count"], got[k][f"{reason}_blank"]) == (count, blanks), (k, reason)
            assert got[k][f"{reason}_share"] == pytest.approx(_share(count, denied)), (k, reason)
    return got


def test_denial_reasons_and_their_shares(warehouse) -> None:
    got = check_denials_mart(*warehouse)
    assert got[(2024, "county", "130827")]["denied_process_info_share"] == pytest.approx(1.0)


def check_review_mart(con, reports: list[dict], keys: dict[str, str]) -> dict[tuple, dict]:
    got = _mart(con, "review_litigation_by_region", 'year, cut, unit_code, "group"')
    expected: dict[tuple, dict] = {}
    for r in reports:
        for cut, unit in _units(r, keys):
            for group in REVIEW_GROUPS:
                entry = expected.setdefault((r["year"], cut, unit, group), {o: [None, 0] for o in OUTCOMES})
                for outcome, count in zip(OUTCOMES, r["review_litigation"][group]):
                    _add(entry[outcome], count)
    assert set(got) == set(expected)
    for k, entry in expected.items():
        for outcome, (count, blanks) in entry.items():
            assert (got[k][f"{outcome}_count"], got[k][f"{outcome}_blank"]) == (count, blanks), (k, outcome)
            if outcome != "total":
                assert got[k][f"{outcome}_share"] == pytest.approx(_share(count, entry["total"][0])), (k, outcome)
    return got


def test_review_litigation_by_region(warehouse) -> None:
    got = check_review_mart(*warehouse)
    assert got[(2023, "city", "130800", "review")]["pending_share"] == 0.5
    assert got[(2024, "city", "130800", "review")]["upheld_share"] is None  # total left blank: no share


def check_year_over_year_mart(con, reports: list[dict], keys: dict[str, str]) -> dict[tuple, tuple]:
    apps = _applications(reports, keys)
    got = {k: (v["value"], v["previous_value"], v["change"], v["change_share"])
           for k, v in _mart(con, "year_over_year", "year, cut, unit_code, measure").items()}
    expected = {}
    for (year, cut, unit), entry in apps.items():
        for outcome, (value, _) in ((o, v) for o, v in entry.items() if o != "reports"):
            if value is None:
                continue
            previous = apps.get((year - 1, cut, unit), {}).get(outcome, [None])[0]
            change = None if previous is None else value - previous
            expected[(year, cut, unit, f"{outcome}_count")] = (value, previous, change, _share(change, previous))
    assert {k: v for k, v in got.items() if not k[3].endswith("_total")} == expected
    return got


def test_year_over_year_change(warehouse) -> None:
    _, _, keys = warehouse
    got = check_year_over_year_mart(*warehouse)
    assert (2024, "agency", keys["kuancheng2024"], "review_total") not in got  # left blank: no value
    assert got[(2023, "county", "130827", "review_total")] == (4, None, None, None)
    assert got[(2024, "county", "130827", "new_received_count")] == (35, 35, 0, 0.0)


def check_coverage_mart(con, reports: list[dict], keys: dict[str, str], failures: list[dict]) -> dict[tuple, tuple]:
    """coverage_by_region against counts by hand; a failure is placed by the first 20xx in its
    title and by the prefixes of its portal's region code."""
    columns = ("reports", "reports_with_findings", "findings", "parse_failures")
    got = {k: tuple(v[c] for c in columns) for k, v in _mart(con, "coverage_by_region", "year, cut, unit_code").items()}
    expected: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0])
    for r in reports:
        for cut, unit in _units(r, keys):
            entry = expected[(r["year"], cut, unit)]
            entry[0] += 1
            entry[1] += bool(r["findings"])
            entry[2] += len(r["findings"])
    for failure in failures:
        code, year = failure["region_code"], re.search(r"20\d\d", failure["title"] or "")
        units = [("province", code[:2] + "0000")]
        if code[2:] != "0000":
            units.append(("city", code[:4] + "00"))
        if not code.endswith("00"):
            units.append(("county", code))
        for cut, unit in units:
            expected[(int(year.group()) if year else None, cut, unit)][3] += 1
    assert got == {k: tuple(v) for k, v in expected.items()}
    return got


def test_coverage_counts_reports_findings_and_parse_failures(warehouse) -> None:
    got = check_coverage_mart(*warehouse, [FAILURE, OLD_FAILURE])
    assert got[(2024, "county", "130827")][3] == 1
    assert got[(2024, "county", "130827")][:3] == (1, 1, 1)
    assert got[(2017, "county", "130827")] == (0, 0, 0, 1)


def test_a_unit_with_only_parse_failures_in_a_year_keeps_its_name(warehouse) -> None:
    con, _, _ = warehouse
    names = dict(con.execute("SELECT year, unit_name FROM marts.coverage_by_region "
                             "WHERE cut = 'county' AND unit_code = '130827'").fetchall())
    assert names[2017] == names[2024] == "宽城满族自治县"
    assert con.execute("SELECT count(*) FROM marts.coverage_by_region WHERE unit_name IS NULL").fetchone() == (0,)


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
    assert sorted(p.name for p in apps.parquet_dir.iterdir()) == ["2023.parquet", "2024.parquet"]
    back = con.execute(f"SELECT count(*) FROM read_parquet('{apps.parquet_dir}/*.parquet')").fetchone()[0]
    assert back == apps.rows
    raw = apps.csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("year,cut,unit_code,unit_name")
    assert "宽城满族自治县" in text and len(text.splitlines()) == apps.rows + 1


def test_readme_documents_every_mart_column(warehouse) -> None:
    con, _, _ = warehouse
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    documented = readme.split("<!-- mart-schema:start -->\n")[1].split("<!-- mart-schema:end -->")[0]
    actual = "".join(
        f"- `{m.name}`: " + ", ".join(f"{c[0]} {c[1]}" for c in con.execute(f"DESCRIBE {m.qualified}").fetchall()) + "\n"
        for m in discover() if m.schema == "marts"
    )
    assert documented == actual, "README.md's export schema differs from the marts: update it"


POLARS_TYPES = {"VARCHAR": pl.String, "INTEGER": pl.Int32, "BIGINT": pl.Int64, "DOUBLE": pl.Float64}
ARROW_TYPES = {"VARCHAR": "string", "INTEGER": "int32", "BIGINT": "int64", "DOUBLE": "double"}


def test_exports_read_back_with_the_warehouse_types_in_duckdb_polars_and_pyarrow(warehouse, tmp_path) -> None:
    """Codes stay text, `year` the same INTEGER in its place, shares numeric: Parquet as any of the
    three reads it by default, CSV with the types written beside it (pandas reads Parquet through
    pyarrow, so pyarrow stands for it here)."""
    import json

    import pyarrow.parquet as pq

    con, _, _ = warehouse
    for export in export_marts(con, tmp_path):
        types = {c: t for c, t, *_ in con.execute(f"DESCRIBE marts.{export.mart}").fetchall()}
        parquet = f"{export.parquet_dir}/*.parquet"
        assert dict(zip(*(lambda r: (r.columns, [str(t) for t in r.types]))(con.sql(f"FROM read_parquet('{parquet}')")))) == types
        assert dict(pl.scan_parquet(parquet).collect_schema()) == {c: POLARS_TYPES[t] for c, t in types.items()}
        arrow = pq.read_table(export.parquet_dir).schema
        assert {f.name: str(f.type) for f in arrow} == {c: ARROW_TYPES[t] for c, t in types.items()}
        assert arrow.names == list(types)
        declared = json.loads(export.csv_path.with_name(f"{export.mart}.types.json").read_text(encoding="utf-8"))
        assert declared == types
        from_csv = con.sql(f"FROM read_csv('{export.csv_path}', types = {declared!r})")
        assert [str(t) for t in from_csv.types] == list(types.values())
        assert sorted(from_csv.fetchall(), key=repr) == sorted(con.sql(f"FROM marts.{export.mart}").fetchall(), key=repr)
        frame = pl.read_csv(export.csv_path, schema={c: POLARS_TYPES[t] for c, t in declared.items()})
        assert frame.height == export.rows
