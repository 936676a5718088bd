"""The demo portal, crawled for real over loopback: every report found, nothing unrelated, and the
server behaving like a county web server (charsets, conditional requests, 404)."""

from __future__ import annotations

import importlib.util
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.contract import APPLICANTS, RESULT_ITEMS
from pipeline.crawl.config import demo_portal_config
from pipeline.crawl.crawler import CrawlSummary, crawl_sync
from pipeline.crawl.demo_server import DEMO_ROOT, serving_demo
from pipeline.crawl.store import RawStore
from pipeline.errors import DocumentError

MANIFEST = json.loads((DEMO_ROOT / "manifest.json").read_text(encoding="utf-8"))
EXPECTED = {d["path"]: d for d in MANIFEST["documents"]}


@dataclass
class DemoCrawl:
    base: str
    store: RawStore
    first: CrawlSummary
    second: CrawlSummary
    first_requests: list[dict]
    second_requests: list[dict]
    objects_after_first: list[str]
    log_rows_after_first: int

    def path(self, url: str) -> str:
        return url[len(self.base):]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoCrawl]:
    requests: list[dict] = []
    store = RawStore(tmp_path_factory.mktemp("raw"))
    with serving_demo(request_log=requests) as base:
        config = demo_portal_config(base)
        first = crawl_sync(config, store)
        first_requests = list(requests)
        objects, rows = store.object_shas(), len(store.fetch_log())
        requests.clear()
        second = crawl_sync(config, store)
        yield DemoCrawl(base, store, first, second, first_requests, list(requests), objects, rows)
    store.close()


def test_every_report_and_attachment_is_found_and_nothing_else(demo: DemoCrawl) -> None:
    found = {demo.path(d.url): d for d in demo.store.documents()}
    assert set(found) == set(EXPECTED)
    for path, expected in EXPECTED.items():
        document = found[path]
        assert (document.kind, document.source_format) == (expected["kind"], expected["source_format"]), path
        assert document.title and document.title.startswith(expected["title"].split(".")[0]), path
        if expected["parent"]:
            assert demo.path(document.parent_url) == expected["parent"]
    assert demo.first.reports_found == sum(d["kind"] == "report_page" for d in EXPECTED.values())
    assert demo.first.attachments == sum(d["kind"] == "attachment" for d in EXPECTED.values())


def test_unrelated_articles_are_not_documents(demo: DemoCrawl) -> None:
    found = {demo.path(d.url) for d in demo.store.documents()}
    assert MANIFEST["unrelated"] and not found & {u["path"] for u in MANIFEST["unrelated"]}


def test_older_years_are_found_and_stored(demo: DemoCrawl) -> None:
    titles = {d.title: d for d in demo.store.documents()}
    for year in (2012, 2017):
        document = titles[f"宽城满族自治县人民政府{year}年政府信息公开工作年度报告"]
        assert demo.store.has(document.sha256)


def test_robots_disallowed_page_is_never_requested(demo: DemoCrawl) -> None:
    disallowed = [e["path"] for e in MANIFEST["excluded"] if "robots" in e["why"]]
    requested = {r["path"] for r in demo.first_requests}
    assert disallowed and not set(disallowed) & requested
    assert "/robots.txt" in requested
    assert demo.first.robots_disallowed == len(disallowed)


def test_dead_link_is_reported_and_offsite_links_refused(demo: DemoCrawl) -> None:
    dead = [e["path"] for e in MANIFEST["excluded"] if "dead" in e["why"]]
    assert [(demo.path(url), reason) for url, reason in demo.first.failed] == [(dead[0], "http_404")]
    assert demo.first.offsite_refused >= 3  # gov.cn, hebei.gov.cn, the other city's report


def test_gbk_page_without_http_charset_is_decoded_right(demo: DemoCrawl) -> None:
    page = next(d for d in demo.store.documents() if d.url.endswith("/zwgk/ndbg/202401/t20240126_1801.html"))
    data = demo.store.get(page.sha256)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    log = next(r for r in demo.store.fetch_log() if r["url"] == page.url)
    assert (log["content_type"], log["charset"]) == ("text/html", None)
    assert (page.charset, page.title, page.published_on) == (
        "gb18030", "宽城满族自治县人民政府办公室2023年政府信息公开工作年度报告", "2024-01-26")


