"""The dashboard the demo run builds (the `dashboard` asset after the exports), opened in headless
Chromium from disk and over HTTP: every page loads with no console error and nothing from outside,
the numbers in the pages' tables equal the marts in the DuckDB file, drill-down and the region
and year filters change what is shown, and units below the thresholds are greyed, not ranked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline.dashboard.browser import Browser, find_chromium
from pipeline.dashboard.metrics import MIN_REPORTS, MIN_REQUESTS
from pipeline.crawl.demo_server import serving_demo as serving
from test_assets_e2e import pipeline  # noqa: F401  (the demo run through Dagster, once for this module)

pytestmark = pytest.mark.slow

# Which mart each table of a page shows, and the denominator of that mart's shares.
TABLES = {
    "index": {"t-years": "coverage_by_region", "t-heat": "coverage_by_region", "t-children": "coverage_by_region"},
    "requests": {"t-trend": "applications_by_region", "t-children": "applications_by_region",
                 "t-denials": "denial_reasons_by_region", "t-review": "review_litigation_by_region"},
    "quality": {"t-rank": "coverage_by_region"},
}
DENOMINATORS = {"applications_by_region": "total_processed_count", "denial_reasons_by_region": "denied_count",
                "review_litigation_by_region": "total_count"}
CELLS = """[...document.querySelectorAll('#{table} td[data-metric]')].map(td =>
    [td.dataset.metric, td.dataset.key, Number(td.dataset.year), td.dataset.group || null, td.textContent])"""


@pytest.fixture(scope="module")
def site(pipeline) -> Path:  # noqa: F811
    root = Path(pipeline.paths.exports_dir).parent / "dashboard"
    assert (root / "index.html").is_file(), pipeline.lines
    return root


@pytest.fixture(scope="module")
def browser():
    if find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium: .ci/run installs Debian's chromium when it is missing")
        pytest.skip("no Chromium (apt-get install chromium)")
    with Browser() as b:
        yield b


@pytest.fixture(scope="module")
def warehouse(pipeline):  # noqa: F811
    with duckdb.connect(str(pipeline.db), read_only=True) as con:
        yield con


def show(browser: Browser, site: Path, page: str, unit: str = "all", year: int | None = None) -> None:
    """Open a page from disk at a unit and year and wait until it has rendered them."""
    year = year or browser_years(site)[-1]
    browser.open(f"{site.as_uri()}/{page}.html#u={unit}&y={year}", f"document.body.dataset.ready === '{unit}|{year}'")


def browser_years(site: Path) -> list[int]:
    text = (site / "data" / "meta.js").read_text(encoding="utf-8")
    return json.loads(text[text.index(",") + 1: text.rindex(")")])["years"]


def wait_ready(browser: Browser, unit: str, year: int) -> None:
    browser.wait_for(f"document.body.dataset.ready === '{unit}|{year}'")


def shown(value: float | int | None, metric: str) -> str:
    """How the page must print a mart value: 空 for blank, shares to 0.1 % rounded half up (as
    JavaScript's toFixed does), counts with thousands separators."""
    if value is None:
        return "空"
    if metric.endswith("_share"):
        return str(Decimal(value * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)) + "%"
    return f"{value:,}"


def mart_value(con: duckdb.DuckDBPyConnection, mart: str, metric: str, key: str, year: int, group: str | None):
    """The value straight from the warehouse's mart; the root `all` is the sum of the province rows
    with shares recomputed from the sums."""
    if metric == "findings_report_share":
        numerator, denominator = "reports_with_findings", "reports"
    elif metric.endswith("_share"):
        numerator, denominator = metric.removesuffix("_share") + "_count", DENOMINATORS[mart]
    else:
        numerator, denominator = metric, None
    where, params = "year = ?", [year]
    if key == "all":
        where += " AND cut = 'province'"
    else:
        cut, code = key.split("-", 1)
        where += " AND cut = ? AND unit_code = ?"
        params += [cut, code]
    if group:
        where += ' AND "group" = ?'
        params.append(group)
    if denominator is None:
        expression = f"sum({numerator})" if key == "all" else f"any_value({numerator})"
    else:
        expression = f"sum({numerator}) / nullif(sum({denominator}), 0)"
    count, value = con.execute(f"SELECT count(*), {expression} FROM marts.{mart} WHERE {where}", params).fetchone()
    assert count == 1 or (key == "all" and count > 0), (mart, metric, key, year, group, count)
    return value


def check_tables(browser: Browser, con: duckdb.DuckDBPyConnection, page: str) -> list[tuple]:
    """Every number in the page's tables against the mart; returns the cells checked."""
    checked = []
    for table, mart in TABLES[page].items():
        for metric, key, year, group, text in browser.evaluate(CELLS.replace("{table}", table)):
            expected = mart_value(con, mart, metric, key, year, group)
            assert text == shown(expected, metric), (page, table, metric, key, year, group, text, expected)
            checked.append((table, metric, key, year, group, text))
    return checked


def test_every_page_loads_without_errors_and_nothing_from_outside(browser, site):
    pages = ["index", "requests", "quality", "dictionary"]
    for page in pages:
        browser.open(f"{site.as_uri()}/{page}.html", "document.readyState === 'complete' && "
                     "(document.body.dataset.ready || document.body.dataset.page === 'dictionary')")
        assert browser.evaluate("document.title").endswith("数据看板")
    with serving(root=site) as base_url:
        for page in pages:
            browser.open(f"{base_url}/{page}.html#u=county-130827", "document.readyState === 'complete' && "
                         "(document.body.dataset.ready || document.body.dataset.page === 'dictionary')")
    requested = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requested and all(u.startswith(("file://", base_url, "data:")) for u in requested), requested
    assert browser.errors() == []


def test_a_page_loads_only_the_data_of_its_region(browser, site):
    browser.open("about:blank")
    for page, names in (("index", {"coverage/county-130827"}), ("requests", {"requests/county-130827"}),
                        ("quality", {"coverage/county-130827", "quality/county-130827"})):
        start = len(browser.events)
        show(browser, site, page, "county-130827", 2024)
        loaded = {e["params"]["request"]["url"].split("/data/", 1)[1].removesuffix(".js") for e in browser.events[start:]
                  if e.get("method") == "Network.requestWillBeSent" and "/data/" in e["params"]["request"]["url"]}
        assert loaded == names | {"meta"}, page


def test_numbers_shown_equal_the_marts(browser, site, warehouse):
    checked = []
    for page in TABLES:
        for unit, year in (("all", 2024), ("province-130000", 2023), ("county-130827", 2024), ("county-130827", 2022)):
            show(browser, site, page, unit, year)
            cells = check_tables(browser, warehouse, page)
            assert cells, (page, unit, year)
            checked += cells
    assert len(checked) > 500
    assert any(text == "空" for *_, text in checked)  # blank shares are shown blank, never 0 %
    assert browser.errors() == []


def test_charts_say_how_many_reports_they_rest_on(browser, site, warehouse):
    show(browser, site, "index", "county-130827", 2024)
    county = warehouse.execute("SELECT sum(reports) FROM marts.coverage_by_region WHERE cut = 'county' "
                               "AND unit_code = '130827'").fetchone()[0]
    agencies = warehouse.execute("SELECT sum(reports) FROM marts.coverage_by_region WHERE cut = 'agency' "
                                 "AND county_code = '130827'").fetchone()[0]
    assert browser.evaluate("document.getElementById('b-years').dataset.reports") == str(county)
    assert browser.evaluate("document.getElementById('b-heat').dataset.reports") == str(agencies)
    assert browser.evaluate("document.getElementById('b-years').textContent").startswith(f"本图依据 {county} 份报告")
    show(browser, site, "requests", "province-130000", 2024)
    requests = warehouse.execute("SELECT sum(reports), max(CASE WHEN year = 2024 THEN reports END) FROM "
                                 "marts.applications_by_region WHERE cut = 'province' AND unit_code = '130000'").fetchone()
    denials = warehouse.execute("SELECT reports FROM marts.denial_reasons_by_region WHERE cut = 'province' "
                                "AND unit_code = '130000' AND year = 2024").fetchone()[0]
    assert browser.evaluate("document.getElementById('b-trend').dataset.reports") == str(requests[0])
    assert browser.evaluate("document.getElementById('b-denials').dataset.reports") == str(denials)


def _click(browser: Browser, table: str, text: str) -> None:
    assert browser.evaluate(f"""(() => {{
        const a = [...document.querySelectorAll('#{table} a')].find(a => a.textContent === {text!r});
        if (a) a.click();
        return !!a; }})()""")


def test_drill_down_from_provinces_to_agencies(browser, site, warehouse):
    show(browser, site, "index", "all", 2024)
    for name, key in (("河北省", "province-130000"), ("承德市", "city-130800"), ("宽城满族自治县", "county-130827")):
        _click(browser, "t-children", name)
        wait_ready(browser, key, 2024)
    assert browser.evaluate("document.getElementById('crumbs').textContent") == "全国（各省合计） › 河北省 › 承德市 › 宽城满族自治县"
    agencies = {n for (n,) in warehouse.execute("SELECT unit_name FROM marts.coverage_by_region WHERE cut = 'agency' "
                                                "AND county_code = '130827' AND year = 2024").fetchall()}
    shown_rows = browser.evaluate("[...document.querySelectorAll('#t-children tbody tr')].map(tr => tr.cells[0].textContent)")
    assert set(shown_rows) == agencies and len(shown_rows) == len(agencies)
    assert browser.evaluate("document.querySelectorAll('#t-children a').length") == 0  # agencies are the leaves
    _click(browser, "crumbs", "河北省")
    wait_ready(browser, "province-130000", 2024)
    assert browser.errors() == []


def _choose(browser: Browser, select: str, value: str) -> None:
    """Pick an option of a <select> as a user would: the value, then a change event."""
    assert browser.evaluate(f"""(() => {{ const s = document.getElementById({select!r});
        if (![...s.options].some(o => o.value === {value!r})) return false;
        s.value = {value!r}; s.dispatchEvent(new Event('change')); return true; }})()""")


def test_region_and_year_filters(browser, site, warehouse):
    show(browser, site, "requests", "all", 2024)
    for region in ("province-130000", "city-130800"):
        _choose(browser, "region", region)
        wait_ready(browser, region, 2024)
        keys = set(browser.evaluate("[...document.querySelectorAll('#t-trend td[data-key]')].map(td => td.dataset.key)"))
        assert keys == {region}
        check_tables(browser, warehouse, "requests")
    _choose(browser, "year", "2023")
    wait_ready(browser, "city-130800", 2023)
    years = set(browser.evaluate("[...document.querySelectorAll('#t-children td[data-year]')].map(td => td.dataset.year)"))
    assert years == {"2023"}
    check_tables(browser, warehouse, "requests")
    assert browser.errors() == []


RANKED = "echarts.getInstanceByDom(document.getElementById('{chart}')).getOption().yAxis[0].data"
GREYED = "[...document.querySelectorAll('#{table} tr.small')].map(tr => tr.cells[1].textContent)"


def test_small_units_are_greyed_not_ranked(browser, site, warehouse):
    show(browser, site, "requests", "county-130827", 2024)
    rows = warehouse.execute("SELECT unit_name, total_processed_count, granted_share FROM marts.applications_by_region "
                             "WHERE cut = 'agency' AND county_code = '130827' AND year = 2024").fetchall()
    ranked = [n for n, total, share in sorted(rows, key=lambda r: -(r[2] or -1)) if (total or 0) >= MIN_REQUESTS]
    small = {n for n, total, _ in rows if (total or 0) < MIN_REQUESTS}
    assert ranked and small  # the demo has both, so the test can fail
    assert browser.evaluate(RANKED.replace("{chart}", "c-children")) == ranked
    assert set(browser.evaluate(GREYED.replace("{table}", "t-children"))) == small
    assert f"少于 {MIN_REQUESTS} 件" in browser.evaluate("document.getElementById('n-children').textContent")

    show(browser, site, "quality", "all", 2024)
    rows = warehouse.execute("SELECT unit_name, reports FROM marts.coverage_by_region "
                             "WHERE cut = 'province' AND year = 2024").fetchall()
    assert set(browser.evaluate(RANKED.replace("{chart}", "c-rank"))) == {n for n, r in rows if r >= MIN_REPORTS}
    assert set(browser.evaluate(GREYED.replace("{table}", "t-rank"))) == {n for n, r in rows if r < MIN_REPORTS}
    assert f"少于 {MIN_REPORTS} 份" in browser.evaluate("document.getElementById('n-rank').textContent")
    assert browser.errors() == []


def test_quality_lists_link_each_report_to_its_source(browser, site, warehouse):
    show(browser, site, "quality", "all", 2024)
    rule_urls = {u for (u,) in warehouse.execute("SELECT DISTINCT r.source_url FROM findings f JOIN reports r "
                                                 "USING (report_id, year) WHERE f.rule LIKE 'rule%'").fetchall()}
    cross_urls = {u for (u,) in warehouse.execute(
        "SELECT r.source_url FROM marts.cross_year_findings c JOIN reports r ON r.report_id IN "
        "(c.report_id, c.previous_report_id)").fetchall()}
    breaks = warehouse.execute("SELECT count(*) FROM findings WHERE rule LIKE 'rule%'").fetchone()[0]
    assert rule_urls and cross_urls
    assert set(browser.evaluate("[...document.querySelectorAll('#t-rules a')].map(a => a.href)")) == rule_urls
    assert set(browser.evaluate("[...document.querySelectorAll('#t-cross a')].map(a => a.href)")) == cross_urls
    assert browser.evaluate("document.querySelectorAll('#t-rules tbody tr').length") == breaks
    assert browser.errors() == []


def test_the_command_builds_the_same_site(pipeline, site, tmp_path):  # noqa: F811
    out = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "assets.cli", "dashboard", "--data", str(site.parent), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{out}/index.html" in done.stdout
    built = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    assert built == {p.relative_to(out) for p in out.rglob("*") if p.is_file()}
    for name in built - {Path("data/meta.js")}:  # meta.js says when it was built
        assert (out / name).read_bytes() == (site / name).read_bytes(), name
