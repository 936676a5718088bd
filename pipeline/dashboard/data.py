"""What each page needs, pre-aggregated per region so a page loads one small file at a time.

The marts are read from the exports (`exports/parquet/<mart>/*.parquet`), as any dashboard would;
the quality page's list of reports also needs each report's findings and source URL, which are
warehouse tables rather than marts, so a read-only warehouse connection is the second input.

Regions form a tree of files keyed `<cut>-<unit_code>` under the root `all` (全国): a province's
file holds the province's own rows by year and its children's rows (its cities, and its
agencies that are in no city), a city's file its counties and the agencies in no county, a
county's file its agencies. The four municipalities are both a province and a city, as in the
marts, so their province file has one child: the city of the same code. The root's own rows are
the sum of the province rows (shares recomputed from the summed counts), so reports without a
province code are not in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.contract import RULES

ROOT = "all"
MARTS = ("coverage_by_region", "applications_by_region", "denial_reasons_by_region", "review_litigation_by_region",
         "cross_year_findings")
# A list longer than this is left out of a region's quality file (the page asks for a smaller
# region instead), so the national page stays light however many reports break a rule.
LIST_LIMIT = 500
# Shares as the marts define them: numerator columns and the denominator, for the summed root rows.
_SHARES = {
    "applications_by_region": ("^((granted|partially_granted|denied|unable|not_processed|other)_)count$",
                               "total_processed_count"),
    "denial_reasons_by_region": ("^(denied_.+_)count$", "denied_count"),
    "review_litigation_by_region": ("^((upheld|corrected|other|pending)_)count$", "total_count"),
}
_REGION = ("year", "cut", "unit_code", "unit_name", "province_code", "city_code", "county_code")
_KEY = "CASE WHEN cut = 'agency' THEN 'agency-' || unit_code ELSE cut || '-' || unit_code END"
_PARENT = f"""CASE cut WHEN 'province' THEN '{ROOT}'
    WHEN 'city' THEN coalesce('province-' || province_code, '{ROOT}')
    WHEN 'county' THEN coalesce('city-' || city_code, 'province-' || province_code, '{ROOT}')
    ELSE coalesce('county-' || county_code, 'city-' || city_code, 'province-' || province_code, '{ROOT}') END"""


def view(mart: str) -> str:
    return f"export_{mart}"


def attach_exports(con: duckdb.DuckDBPyConnection, exports: Path) -> None:
    """Temporary views `export_<mart>` over the Parquet exports (a mart without rows has no file:
    its view is the warehouse's empty mart, with the same columns)."""
    for mart in MARTS:
        files = sorted((exports / "parquet" / mart).glob("**/*.parquet"))
        if files:
            listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            source = f"read_parquet([{listed}], hive_partitioning = false)"
        else:
            source = f"(SELECT * FROM marts.{mart} LIMIT 0)"
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view(mart)} AS SELECT * FROM {source}")


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


@dataclass
class Unit:
    key: str
    cut: str
    code: str
    name: str | None
    parent: str
    children: list[str] = field(default_factory=list)

    @property
    def leaf(self) -> bool:
        return self.cut == "agency"


def units(con: duckdb.DuckDBPyConnection) -> dict[str, Unit]:
    """Every unit of the coverage mart by key, with its parent and children; named as in its
    latest year."""
    rows = con.execute(f"""
        SELECT {_KEY} AS key, cut, unit_code, arg_max(unit_name, year), arg_max({_PARENT}, year)
        FROM {view('coverage_by_region')} GROUP BY ALL ORDER BY cut, unit_code""").fetchall()
    tree = {ROOT: Unit(ROOT, "all", "", None, "")}
    for key, cut, code, name, parent in rows:
        tree[key] = Unit(key, cut, code, name, parent)
    for unit in list(tree.values())[1:]:
        tree.setdefault(unit.parent, Unit(unit.parent, unit.parent.split("-")[0], unit.parent.split("-", 1)[-1],
                                          None, ROOT)).children.append(unit.key)
    return tree