def test_every_response_is_kept_once_in_the_store(demo: DemoCrawl) -> None:
    rows = [r for r in demo.store.fetch_log() if r["crawl_id"] == demo.first.crawl_id]
    assert len(rows) == len({r["url"] for r in rows}) == len(demo.first_requests)
    assert {r["sha256"] for r in rows} == set(demo.objects_after_first)
    for row in rows:
        assert demo.store.has(row["sha256"]) and len(demo.store.get(row["sha256"])) == row["bytes"]
    doc_file = next(d for d in demo.store.documents() if d.url.endswith(".doc"))
    assert demo.store.get(doc_file.sha256) == (DEMO_ROOT / demo.path(doc_file.url).lstrip("/")).read_bytes()


def test_recrawl_is_answered_with_304_and_fetches_nothing_new(demo: DemoCrawl) -> None:
    second = demo.second
    assert not second.resumed and second.crawl_id != demo.first.crawl_id
    assert second.pages_fetched == demo.first.pages_fetched
    assert second.unchanged == second.pages_fetched - len(second.failed)
    assert demo.store.object_shas() == demo.objects_after_first
    assert (second.reports_found, second.attachments) == (demo.first.reports_found, demo.first.attachments)
    conditional = [r for r in demo.second_requests if r["path"] != "/robots.txt"]
    assert all("If-None-Match" in r["headers"] for r in conditional if r["path"] != "/zwgk/ndbg/202401/t20240125_1799.html")
    assert len(demo.store.fetch_log()) == demo.log_rows_after_first * 2
    rows = demo.store.fetch_log()
    first = {r["url"]: r for r in rows if r["crawl_id"] == demo.first.crawl_id}
    for row in (r for r in rows if r["crawl_id"] == second.crawl_id and r["status"] == 304):
        before = first[row["url"]]  # a 304 says nothing about the body: what the 200 said is kept
        assert (row["sha256"], row["content_type"], row["charset"]) == (
            before["sha256"], before["content_type"], before["charset"]), row["url"]


def test_demo_reports_parse_back_to_their_values(demo: DemoCrawl) -> None:
    from pipeline.parse import parse_bytes

    documents = {demo.path(d.url): d for d in demo.store.documents()}
    checked = 0
    for path, expected in EXPECTED.items():
        if expected["outcome"] != "parsed":
            continue
        document = documents[path]
        report = parse_bytes(demo.store.get(document.sha256), document.url, document.content_type)
        values = expected["values"]
        assert (report.agency, report.year, report.template) == (values["agency"], values["year"], values["template"]), path
        assert report.applications == values["applications"], path
        assert report.review_litigation == values["review_litigation"], path
        checked += 1
    assert checked >= 15


def test_documents_that_do_not_parse_fail_for_the_stated_reason(demo: DemoCrawl) -> None:
    from pipeline.parse import parse_bytes

    documents = {demo.path(d.url): d for d in demo.store.documents()}
    outcomes = set()
    for path, expected in EXPECTED.items():
        if expected["outcome"] == "parsed":
            continue
        document = documents[path]
        with pytest.raises(DocumentError) as caught:
            parse_bytes(demo.store.get(document.sha256), document.url, document.content_type)
        # a page that only links its report has no table of its own; nor has an image-only page
        reason = "no_statistics_table" if expected["outcome"] == "attachment_only" else expected["outcome"]
        assert caught.value.reason == reason, path
        outcomes.add(expected["outcome"])
    assert outcomes == {"attachment_only", "unsupported_template", "no_statistics_table", "unsupported_format"}


# -- the portal's data ---------------------------------------------------------------------------
def broken_rules(values: dict) -> set[str]:
    """Rules 1 and 2 of the contract, per applicant column, as "rule:applicant"."""
    applications = values["applications"]
    results = [i for i in RESULT_ITEMS if i in applications]
    broken = set()
    for c, applicant in enumerate(APPLICANTS):
        col = {item: row[c] for item, row in applications.items()}
        if col["new_received"] + col["carried_over"] != col["total_processed"] + col["carried_forward"]:
            broken.add(f"rule1:{applicant}")
        if col["total_processed"] != sum(col[i] for i in results):
            broken.add(f"rule2:{applicant}")
    return broken


