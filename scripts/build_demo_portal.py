"""Build the demo portal (`data/demo_portal/`): a small static county site shaped like real ones.

A fictional copy of a county portal (宽城满族自治县, 河北省承德市) built on the CMS products most
Chinese governments run: a TRS-style annual report list paged by `createPageHTML`, a Hanweb-style
department list inside a `<script type="text/xml">` datastore, and a township list the page fills
from a JSON search endpoint. Report pages hold the report in a content div as an HTML table with
rowspan/colspan (some GBK with only a meta charset), or link it as a DOCX/PDF attachment; unrelated
articles, a dead link, an off-site link, a robots.txt-disallowed draft, an old-format 2012/2017
report, a Word 97 .doc attachment and an image-only report page are mixed in, as on real portals.

Reports come from the five seeds (`data/seeds/expected`) and from synthetic values made here
(deterministic, consistent tables, with one report that does not add up and one carried-over
break between years). `manifest.json` lists every expected document with its values, so tests can
assert "all reports found, none of the unrelated". Run: `uv run --frozen python scripts/build_demo_portal.py`.
"""

from __future__ import annotations

import html
import json
import random
import shutil
import struct
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.contract import APPLICANTS, ITEMS, ITEMS_2019_ONLY, ITEMS_2021_ONLY, PROACTIVE_2019, PROACTIVE_2021, REVIEW_GROUPS  # noqa: E402
from pipeline.crawl.demo_server import DEMO_ORIGIN, HANWEB_PROXY, proxy_answer_file  # noqa: E402
from pipeline.render import render_html_fragment, render_report  # noqa: E402

OUT = ROOT / "data" / "demo_portal"
SEEDS = ROOT / "data" / "seeds" / "expected"
ORIGIN = DEMO_ORIGIN.decode()
COUNTY = "宽城满族自治县"
REGION = {"province": "河北省", "city": "承德市", "county": COUNTY}
GOV_OFFICE = f"{COUNTY}人民政府办公室"
EDUCATION = f"{COUNTY}教育局"
TOWN = f"{COUNTY}宽城镇人民政府"
HEALTH = f"{COUNTY}卫生健康局"
BREAK = 3  # natural-person applications 宽城镇 2023 carries over beyond what 2022 carried forward