def path(tree: dict[str, Unit], key: str) -> list[dict]:
    """The unit's ancestors from the root down, for the breadcrumb."""
    chain = []
    while key:
        unit = tree[key]
        chain.append({"key": unit.key, "name": unit.name})
        key = unit.parent
    return chain[::-1]


def _national(mart: str, group: tuple[str, ...]) -> str:
    """The root's rows: the province rows summed, shares recomputed from the sums."""
    by = ", ".join(("year",) + group)
    shares = ""
    if mart in _SHARES:
        numerators, denominator = _SHARES[mart]
        shares = f", COLUMNS('{numerators}') / nullif({denominator}, 0) AS '\\1share'"
    return f"""
        WITH sums AS (
            SELECT {by}, sum(COLUMNS('^(reports|reports_with_findings|findings|parse_failures)$|_count$|_blank$'))::BIGINT
            FROM {view(mart)} WHERE cut = 'province' GROUP BY {by}
        )
        SELECT '{ROOT}' AS key, *{shares} FROM sums"""


def region_rows(con: duckdb.DuckDBPyConnection, mart: str, children: bool,
                group: tuple[str, ...] = ()) -> dict[str, dict[str, list[dict]]]:
    """File key -> {"unit": the unit's own rows, "children": its children's rows} for a regional
    mart; every mart column but the region columns, with `key` naming the unit."""
    placed: dict[str, dict[str, list[dict]]] = defaultdict(lambda: {"unit": [], "children": []})
    order = ", ".join(("key", "year") + group)
    rows = _dicts(con, f"""
        SELECT {_KEY} AS key, {_PARENT} AS parent, cut, year, * EXCLUDE ({', '.join(_REGION)})
        FROM {view(mart)} ORDER BY {order}""")
    for row in rows:
        parent, cut = row.pop("parent"), row.pop("cut")
        if cut != "agency":
            placed[row["key"]]["unit"].append(row)
        if children:
            placed[parent]["children"].append(row)
    placed[ROOT]["unit"] = _dicts(con, _national(mart, group) + f" ORDER BY {order}")
    return placed


def rule_breaks(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Findings of the contract's consistency rules (rule1-rule5), one row each, with the
    report's agency, region codes and source URL."""
    rules = ", ".join(f"'{r}'" for r in RULES)
    return _dicts(con, f"""
        SELECT f.year, r.agency, r.source_url, r.province_code, r.city_code, r.county_code,
               f.rule, f.item, f.applicant, f.expected, f.actual, f.message
        FROM findings AS f JOIN reports AS r USING (report_id, year)
        WHERE f.rule IN ({rules})
        ORDER BY f.year, r.agency, f.rule, f.item, f.applicant, r.source_url""")


def cross_year_breaks(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The cross_year_findings mart with both reports' source URLs and the later report's region."""
    return _dicts(con, f"""
        SELECT c.year, c.agency, cur.source_url, prev.source_url AS previous_source_url,
               cur.province_code, cur.city_code, cur.county_code,
               c.rule, c.applicant, c.expected, c.actual, c.message
        FROM {view('cross_year_findings')} AS c
        LEFT JOIN reports AS cur ON cur.report_id = c.report_id AND cur.year = c.year
        LEFT JOIN reports AS prev ON prev.report_id = c.previous_report_id AND prev.year = c.year - 1
        ORDER BY c.year, c.agency, c.rule, c.applicant""")


def by_region(rows: Iterable[dict], tree: dict[str, Unit]) -> dict[str, list[dict]]:
    """File key -> the rows in that region: each row is in the root and in its province's, city's
    and county's file (the keys the row's codes name)."""
    placed: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        codes = [("province", row.pop("province_code")), ("city", row.pop("city_code")),
                 ("county", row.pop("county_code"))]
        keys = [ROOT] + [f"{cut}-{code}" for cut, code in codes if code and f"{cut}-{code}" in tree]
        row["region"] = tree[keys[-1]].name if keys[-1] != ROOT else None
        for key in dict.fromkeys(keys):
            placed[key].append(row)
    return placed