def test_reports_add_up_except_the_one_that_says_it_does_not() -> None:
    for path, document in EXPECTED.items():
        values = document["values"]
        if values is not None:
            assert broken_rules(values) == set(values.get("known_inconsistencies", [])), path


def test_reports_chain_across_years_but_for_one_break_in_one_applicant_column() -> None:
    reports = {(d["values"]["agency"], d["values"]["year"]): d["values"]
               for d in EXPECTED.values() if d["values"] is not None}
    pairs = [(agency, year) for agency, year in reports if (agency, year + 1) in reports]
    carry_breaks = [(agency, year + 1, applicant) for agency, year in pairs
                    for applicant, forward, over in zip(APPLICANTS, reports[(agency, year)]["applications"]["carried_forward"],
                                                        reports[(agency, year + 1)]["applications"]["carried_over"])
                    if forward != over]
    assert carry_breaks == [("宽城满族自治县宽城镇人民政府", 2023, "natural_person"), ("宽城满族自治县宽城镇人民政府", 2023, "total")]
    stock_pairs = [(reports[(a, y)]["proactive"], reports[(a, y + 1)]["proactive"]) for a, y in pairs
                   if reports[(a, y)]["template"] == reports[(a, y + 1)]["template"] == "2021"]
    for kind in ("rules", "normative"):
        assert all(q[f"{kind}_in_force"] == p[f"{kind}_in_force"] + q[f"{kind}_issued"] - q[f"{kind}_repealed"]
                   for p, q in stock_pairs), kind
    assert len(pairs) >= 5 and len(stock_pairs) == len(pairs)
    assert any(q["normative_in_force"] != p["normative_in_force"] for p, q in stock_pairs)  # the stock moves
    assert {2019, 2022, 2023, 2024} <= {year for _, year in reports}


# -- the server itself ---------------------------------------------------------------------------
def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_server_content_types_conditional_requests_and_404() -> None:
    with serving_demo() as base:
        status, headers, body = get(base + "/zwgk/ndbg/index_1.html")
        assert (status, headers["Content-Type"]) == (200, "text/html")  # GBK: only the meta says so
        assert b"charset=gb2312" in body
        status, headers, body = get(base + "/")
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert base.encode() + b"/zwgk/index.html" in body and MANIFEST["origin"].encode() not in body
        assert get(base + "/", {"If-None-Match": headers["ETag"]})[0] == 304
        assert get(base + "/", {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        assert get(base + "/", {"If-None-Match": '"stale"'})[0] == 200
        assert get(base + "/api/search/xznb.json")[1]["Content-Type"] == "application/json; charset=utf-8"
        assert get(base + "/art/2024/1/26/attach/P020240126.doc")[1]["Content-Type"] == "application/msword"
        assert get(base + "/zwgk/ndbg/202401/t20240125_1799.html")[0] == 404
        assert get(base + "/../pyproject.toml")[0] == 404


def test_committed_portal_is_what_the_generator_builds() -> None:
    script = Path(__file__).resolve().parents[1] / "scripts" / "build_demo_portal.py"
    spec = importlib.util.spec_from_file_location("build_demo_portal", script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script loads
    spec.loader.exec_module(module)
    site = module.build()
    for path, data in site.files.items():
        assert (DEMO_ROOT / path).read_bytes() == data, f"{path} is stale: run scripts/build_demo_portal.py"
    assert [d["path"] for d in site.documents] == list(EXPECTED)
    size = sum(p.stat().st_size for p in DEMO_ROOT.rglob("*") if p.is_file())
    assert size < 2_000_000


def test_the_demo_report_ids_do_not_depend_on_the_port_it_was_served_on(tmp_path) -> None:
    """8765 taken, the demo is served on another port: the report ids of a re-run stay the same,
    since the demo's documents are named by the portal's public origin."""
    from pipeline.warehouse.ingest import stage

    ids = []
    for _ in range(2):
        with serving_demo(0) as base, RawStore(tmp_path / f"raw{len(ids)}") as store:
            crawl_sync(demo_portal_config(base), store)
            staged = stage(store, tmp_path / f"frames{len(ids)}", workers=1)
        ids.append(sorted(zip(staged.frames["reports"]["report_id"], staged.frames["reports"]["source_url"])))
    assert ids[0] == ids[1]
    assert all(url.startswith(MANIFEST["origin"] + "/") for _, url in ids[0])
