"""Link discovery: which titles are disclosure reports, and the three ways CMSs page their lists."""

from __future__ import annotations

import json
import time

import pytest
from selectolax.lexbor import LexborHTMLParser

from pipeline.crawl.discover import (
    MAX_LIST_PAGES,
    Link,
    create_page_urls,
    extract_links,
    is_report_title,
    json_links,
    link_preference,
    looks_like_section,
    next_page,
    page_chain,
    parse_json,
    report_links,
)


@pytest.mark.parametrize(("title", "is_report"), [
    ("宽城满族自治县人民政府办公室2023年政府信息公开工作年度报告", True),
    ("宽城镇人民政府 2024 年 政府信息公开 工作年度报告", True),
    ("承德市教育局2022年度政务公开工作年报", True),
    ("二〇一七年政府信息公开工作年度报告", True),
    ("宽城满族自治县2012年政府信息公开工作报告", True),
    ("宽城满族自治县2025年政府工作报告", False),
    ("宽城满族自治县2023年法治政府建设年度报告", False),
    ("关于做好2024年度政府信息公开工作年度报告编制发布工作的通知", False),
    ("图解：宽城满族自治县教育局2023年政府信息公开工作年度报告", False),
    ("政府信息公开年报", False),  # a section, not a report: no year
    ("宽城满族自治县教育局2024年工作总结", False),
    ("2023年度统计年报", False),
])
def test_report_titles(title: str, is_report: bool) -> None:
    assert is_report_title(title) is is_report


def test_section_links_are_ranked_and_others_are_not() -> None:
    assert link_preference("政府信息公开年报") == 0
    assert link_preference("政府信息公开") < link_preference("年报")
    assert link_preference("新闻中心") is None
    assert link_preference("政府工作报告") is None
    assert link_preference("") is None


def test_trs_create_page_html_lists_every_page() -> None:
    urls = create_page_urls('createPageHTML(4, 0, "index", "html");', "http://a.gov.cn/zwgk/ndbg/index.html")
    assert urls == ["http://a.gov.cn/zwgk/ndbg/index.html", "http://a.gov.cn/zwgk/ndbg/index_1.html",
                    "http://a.gov.cn/zwgk/ndbg/index_2.html", "http://a.gov.cn/zwgk/ndbg/index_3.html"]
    assert create_page_urls("createPageHTML(1, 0, 'index', 'shtml')", "http://a.gov.cn/x/index_3.shtml") == [
        "http://a.gov.cn/x/index.shtml"]
    variables = ("var countPage = 3//共多少页\nvar currentPage = 0;\n"
                 "createPageHTML('page_div', countPage, currentPage, 'index', 'html', 45);")
    assert create_page_urls(variables, "http://a.gov.cn/x/") == [
        "http://a.gov.cn/x/index.html", "http://a.gov.cn/x/index_1.html", "http://a.gov.cn/x/index_2.html"]


PAGE = """<html><head><base href="/zwgk/"></head><body>
<ul class="list"><li><a href="./ndbg/t1.html#top" title="某县2023年政府信息公开工作年度报告">某县2023年政府信息…</a></li>
<li><a href="javascript:void(0)">打印</a></li><li><a href="mailto:a@b.cn">信箱</a></li></ul>
<div class="page"><a href="list_2.html">下一页</a><a class="next" href="list_2b.html">&gt;</a></div>
<div id="4521"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/col/col4521/index_2.html">下一组</a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href="/art/2024/1/25/art_1.html" title="教育局2023年政府信息公开工作年度报告">教育局…</a></li>]]></record>
<record><![CDATA[<li><a href="http://other.gov.cn/art_2.html">外站</a></li>]]></record></recordset>
</datastore></script></div>
<script>var searchApi = "../api/search/xznb.json?channel=1"; var img = "a.png"; window.open("x.html");</script>
</body></html>"""


def test_links_pagination_datastore_and_json_endpoints_from_one_page() -> None:
    found = extract_links(PAGE, "http://a.gov.cn/index.html")
    by_url = {link.url: link.text for link in found.links}
    assert by_url["http://a.gov.cn/zwgk/ndbg/t1.html"] == "某县2023年政府信息公开工作年度报告"  # the fuller title wins
    assert by_url["http://a.gov.cn/art/2024/1/25/art_1.html"] == "教育局2023年政府信息公开工作年度报告"
    assert "http://other.gov.cn/art_2.html" in by_url
    assert not any(url.startswith(("javascript:", "mailto:")) for url in by_url)
    assert found.pagination == ["http://a.gov.cn/zwgk/list_2.html", "http://a.gov.cn/col/col4521/index_2.html"]
    assert found.json_endpoints == ["http://a.gov.cn/api/search/xznb.json?channel=1"]
    assert "http://a.gov.cn/col/col4521/index_2.html" not in by_url  # the datastore's next group is paging only


