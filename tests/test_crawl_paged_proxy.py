"""Hanweb's list proxy crawled for real over loopback: later groups are reached by counting the
`page` up (the demo portal's `<nextgroup>` always names page 1), and a proxy that ignores the page
number is not walked to the crawl's page budget."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pipeline.crawl.config import RateSettings, demo_portal_config, portal_from_start_url
from pipeline.crawl.crawler import crawl_sync
from pipeline.crawl.demo_server import DEMO_ROOT, HANWEB_PROXY, proxy_answer_file, serving_demo
from pipeline.crawl.store import RawStore

PROXY = HANWEB_PROXY
TITLE = "某县教育局{year}年政府信息公开工作年度报告"


def proxy_pages(requests: list[dict]) -> list[int]:
    return [int(parse_qs(urlsplit(r["path"]).query)["page"][0]) for r in requests if r["path"].startswith(PROXY)]


def test_the_demo_columns_later_groups_come_from_counting_pages(tmp_path: Path) -> None:
    requests: list[dict] = []
    with serving_demo(request_log=requests) as base, RawStore(tmp_path / "raw") as store:
        crawl_sync(demo_portal_config(base), store)
        found = {document.url[len(base):] for document in store.documents()}
    assert sorted(proxy_pages(requests)) == [1, 2, 3]  # page 3 has no <nextgroup>: the last
    assert "/art/2020/1/21/art_4521_15001.html" in found  # the third group's report


def test_a_proxy_that_ignores_the_page_number_is_left_after_one_repeat(tmp_path: Path) -> None:
    """Every page answers the same records: page 2 repeats page 1, so page 3 is never asked for."""
    root = tmp_path / "site"
    answer = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore><nextgroup><![CDATA[<a href="{PROXY}?page=1'
              '&columnid=7"></a>]]></nextgroup><recordset>\n'
              f'<record><![CDATA[<li><a href="/art/1.html">{TITLE.format(year=2023)}</a></li>]]></record>\n'
              "</recordset></datastore>\n")
    for page in range(1, 10):
        (root / proxy_answer_file("7", page)).parent.mkdir(parents=True, exist_ok=True)
        (root / proxy_answer_file("7", page)).write_text(answer, encoding="utf-8")
    (root / "col/col7").mkdir(parents=True)
    (root / "col/col7/index.html").write_text(
        f'<html><body><div id="7"><script type="text/xml">{answer.split(chr(10), 1)[1]}</script></div></body></html>',
        encoding="utf-8")
    (root / "art").mkdir()
    (root / "art/1.html").write_text(f"<html><head><title>{TITLE.format(year=2023)}</title></head><body></body></html>",
                                     encoding="utf-8")
    shutil.copy(DEMO_ROOT / "robots.txt", root / "robots.txt")
    requests: list[dict] = []
    with serving_demo(root=root, request_log=requests) as base, RawStore(tmp_path / "raw") as store:
        config = replace(portal_from_start_url(f"{base}/col/col7/index.html"), rate=RateSettings(min_delay=0.01))
        summary = crawl_sync(config, store)
    assert sorted(proxy_pages(requests)) == [1, 2]
    assert summary.reports_found == 1