def title_of(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


# ---------------------------------------------------------------------------------------------
# Values: seeds and synthetic reports
# ---------------------------------------------------------------------------------------------

def seed_values(name: str) -> dict[str, Any]:
    values = json.loads(next(SEEDS.glob(f"{name}_*.json")).read_text(encoding="utf-8"))
    return {k: v for k, v in values.items() if k not in ("notes", "known_inconsistencies")}


def synthetic_values(agency: str, year: int, rng: random.Random, *, previous: dict[str, Any] | None = None,
                     following: dict[str, Any] | None = None, scale: int = 10,
                     published_on: str | None = None) -> dict[str, Any]:
    """A consistent report: rows sum to totals, new + carried over = processed + carried forward.

    `previous` / `following` are the same agency's reports of year - 1 / year + 1: what they carry
    forward / over and their stock of documents in force chain this one to them, as the warehouse's
    cross-year model expects of a real agency."""
    template = "2019" if year < 2021 else "2021"
    columns = len(APPLICANTS) - 1

    def row(high: int) -> list[int]:
        cells = [rng.randint(0, high)] + [rng.randint(0, max(1, high // 5)) for _ in range(columns - 1)]
        return cells + [sum(cells)]

    new = row(scale)
    carried = list(previous["applications"]["carried_forward"]) if previous else row(2)
    forward_cells = [rng.randint(0, min(2, new[c] + carried[c])) for c in range(columns)]
    forward = list(following["applications"]["carried_over"]) if following else forward_cells + [sum(forward_cells)]
    items = [i for i in ITEMS if i not in (ITEMS_2021_ONLY if template == "2019" else ITEMS_2019_ONLY)]
    results = items[items.index("granted"): items.index("total_processed")]
    applications = {item: [0] * len(APPLICANTS) for item in items}
    applications["new_received"], applications["carried_over"], applications["carried_forward"] = new, carried, forward
    busy = ("granted", "partially_granted", "unable_no_info", "not_processed_duplicate", "denied_third_party",
            results[-1])
    for c in range(columns):
        remaining = new[c] + carried[c] - forward[c]
        applications["total_processed"][c] = remaining
        for item in busy[:-1]:
            share = rng.randint(0, remaining)
            applications[item][c] += share
            remaining -= share
        applications[busy[-1]][c] += remaining
    for item in items:
        applications[item][-1] = sum(applications[item][:-1])
    review = {}
    for group in REVIEW_GROUPS:
        cells = [rng.randint(0, 1) if group == "review" else 0 for _ in range(4)]
        review[group] = cells + [sum(cells)]
    proactive = _proactive(template, rng)
    if template == "2021":
        _chain_in_force(proactive, previous, following)
    return {
        "agency": agency, "year": year, "template": template,
        "published_on": published_on or f"{year + 1}-01-{rng.randint(10, 28):02d}", **REGION,
        "proactive": proactive, "applications": applications, "review_litigation": review,
    }


def _proactive(template: str, rng: random.Random) -> dict[str, Any]:
    if template == "2021":
        values: dict[str, Any] = {f: rng.randint(0, 40) for f in PROACTIVE_2021}
        values.update(rules_issued=0, rules_repealed=0, rules_in_force=0, fees_10k_yuan=round(rng.uniform(0, 90), 2))
        return values
    values = {f: rng.randint(0, 30) for f in PROACTIVE_2019}
    values.update(rules_new_made=0, rules_new_published=0, rules_total_published=0,
                  licensing_change=rng.randint(-3, 3), penalty_change=rng.randint(-2, 2),
                  procurement_amount_yuan=float(rng.randint(100_000, 9_000_000)))
    return values


def _chain_in_force(proactive: dict[str, Any], previous: dict[str, Any] | None,
                    following: dict[str, Any] | None) -> None:
    """Rules and normative documents in force: in_force(Y+1) = in_force(Y) + issued(Y+1) - repealed(Y+1).

    Only 2021-template neighbours hold in_force (the 2019 template counts publications instead)."""
    for kind in ("rules", "normative"):
        issued, repealed, in_force = f"{kind}_issued", f"{kind}_repealed", f"{kind}_in_force"
        if previous and previous["template"] == "2021":
            stock = previous["proactive"][in_force]
            proactive[repealed] = min(proactive[repealed], stock)  # nothing repealed that was not in force
            proactive[in_force] = stock + proactive[issued] - proactive[repealed]
        elif following and following["template"] == "2021":
            later = following["proactive"]
            proactive[in_force] = later[in_force] - later[issued] + later[repealed]
            if proactive[in_force] < 0:
                raise ValueError(f"{following['agency']} {following['year']}: {kind} in force cannot be chained back")


def break_rule1(values: dict[str, Any]) -> dict[str, Any]:
    """A report whose totals do not add up: one more processed than received, in the first column."""
    processed = values["applications"]["total_processed"]
    processed[0] += 1
    processed[-1] += 1
    values["known_inconsistencies"] = ["rule1:natural_person", "rule1:total", "rule2:natural_person", "rule2:total"]
    return values


def break_carried_over(values: dict[str, Any]) -> dict[str, Any]:
    """The deliberate cross-year break: BREAK more natural-person applications carried over than the
    previous year carried forward. They are granted, so the report itself still adds up."""
    applications = values["applications"]
    for item in ("carried_over", "total_processed", "granted"):
        applications[item][0] += BREAK
        applications[item][-1] += BREAK
    return values


# ---------------------------------------------------------------------------------------------
# Page chrome (TRS, Hanweb and a generic "article" CMS) and the site
# ---------------------------------------------------------------------------------------------

NAV = [("首页", f"{ORIGIN}/index.html"), ("政务公开", f"{ORIGIN}/zwgk/index.html"),
       ("新闻中心", "/xwzx/index.html"), ("政务服务", "/zwfw/index.html"), ("中国政府网", "https://www.gov.cn/")]


def page(title: str, body: str, *, charset: str = "utf-8", crumbs: str = "", head: str = "") -> bytes:
    nav = "".join(f'<li><a href="{href}">{text}</a></li>' for text, href in NAV)
    text = f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(title)}_{COUNTY}人民政府</title>
<link rel="stylesheet" href="/css/style.css">
{head}</head>
<body>
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{COUNTY}人民政府"></a></div>
<ul class="nav">{nav}</ul></div>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; {crumbs}</div>
<div class="main">
{body}
</div>
<div class="footer"><p>主办：{COUNTY}人民政府办公室　<a href="http://www.hebei.gov.cn/">河北省人民政府</a>　<a href="https://www.gov.cn/">中国政府网</a></p>
<p>网站标识码：1308270001　冀ICP备00000000号</p></div>
</body>
</html>
"""
    return text.encode("gbk", "xmlcharrefreplace") if charset != "utf-8" else text.encode("utf-8")


def article(title: str, content: str, date: str, *, container: str = 'class="TRS_Editor"', source: str = "",
            attachments: list[tuple[str, str]] = ()) -> str:
    links = "".join(f'<p><a href="{href}" title="{html.escape(text)}">{html.escape(text)}</a></p>'
                    for href, text in attachments)
    attach = f'<div class="attach"><p>附件：</p>{links}</div>' if attachments else ""
    return f"""<div class="article">
<h1 class="title">{html.escape(title)}</h1>
<div class="info"><span>发布日期：{date}</span><span>来源：{source or COUNTY + "人民政府"}</span></div>
<div {container}>{content}</div>
{attach}
</div>"""


def meta(title: str, date: str) -> str:
    return (f'<meta name="ArticleTitle" content="{html.escape(title)}">\n'
            f'<meta name="PubDate" content="{date} 09:30">\n<meta name="ContentSource" content="{COUNTY}">\n')


@dataclass
class Site:
    files: dict[str, bytes] = field(default_factory=dict)
    documents: list[dict[str, Any]] = field(default_factory=list)
    unrelated: list[dict[str, str]] = field(default_factory=list)
    excluded: list[dict[str, str]] = field(default_factory=list)

    def add(self, path: str, data: bytes) -> str:
        self.files[path] = data
        return "/" + path

    def expect(self, path: str, kind: str, title: str, outcome: str, *, parent: str | None = None,
               values: dict[str, Any] | None = None, source_format: str = "html", synthetic: bool = True,
               note: str = "") -> None:
        self.documents.append({"path": path, "kind": kind, "title": title, "source_format": source_format,
                               "parent": parent, "outcome": outcome, "synthetic": synthetic, "note": note,
                               "values": values})


@dataclass(frozen=True)
class Entry:
    """One line of a list: what a list item links to and how it is shown."""

    title: str
    href: str
    date: str


def report_page(site: Site, path: str, values: dict[str, Any], *, charset: str = "utf-8",
                container: str = 'class="TRS_Editor"', attachment: str | None = None, synthetic: bool = True,
                note: str = "", crumbs: str = "") -> Entry:
    """A detail page with the report in its content div, or only a link to it as an attachment."""
    title = title_of(values["agency"], values["year"])
    date = values.get("published_on") or f"{values['year'] + 1}-01-15"
    values = {**values, "published_on": date}  # the page shows a date, so the parsed report has one
    attachments = []
    if attachment is None:
        content = render_html_fragment(values)
        outcome = "parsed"
    else:
        file_path = path.rsplit("/", 1)[0] + f"/P0{date.replace('-', '')}{abs(hash_title(title)) % 10**8:08d}.{attachment}"
        data = render_report(values, attachment)
        site.add(file_path, data)
        attachments.append((file_path.rsplit("/", 1)[1], f"{title}.{attachment}"))
        content = f'<p style="text-indent:2em">{html.escape(title)}详见附件。</p>'
        site.expect("/" + file_path, "attachment", f"{title}.{attachment}", "parsed", parent="/" + path,
                    values=values, source_format=attachment, synthetic=synthetic, note=note)
        outcome = "attachment_only"
    body = article(title, content, date, container=container, source=values["agency"], attachments=attachments)
    site.add(path, page(title, body, charset=charset, crumbs=crumbs, head=meta(title, date)))
    site.expect("/" + path, "report_page", title, outcome, values=values if attachment is None else None,
                synthetic=synthetic, note=note)
    return Entry(title, "/" + path, date)


def hash_title(title: str) -> int:
    return zlib.crc32(title.encode("utf-8"))


def plain_page(site: Site, path: str, title: str, date: str, paragraphs: list[str], *, unrelated: bool = True,
               charset: str = "utf-8") -> Entry:
    content = "".join(f'<p style="text-indent:2em">{html.escape(p)}</p>' for p in paragraphs)
    site.add(path, page(title, article(title, content, date), charset=charset, head=meta(title, date)))
    if unrelated:
        site.unrelated.append({"path": "/" + path, "title": title})
    return Entry(title, "/" + path, date)


def old_format_report(site: Site, path: str, year: int, published_on: str) -> Entry:
    """A report under the 2008 regulations: prose and a 指标/单位/数量 table, no national template."""
    agency = f"{COUNTY}人民政府"
    title = title_of(agency, year)
    rows = [("一、主动公开情况", "", ""), ("（一）主动公开政府信息数", "条", 1200 + year), ("其中：全文电子化率", "%", 100),
            ("二、依申请公开情况", "", ""), ("（一）收到申请数", "件", year % 17), ("（二）申请办结数", "件", year % 17),
            ("三、行政复议数量", "件", 0), ("四、行政诉讼数量", "件", 0), ("五、收取费用", "万元", 0)]
    table = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
    sections = ["一、概述", f"{year}年，我县认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。",
                "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、政府信息公开的收费及减免情况",
                "五、因政府信息公开申请提起行政复议、行政诉讼的情况", "六、政府信息公开工作存在的主要问题及改进情况"]
    content = "".join(f'<p style="text-indent:2em">{s}</p>' for s in sections)
    content += f'<table border="1"><tr><td>指标</td><td>单位</td><td>数量</td></tr>{table}</table>'
    site.add(path, page(title, article(title, content, published_on), head=meta(title, published_on)))
    site.expect("/" + path, "report_page", title, "unsupported_template",
                note=f"pre-2019 format ({year}): found and stored; the parser reports its template unsupported")
    return Entry(title, "/" + path, published_on)


def list_items(entries: list[Entry]) -> str:
    return "\n".join(f'<li><a href="{e.href}" target="_blank" title="{html.escape(e.title)}">{html.escape(e.title)}</a>'
                     f"<span>{e.date}</span></li>" for e in entries)


def trs_list(site: Site, folder: str, name: str, pages: list[list[Entry]], charsets: dict[int, str]) -> None:
    """TRS WCM list: index.html, index_1.html, ... with the page count in createPageHTML."""
    for k, entries in enumerate(pages):
        file_name = "index.html" if k == 0 else f"index_{k}.html"
        script = f'<script type="text/javascript">\ncreatePageHTML({len(pages)}, {k}, "index", "html");\n</script>'
        body = (f'<div class="list"><h2>{name}</h2><ul class="list-ul">\n{list_items(entries)}\n</ul>'
                f'<div class="page">{script}</div></div>')
        site.add(f"{folder}/{file_name}", page(name, body, charset=charsets.get(k, "utf-8"), crumbs=name))


def hanweb_list(site: Site, folder: str, column: str, name: str, pages: list[list[Entry]]) -> None:
    """Hanweb JCMS column: the first group as CDATA records in a text/xml datastore on the column
    page, whose `<nextgroup>` names the list proxy at `page=1`, as Jiangsu's portals do. The proxy
    (`dataproxy.jsp?page=k&columnid=...`) answers group k as bare datastore XML, page 1 repeating
    the column page's group; every answer but the last has a `<nextgroup>`, naming `page=1` again,
    so only counting pages up reaches the later groups (the demo server maps the query to
    `dataproxy/<column>-<page>.xml`)."""
    column_id = column.removeprefix("col")
    # raw `&` inside CDATA, as Hanweb writes it
    proxy = (f"{HANWEB_PROXY}?page=1&appid=1&webid=1&path=/&columnid={column_id}&unitid=9021"
             "&webname=%E5%AE%BD%E5%9F%8E&permissiontype=0")
    for k, entries in enumerate(pages):
        records = "\n".join(
            f'<record><![CDATA[\n<li><a href="{e.href}" target="_blank" title="{html.escape(e.title)}">'
            f"{html.escape(e.title)}</a><span>{e.date}</span></li>\n]]></record>" for e in entries)
        nextgroup = f'<nextgroup><![CDATA[<a href="{proxy}"></a>]]></nextgroup>' if k + 1 < len(pages) else ""
        store = f"<datastore>{nextgroup}<recordset>\n{records}\n</recordset></datastore>"
        site.add(proxy_answer_file(column_id, k + 1),
                 f'<?xml version="1.0" encoding="UTF-8"?>\n{store}\n'.encode())
        if k == 0:
            body = (f'<div class="list"><h2>{name}</h2><div id="{column}"><script type="text/xml">{store}</script>'
                    f'</div><script>var wrap = document.getElementById("{column}"); /* jpage renders the datastore */'
                    "</script></div>")
            site.add(f"{folder}/index.html", page(name, body, crumbs=name))


def json_list(site: Site, path: str, api_path: str, name: str, entries: list[Entry]) -> None:
    """A page whose list is filled client-side from a JSON search endpoint (read as data by the crawler)."""
    records = [{"title": e.title, "url": e.href, "pubDate": e.date, "channel": name} for e in entries]
    site.add(api_path, json.dumps({"code": 200, "msg": "success", "data": {"total": len(records), "list": records}},
                                  ensure_ascii=False, indent=1).encode("utf-8"))
    depth = path.count("/")
    relative = "../" * depth + api_path
    body = (f'<div class="list"><h2>{name}</h2><ul id="infoList"></ul>\n<script type="text/javascript">\n'
            f'var searchApi = "{relative}";\n'
            "fetch(searchApi).then(function (r) { return r.json(); }).then(function (d) {\n"
            "  document.getElementById('infoList').innerHTML = d.data.list.map(function (x) {\n"
            "    return '<li><a href=\"' + x.url + '\">' + x.title + '</a><span>' + x.pubDate + '</span></li>'; }).join('');\n"
            "});\n</script></div>")
    site.add(path, page(name, body, crumbs=name))


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff")) + chunk(b"IEND", b""))


def excel97_stub(title: str) -> bytes:
    """An OLE compound file header with the title inside: enough to be recognised as .xls, not read."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + \
        title.encode("utf-16-le") + b"\x00" * (2048 - 32 - len(title) * 2)


# ---------------------------------------------------------------------------------------------
# The portal
# ---------------------------------------------------------------------------------------------

def build() -> Site:
    site = Site()
    rng = random.Random(20241231)
    news = [
        plain_page(site, "xwzx/gzdt/202501/t20250108_901.html", "县政务服务中心开展“政务公开日”活动", "2025-01-08",
                   ["1月8日，县政务服务中心开展政务公开日活动，邀请群众代表走进大厅，现场体验政务服务。"]),
        plain_page(site, "xwzx/gzdt/202412/t20241220_899.html", "我县召开2024年度政务公开工作推进会", "2024-12-20",
                   ["会议总结了2024年政务公开工作，部署了下一阶段重点任务。"]),
        plain_page(site, "xwzx/tzgg/202412/t20241205_880.html",
                   "关于做好2024年度政府信息公开工作年度报告编制发布工作的通知", "2024-12-05",
                   ["各乡镇人民政府，县政府各部门：请于2025年1月31日前编制并公布本机关2024年政府信息公开工作年度报告。"]),
    ]
    work_report = plain_page(site, "zwgk/zfgzbg/202501/t20250125_950.html", f"{COUNTY}2025年政府工作报告", "2025-01-25",
                             ["各位代表：现在，我代表县人民政府，向大会报告政府工作，请予审议。"])
    rule_of_law = plain_page(site, "zwgk/fzzf/202401/t20240130_700.html", f"{COUNTY}2023年法治政府建设年度报告",
                             "2024-01-30", ["2023年，我县深入推进法治政府建设，各项工作取得积极成效。"])
    guide = plain_page(site, "zwgk/zn/index.html", "政府信息公开指南", "2024-03-01",
                       ["为了更好地提供政府信息公开服务，特编制本指南。"], unrelated=False)

    # Government office: 2019 (PDF, 2019 template), 2022 (DOCX), 2023 (seed 002, GBK page), 2024 (HTML).
    office_2019 = synthetic_values(GOV_OFFICE, 2019, rng, published_on="2020-01-20")
    office_2023 = seed_values("002")
    office_2022 = synthetic_values(GOV_OFFICE, 2022, rng, following=office_2023, published_on="2023-01-18")
    office_2024 = synthetic_values(GOV_OFFICE, 2024, rng, previous=office_2023, published_on="2025-01-20")
    crumbs = "政务公开 &gt; 政府信息公开年报"
    ndbg = [
        report_page(site, "zwgk/ndbg/202501/t20250120_2001.html", office_2024, crumbs=crumbs),
        work_report,
        report_page(site, "zwgk/ndbg/202401/t20240126_1801.html", office_2023, charset="gb2312", synthetic=False,
                    crumbs=crumbs, note="seed 002 (the synthetic 2022 report carries forward what it carries over)"),
        news[2],
        report_page(site, "zwgk/ndbg/202301/t20230118_1601.html", office_2022, attachment="docx", crumbs=crumbs),
        rule_of_law,
        report_page(site, "zwgk/ndbg/202001/t20200120_1201.html", office_2019, attachment="pdf", crumbs=crumbs),
        old_format_report(site, "zwgk/ndbg/201801/t20180125_901.html", 2017, "2018-01-25"),
        news[0],
        old_format_report(site, "zwgk/ndbg/201303/t20130320_301.html", 2012, "2013-03-20"),
        Entry(title_of(f"{COUNTY}民政局", 2023), "/zwgk/ndbg/202401/t20240125_1799.html", "2024-01-25"),
        _image_only_report(site, "zwgk/ndbg/202501/t20250126_2003.html", f"{COUNTY}自然资源和规划局", 2024),
        Entry(f"{title_of(GOV_OFFICE, 2021)}（内部审核稿）", "/internal/ndbg/t20220110_draft.html", "2022-01-10"),
    ]
    site.excluded.append({"path": ndbg[10].href, "title": ndbg[10].title, "why": "dead link: 404"})
    site.excluded.append({"path": ndbg[12].href, "title": ndbg[12].title, "why": "disallowed by robots.txt"})
    site.add("internal/ndbg/t20220110_draft.html", page(ndbg[12].title, article(ndbg[12].title, "<p>内部审核稿</p>", "2022-01-10")))
    # TRS lists link relatively ("./202501/t...html"); one item uses the portal's absolute URL.
    ndbg = [Entry(e.title, "." + e.href[len("/zwgk/ndbg"):], e.date) if e.href.startswith("/zwgk/ndbg/") else e
            for e in ndbg]
    ndbg[0] = Entry(ndbg[0].title, f"{ORIGIN}/zwgk/ndbg/{ndbg[0].href[2:]}", ndbg[0].date)
    trs_list(site, "zwgk/ndbg", "政府信息公开年报", [ndbg[0:4], ndbg[4:7], ndbg[7:10], ndbg[10:]], {1: "gb2312"})

    # Education bureau (Hanweb department list): 2019, 2022, 2023 (GBK), 2024; health bureau's .doc.
    edu_2019 = synthetic_values(EDUCATION, 2019, rng, scale=1500, published_on="2020-01-21")
    edu_2022 = synthetic_values(EDUCATION, 2022, rng, scale=1500, published_on="2023-01-19")
    edu_2023 = synthetic_values(EDUCATION, 2023, rng, scale=1500, previous=edu_2022, published_on="2024-01-25")
    edu_2024 = synthetic_values(EDUCATION, 2024, rng, scale=1500, previous=edu_2023, published_on="2025-01-22")
    crumbs = "政务公开 &gt; 部门信息公开年报"
    # The health bureau's report as a Word 97 .doc, with a spreadsheet beside it that is kept but not read.
    # (Its own generator, so the values drawn for the other reports stay as they were.)
    health = synthetic_values(HEALTH, 2023, random.Random(20240126), published_on="2024-01-26")
    health_title = title_of(HEALTH, 2023)
    sheet_title = f"附件2：{HEALTH}2023年政府信息公开申请办理情况统计表"
    site.add("art/2024/1/26/attach/P020240126.doc", render_report(health, "doc"))
    site.add("art/2024/1/26/attach/P020240126_2.xls", excel97_stub(sheet_title))
    site.add("art/2024/1/26/art_4521_28003.html", page(health_title, article(
        health_title, f"<p>{health_title}详见附件。</p>", "2024-01-26", container='id="zoom"',
        attachments=[("attach/P020240126.doc", f"附件1：{health_title}.doc"),
                     ("attach/P020240126_2.xls", f"{sheet_title}.xls")]), head=meta(health_title, "2024-01-26")))
    site.expect("/art/2024/1/26/art_4521_28003.html", "report_page", health_title, "attachment_only")
    site.expect("/art/2024/1/26/attach/P020240126.doc", "attachment", f"附件1：{health_title}.doc", "parsed",
                parent="/art/2024/1/26/art_4521_28003.html", values=health, source_format="doc",
                note="Word 97 (.doc): tables read from the paragraph properties, merged cells from the row layouts")
    site.expect("/art/2024/1/26/attach/P020240126_2.xls", "attachment", f"{sheet_title}.xls", "unsupported_format",
                parent="/art/2024/1/26/art_4521_28003.html", source_format="unsupported",
                note=".xls (Excel 97): kept in the store, reported unsupported")
    departments = [
        report_page(site, "art/2025/1/22/art_4521_30001.html", edu_2024, container='id="zoom"', crumbs=crumbs),
        plain_page(site, "art/2025/1/10/art_4521_29990.html", f"{EDUCATION}2024年工作总结", "2025-01-10",
                   ["2024年，县教育局围绕立德树人根本任务，推动教育事业高质量发展。"]),
        report_page(site, "art/2024/1/25/art_4521_28001.html", edu_2023, charset="gbk", container='id="zoom"', crumbs=crumbs),
        plain_page(site, "art/2024/1/27/art_4521_28010.html", f"图解：{title_of(EDUCATION, 2023)}", "2024-01-27",
                   ["一图读懂县教育局2023年政府信息公开工作年度报告。"]),
        Entry(health_title, "/art/2024/1/26/art_4521_28003.html", "2024-01-26"),
    ]
    departments_2 = [
        report_page(site, "art/2023/1/19/art_4521_25001.html", edu_2022, container='id="zoom"', attachment="pdf", crumbs=crumbs),
        news[1],
    ]
    # A third group, so the proxy's own answers must be followed by their <nextgroup> too.
    departments_3 = [
        report_page(site, "art/2020/1/21/art_4521_15001.html", edu_2019, container='id="zoom"', crumbs=crumbs),
    ]
    hanweb_list(site, "col/col4521", "col4521", "部门信息公开年报", [departments, departments_2, departments_3])

    # Townships and streets (JSON search endpoint): 宽城镇 2022-2024 plus four seeds.
    town_2022 = synthetic_values(TOWN, 2022, rng, published_on="2023-01-16")
    town_2023 = break_carried_over(synthetic_values(TOWN, 2023, rng, previous=town_2022, published_on="2024-01-17"))
    town_2024 = break_rule1(synthetic_values(TOWN, 2024, rng, previous=town_2023, published_on="2025-01-15"))
    crumbs = "政务公开 &gt; 乡镇（街道）信息公开年报"
    townships = [
        report_page(site, "zwgk/xznb/202501/t20250115_3001.html", town_2024, container='class="article-content"', crumbs=crumbs,
                    note="numbers do not add up: total_processed one above new_received + carried_over - carried_forward"),
        report_page(site, "zwgk/xznb/202401/t20240117_2801.html", town_2023, container='class="article-content"', crumbs=crumbs,
                    note=f"carried_over (natural_person, hence total) is {BREAK} above the 2022 report's carried_forward: "
                         "the deliberate cross-year break"),
        report_page(site, "zwgk/xznb/202301/t20230116_2601.html", town_2022, container='class="article-content"', crumbs=crumbs),
        plain_page(site, "zwgk/xznb/202412/t20241210_2990.html", "宽城镇召开政务公开工作推进会", "2024-12-10",
                   ["宽城镇召开政务公开工作推进会，部署年度报告编制工作。"]),
        report_page(site, "zwgk/xznb/202501/t20250116_3011.html", seed_values("000"), container='class="article-content"',
                    crumbs=crumbs, synthetic=False, note="seed 000 (reposted for comparison)"),
        report_page(site, "zwgk/xznb/202401/t20240120_2811.html", seed_values("001"), container='class="article-content"',
                    crumbs=crumbs, synthetic=False, note="seed 001 (reposted for comparison)"),
        report_page(site, "zwgk/xznb/202501/t20250118_3012.html", seed_values("003"), container='class="article-content"',
                    crumbs=crumbs, synthetic=False, note="seed 003 (reposted for comparison)"),
        report_page(site, "zwgk/xznb/202501/t20250116_3013.html", seed_values("004"), container='class="article-content"',
                    attachment="pdf", crumbs=crumbs, synthetic=False, note="seed 004 (reposted for comparison)"),
        Entry(title_of("承德市人民政府", 2024), "http://www.chengde.gov.cn/art/2025/1/20/art_1_1.html", "2025-01-20"),
    ]
    site.excluded.append({"path": townships[-1].href, "title": townships[-1].title, "why": "off-site: refused"})
    json_list(site, "zwgk/xznb/index.html", "api/search/xznb.json", "乡镇（街道）信息公开年报", townships)

    sections = [("政府信息公开指南", guide.href), ("政府信息公开制度", "/zwgk/zd/index.html"),
                ("法定主动公开内容", "/zwgk/fdzdgk/index.html"), ("政府信息公开年报", "./ndbg/index.html"),
                ("部门信息公开年报", f"{ORIGIN}/col/col4521/index.html"), ("乡镇（街道）信息公开年报", "/zwgk/xznb/"),
                ("政府工作报告", work_report.href), ("法治政府建设", rule_of_law.href)]
    links = "".join(f'<li><a href="{href}">{text}</a></li>' for text, href in sections)
    site.add("zwgk/index.html", page("政府信息公开", f'<div class="zwgk"><h2>政府信息公开</h2><ul>{links}</ul></div>',
                                     crumbs="政务公开"))
    for folder, name in (("zwgk/zd", "政府信息公开制度"), ("zwgk/fdzdgk", "法定主动公开内容"), ("zwfw", "政务服务")):
        site.add(f"{folder}/index.html", page(name, f'<div class="list"><h2>{name}</h2><ul></ul></div>', crumbs=name))
    site.add("xwzx/index.html", page("新闻中心", f'<div class="list"><h2>工作动态</h2><ul>{list_items(news)}</ul></div>',
                                     crumbs="新闻中心"))
    home = (f'<div class="focus"><h2>工作动态</h2><ul>{list_items(news[:2])}</ul></div>'
            f'<div class="notice"><h2>通知公告</h2><ul>{list_items(news[2:])}</ul></div>'
            f'<div class="links"><a href="{ORIGIN}/zwgk/index.html">政府信息公开</a> '
            f'<a href="zwgk/ndbg/index.html">政府信息公开年报</a> <a href="{work_report.href}">{work_report.title}</a></div>')
    site.add("index.html", page(f"{COUNTY}人民政府", home))
    site.add("robots.txt", b"User-agent: *\nDisallow: /internal/\n")
    site.add("css/style.css", b"body{font-family:SimSun,serif}.nav li{display:inline}\n")
    site.add("images/logo.png", tiny_png())
    manifest = {"origin": ORIGIN, "region_code": "130827", "documents": site.documents,
                "excluded": site.excluded, "unrelated": site.unrelated}
    site.add("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    site.add("README.md", readme(site).encode("utf-8"))
    return site


def _image_only_report(site: Site, path: str, agency: str, year: int) -> Entry:
    """A report page whose tables are a picture: found and stored, but there is nothing to parse."""
    title = title_of(agency, year)
    date = f"{year + 1}-01-26"
    site.add(path.rsplit("/", 1)[0] + "/W020250126.png", tiny_png())
    content = f'<p style="text-indent:2em">{html.escape(title)}</p><p><img src="./W020250126.png" alt="年报"></p>'
    site.add(path, page(title, article(title, content, date), head=meta(title, date)))
    site.expect("/" + path, "report_page", title, "no_statistics_table", note="the report is an image: no table to parse")
    return Entry(title, "/" + path, date)


def cross_year_breaks(documents: list[dict[str, Any]]) -> list[str]:
    """The rules of `marts.cross_year_findings` applied to the manifest's values, one line per break,
    so the README states what the warehouse will find."""
    reports = {(v["agency"], v["year"]): v for d in documents if (v := d["values"]) is not None}
    found = []
    for (agency, year), earlier in sorted(reports.items()):
        later = reports.get((agency, year + 1))
        if later is None:
            continue
        carried = zip(APPLICANTS, earlier["applications"]["carried_forward"], later["applications"]["carried_over"])
        found += [f"{agency} {year + 1} carried_over {applicant} = {over}, {year} carried_forward = {forward}"
                  for applicant, forward, over in carried if forward != over]
        if earlier["template"] == later["template"] == "2021":
            p, q = earlier["proactive"], later["proactive"]
            for kind in ("rules", "normative"):
                expected = p[f"{kind}_in_force"] + q[f"{kind}_issued"] - q[f"{kind}_repealed"]
                if expected != q[f"{kind}_in_force"]:
                    found.append(f"{agency} {year + 1} {kind}_in_force = {q[f'{kind}_in_force']}, chain gives {expected}")
    return found


def readme(site: Site) -> str:
    def row(d: dict[str, Any]) -> str:
        origin = "synthetic" if d["synthetic"] else "seed"
        return f"| `{d['path']}` | {d['kind']} | {d['source_format']} | {d['outcome']} | {origin} | {d['title']} | {d['note']} |"

    lines = [
        "# Demo portal", "",
        f"A fictional copy of a county portal ({COUNTY}, 河北省承德市, GB/T 2260 130827), generated by",
        "`scripts/build_demo_portal.py` (do not edit by hand: re-run the script). `xxgk serve-demo` serves it on",
        f"127.0.0.1; absolute links name `{ORIGIN}`, which the server rewrites to the served address.", "",
        "What it exercises: a TRS list (`/zwgk/ndbg/index.html`, `index_1.html` … paged by `createPageHTML`, page 2 in",
        "GBK), a Hanweb datastore list (`/col/col4521/`, records as CDATA in `<script type=\"text/xml\">`, later groups",
        "from the list proxy `/module/web/jpage/dataproxy.jsp?page=k&columnid=4521…` as bare datastore XML, each",
        "`<nextgroup>` naming `page=1`), a list filled from a JSON search endpoint (`/zwgk/xznb/` ←",
        "`/api/search/xznb.json`), report pages with rowspan/colspan tables in TRS_Editor / #zoom / .article-content",
        "divs, GBK pages with only a meta charset (the server sends no HTTP charset for them), reports only as DOCX/PDF",
        "attachments, a Word 97 .doc attachment (beside an .xls kept unread), an image-only report page, pre-2019 reports (2012, 2017), unrelated articles",
        "mixed into the lists, relative, root-relative and absolute links, an off-site link, a dead link and a",
        "robots.txt-disallowed path.", "",
        "Synthetic and seed pages: every page marked synthetic below was rendered from values made in the script; the",
        "five seeds keep their values (their pages add a publication date).", "",
        "Cross-year data: the government office (2019, 2022, 2023 = seed 002, 2024), the education bureau (2019, 2022,",
        "2023, 2024, counts in the thousands) and 宽城镇 (2022-2024) chain like a real agency's reports, so the",
        "warehouse's `marts.cross_year_findings` has pairs to judge: carried_forward of Y is carried_over of Y+1 in every",
        "applicant column, and in consecutive 2021-template years in_force(Y+1) = in_force(Y) + issued(Y+1) −",
        "repealed(Y+1) for rules (规章) and normative documents (行政规范性文件). The 2019-template reports hold no",
        "in_force (that template counts publications), and 2020/2021 are not on the portal, so 2019 chains to nothing.",
        "The synthetic 2022 office report is chained backwards to seed 002 (it carries forward what the seed carries over",
        "and holds the stock the seed starts from).", "",
        f"The one deliberate cross-year break: 宽城镇 2023 carries over {BREAK} natural-person applications more than its",
        "2022 report carried forward (the total column with them, as a total is the sum of its row; the report itself",
        "adds up). These are the only rows `marts.cross_year_findings` should hold for this portal:", "",
        *(f"- {line}" for line in cross_year_breaks(site.documents)), "",
        "The one deliberately inconsistent report: 宽城镇 2024 processes one natural-person application more than it",
        "received and carried (rule1 and rule2, natural_person and total; listed in its `known_inconsistencies`). Every",
        "other report adds up (rules 1-3 of the contract).", "",
        "## Expected report documents (all must be found)", "",
        "`outcome`: parsed = the report's values (in `manifest.json`) parse back; attachment_only = the page only links",
        "the report; unsupported_template / unsupported_format / no_statistics_table = stored, and the parser raises",
        "that reason code.", "",
        "| path | kind | format | outcome | origin | title | note |", "|---|---|---|---|---|---|---|",
        *map(row, site.documents), "",
        "## Linked but not documents", "",
        "| path | why |", "|---|---|",
        *(f"| `{d['path']}` | {d['why']} |" for d in site.excluded),
        *(f"| `{d['path']}` | unrelated: {d['title']} |" for d in site.unrelated), "",
    ]
    return "\n".join(lines)


def main() -> int:
    site = build()
    if OUT.exists():
        shutil.rmtree(OUT)
    for path, data in site.files.items():
        target = OUT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    size = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {len(site.files)} files, {size / 1024:.0f} KiB, {len(site.documents)} expected documents to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