PROXY = "http://a.gov.cn/module/web/jpage/dataproxy.jsp?page={}&appid=1&webid=1&path=/&columnid=4521&unitid=9021"


@pytest.mark.parametrize("declaration", ['<?xml version="1.0" encoding="UTF-8"?>\n', ""])
def test_a_bare_datastore_from_the_list_proxy_gives_its_records_and_the_next_group(declaration) -> None:
    """Hanweb's dataproxy.jsp answers a group as bare XML. Read as HTML, its CDATA would be comments
    that end at the first `>`: the records' anchors survive by luck, the next group's does not."""
    answer = (f'{declaration}<datastore><nextgroup><![CDATA[<a href="{PROXY.format(3)}"></a>]]></nextgroup>'
              '<recordset><record><![CDATA[<li><a href="/art/2023/1/19/art_4521_1.html" target="_blank">'
              '教育局2022年政府信息公开工作年度报告</a><span>2023-01-19</span></li>]]></record></recordset></datastore>')
    found = extract_links(answer, PROXY.format(2))
    assert [(link.url, link.text) for link in found.links] == [
        ("http://a.gov.cn/art/2023/1/19/art_4521_1.html", "教育局2022年政府信息公开工作年度报告")]
    assert found.pagination == [PROXY.format(3)]
    assert found.continuations == [PROXY.format(3)]  # the next page, whatever the nextgroup names
    last = extract_links(answer.replace(answer[answer.index("<nextgroup>"):answer.index("<recordset>")], ""),
                         PROXY.format(3))
    assert last.pagination == last.continuations == [] and len(last.links) == 1
    empty = extract_links(answer[:answer.index("<recordset>")] + "<recordset></recordset></datastore>", PROXY.format(4))
    assert empty.links == empty.continuations == []


def test_a_paged_answer_continues_at_the_next_page_number_whatever_its_nextgroup_names() -> None:
    """Hanweb's nextgroup often names `page=1` on every answer; the pages are numbered all the same."""
    answer = (f'<datastore><nextgroup><![CDATA[<a href="{PROXY.format(1)}"></a>]]></nextgroup><recordset>'
              '<record><![CDATA[<li><a href="/art/1.html">某局2023年政府信息公开工作年度报告</a></li>]]></record>'
              '</recordset></datastore>')
    found = extract_links(answer, PROXY.format(7))
    assert found.continuations == [PROXY.format(8)]
    assert next_page("http://a.gov.cn/x.jsp?webname=江苏&page=9&col=1") == "http://a.gov.cn/x.jsp?webname=江苏&page=10&col=1"
    assert next_page("http://a.gov.cn/x.jsp?subpage=3") is None
    assert page_chain(PROXY.format(2)) == page_chain(PROXY.format(30)) != page_chain(PROXY.format(2).replace("4521", "4522"))


def test_selectors_narrow_list_links_and_next_pages() -> None:
    found = extract_links(PAGE, "http://a.gov.cn/index.html", link_selector="ul.list a", pagination_selector="a.next")
    # the selector picks the page's anchors; datastore records are data a selector cannot reach, so kept
    assert [link.url for link in found.links] == ["http://a.gov.cn/zwgk/ndbg/t1.html",
                                                  "http://a.gov.cn/art/2024/1/25/art_1.html",
                                                  "http://other.gov.cn/art_2.html"]
    assert found.pagination[0] == "http://a.gov.cn/zwgk/list_2b.html"


def test_json_records_found_anywhere_or_at_a_configured_path() -> None:
    payload = {"code": 200, "data": {"total": 2, "list": [
        {"title": "宽城镇2024年政府信息公开工作年度报告", "url": "/zwgk/xznb/t1.html", "pubDate": "2025-01-15"},
        {"title": "工作动态", "url": "https://a.gov.cn/x.html", "pubDate": "2025-01-01"},
        {"name": "no link"}]}}
    auto = json_links(payload, "http://a.gov.cn/api/search.json")
    assert [(link.url, link.date) for link in auto] == [("http://a.gov.cn/zwgk/xznb/t1.html", "2025-01-15"),
                                                        ("https://a.gov.cn/x.html", "2025-01-01")]
    custom = {"rows": [{"DOCTITLE": "某局2023年政务公开年度报告", "DOCPUBURL": "t2.html", "DOCRELTIME": "2024-01-02"}]}
    configured = json_links(custom, "http://a.gov.cn/api/q.json", {"items": "rows", "title": "DOCTITLE",
                                                                   "link": "DOCPUBURL", "date": "DOCRELTIME"})
    assert [(link.url, link.text) for link in configured] == [("http://a.gov.cn/api/t2.html", "某局2023年政务公开年度报告")]
    assert json_links(custom, "http://a.gov.cn/api/q.json", {"items": "missing.path"}) == []


def test_json_that_is_not_json_is_no_links() -> None:
    assert parse_json(b"<html>404</html>") is None
    assert json_links(parse_json(b"<html>404</html>"), "http://a.gov.cn/") == []
    assert parse_json(json.dumps({"a": 1}).encode("utf-8-sig")) == {"a": 1}
    assert parse_json('jQuery1123_456({"list": [{"title": "宽城镇年报"}]});'.encode("gbk")) == {
        "list": [{"title": "宽城镇年报"}]}


def test_pages_that_send_the_browser_elsewhere() -> None:
    page = """<html><head><meta http-equiv="Refresh" content="0; URL='/zwgk/index.html'"></head><body>
    <iframe src="list/frame.html"></iframe><script>if (mobile) { window.location.href = "/m/index.html"; }</script>
    </body></html>"""
    found = extract_links(page, "http://a.gov.cn/xxgk/index.html")
    assert found.forwards == ["http://a.gov.cn/zwgk/index.html", "http://a.gov.cn/xxgk/list/frame.html",
                              "http://a.gov.cn/m/index.html"]


def test_report_links_keep_only_reports() -> None:
    page = """<html><head><base href="http://a.gov.cn/zwgk/"></head><body><a href="/">首页</a>
    <a href="t2.html">上一篇：某局2022年政府信息公开工作年度报告</a><a href="javascript:;">某局2021年政府信息公开工作年度报告</a>
    <a href="t0.html" title="某局2024年政府信息公开工作年度报告">下一篇</a></body></html>"""
    assert report_links(LexborHTMLParser(page), "http://a.gov.cn/zwgk/t1.html") == [
        Link("http://a.gov.cn/zwgk/t2.html", "上一篇：某局2022年政府信息公开工作年度报告"),
        Link("http://a.gov.cn/zwgk/t0.html", "某局2024年政府信息公开工作年度报告")]


@pytest.mark.parametrize(("url", "section"), [
    ("http://a.gov.cn/xwzx/", True), ("http://a.gov.cn/xwzx/index.html", True), ("http://a.gov.cn/zwgk", True),
    ("http://a.gov.cn/col/col4521/index.html?uid=1", True), ("http://a.gov.cn/list_2.shtml", True),
    ("http://a.gov.cn/xwzx/gzdt/202501/t20250108_901.html", False), ("http://a.gov.cn/art/2025/1/22/art_1_2.html", False),
])
def test_sections_versus_articles(url: str, section: bool) -> None:
    assert looks_like_section(url) is section


# -- hostile pages: bounded, and a bad link is that link's problem ---------------------------------
def test_a_list_claiming_100_million_pages_is_cut_at_the_cap() -> None:
    assert len(create_page_urls('createPageHTML(100000000, 0, "index", "html")', "http://a.gov.cn/l/")) == MAX_LIST_PAGES
    assert len(create_page_urls(f'createPageHTML({"9" * 5000}, 0, "index", "html")', "http://a.gov.cn/l/")) == \
        MAX_LIST_PAGES  # more digits than int() converts
    assert next_page("http://a.gov.cn/p.jsp?page=" + "9" * 5000) is None


def test_links_that_do_not_parse_come_back_as_written() -> None:
    found = extract_links('<a href="http://[::1/">x</a><a href="/ok">y</a><iframe src="http://[::1/f"></iframe>',
                          "http://a.gov.cn/")
    assert [link.url for link in found.links] == ["http://[::1/", "http://a.gov.cn/ok"]
    assert found.forwards == ["http://[::1/f"]
    assert extract_links('<base href="http://[::1/"><a href="ok">y</a>', "http://a.gov.cn/l/").links == [
        Link("http://a.gov.cn/l/ok", "y")]


def test_json_nested_deeper_than_python_recurses() -> None:
    assert parse_json(b"[" * 100_000 + b"]" * 100_000) is None
    deep: object = {"title": "2023年政府信息公开工作年度报告", "url": "/r.html"}
    for _ in range(5_000):  # deeper than Python recurses: walked with a stack
        deep = {"child": [deep]}
    assert json_links(deep, "http://a.gov.cn/") == [Link("http://a.gov.cn/r.html", "2023年政府信息公开工作年度报告")]


def test_unclosed_cdata_is_read_in_linear_time() -> None:
    xml = "<datastore><nextgroup>" + "<![CDATA[" * 200_000
    started = time.monotonic()
    assert extract_links(xml, "http://a.gov.cn/p.jsp?page=1").links == []
    assert time.monotonic() - started < 2.0
