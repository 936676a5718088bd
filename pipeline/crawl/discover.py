"""Where the reports are: links from list pages, pagination, and which link is a report.

Chinese government CMSs hide their lists in three ways and all three are read here as data,
never executed: plain `<a>` lists paged by a `createPageHTML(n, cur, "index", "html")` script call
(TRS: page 1 is index.html, page k is index_{k-1}.html); Hanweb's `<script type="text/xml">`
datastore whose `<record>`s are CDATA HTML fragments, its later groups served as bare datastore
XML by `dataproxy.jsp` (the path Hanweb keeps for clients without script; its script pages the
same proxy by POST): the `<nextgroup>` link names the proxy, often always with `page=1`, and an
answer that has records and a `<nextgroup>` continues at the next `page`; and lists a page fills
from a JSON search endpoint, whose URL sits in a script as a string literal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from pipeline.contract import (
    DISCLOSURE_MARKERS,
    NEXT_PAGE_MARKERS,
    NOT_REPORT_MARKERS,
    PREFERRED_LINK_MARKERS,
    REPORT_TITLE_MARKERS,
    REPORT_YEAR_PATTERN,
)
from pipeline.errors import DocumentError
from pipeline.extract.decode import decode_text

_YEAR = re.compile(REPORT_YEAR_PATTERN)
_SPACE = re.compile(r"\s+")
# createPageHTML(5, 0, "index", "html"), also with a leading element id and variables for the counts:
# createPageHTML('page_div', countPage, currentPage, 'index', 'shtml', 190)
_CREATE_PAGE = re.compile(r"createPageHTML\(\s*(?:[\"'][^\"']*[\"']\s*,\s*)?(\w+)\s*,\s*(\w+)\s*,\s*"
                          r"[\"']([\w.-]+)[\"']\s*,\s*[\"'](\w+)[\"']")
_BARE_DATASTORE = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?<datastore\b", re.I)
_PAGE_PARAM = re.compile(r"([?&])page=(\d{1,9})(?!\d)", re.I)
_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\";\s]+)", re.I)
_JS_LOCATION = re.compile(r"(?:window|document|self|top)\.location(?:\.href)?\s*=\s*[\"']([^\"']+)[\"']")
_JSONP = re.compile(r"^\s*[\w.$]+\s*\((.*)\)\s*;?\s*$", re.S)
_JSON_LITERAL = re.compile(r"[\"']([^\"'\s<>]+?\.json(?:\?[^\"'\s<>]*)?)[\"']")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#")
_NOT_PAGES = re.compile(r"\.(?:css|js|png|jpe?g|gif|bmp|ico|svg|webp|mp4|mp3|flv|swf|zip|rar|7z|exe|apk)$", re.I)
# Files are never walked as pages; a file link titled as a report is fetched as the report itself.
# A TRS list of more pages than this is not a real list: `createPageHTML(100000000, ...)` once
# built 5.6 GB of page URLs. Real county lists run to a few hundred pages at most.
MAX_LIST_PAGES = 2000
FILE_SUFFIXES = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|et|ofd|txt)$", re.I)

TITLE_KEYS = ("title", "docTitle", "DOCTITLE", "name", "subject", "tm")
LINK_KEYS = ("url", "link", "href", "docUrl", "DOCPUBURL", "linkUrl", "pageUrl")
DATE_KEYS = ("date", "pubDate", "publishDate", "pubdate", "docDate", "DOCRELTIME", "time", "fbrq")


@dataclass(frozen=True)
class Link:
    url: str
    text: str = ""
    date: str | None = None


@dataclass
class PageLinks:
    """What a page points to: ordinary links, next pages of the same list, JSON list endpoints, and
    where the page sends the browser instead (meta refresh, a script's location, framed lists)."""

    links: list[Link] = field(default_factory=list)
    pagination: list[str] = field(default_factory=list)
    json_endpoints: list[str] = field(default_factory=list)
    forwards: list[str] = field(default_factory=list)
    # The next page of a paged answer, which the crawler follows only while answers differ: a
    # server that ignores the page number would otherwise be walked to the crawl's page budget.
    continuations: list[str] = field(default_factory=list)


def compact(text: str) -> str:
    return _SPACE.sub("", text or "")


def is_report_title(text: str) -> bool:
    """An annual disclosure report's title: a year, 年度报告/年报, and 政府信息公开/政务公开.

    政府工作报告 and 法治政府建设年度报告 are annual reports too, but not disclosure reports.
    """
    text = compact(text)
    return (not any(m in text for m in NOT_REPORT_MARKERS)
            and any(m in text for m in REPORT_TITLE_MARKERS)
            and any(m in text for m in DISCLOSURE_MARKERS)
            and _YEAR.search(text) is not None)


def link_preference(text: str) -> int | None:
    """Rank of a section link worth walking (0 = 信息公开年报 ...), None for any other link."""
    text = compact(text)
    if not text or any(m in text for m in NOT_REPORT_MARKERS):
        return None
    return next((i for i, m in enumerate(PREFERRED_LINK_MARKERS) if m in text), None)


def is_next_page_text(text: str) -> bool:
    return compact(text) in NEXT_PAGE_MARKERS


def is_followable(url: str) -> bool:
    """A link worth fetching as a page: not an image, script, media or archive."""
    return not _NOT_PAGES.search(url.split("?")[0])


_SECTION_STEMS = ("index", "default", "list", "main", "home")


def looks_like_section(url: str) -> bool:
    """A section or column page (`/xwzx/`, `.../index.html`, `/col/col12/`), not an article
    (`t20250108_901.html`, `art_4521_1.html`): exploring the home page's sections finds the
    disclosure area on portals that name it unusually; exploring its news finds nothing."""
    path = urlsplit(url).path
    segment = path.rsplit("/", 1)[-1]
    stem = segment.split(".")[0].lower()
    return not segment or "." not in segment or stem.startswith(_SECTION_STEMS) or "/col/" in path


def canonical(url: str) -> str:
    """The URL without its fragment: the crawler's identity for a page."""
    return urldefrag(url)[0]


def extract_links(html: str, page_url: str, *, link_selector: str | None = None,
                  pagination_selector: str | None = None) -> PageLinks:
    """Links, next pages and JSON endpoints of one HTML page (already decoded to str).

    With `link_selector` only the matching anchors count as list links; with `pagination_selector`
    only the matching anchors count as next pages. Script data (Hanweb datastores, createPageHTML,
    JSON endpoints) is always read: a CSS selector cannot reach inside it. A bare datastore (a
    Hanweb `dataproxy.jsp` answer) is read as one; an HTML parser would take its CDATA for comments
    and lose the next group's link.
    """
    found = PageLinks()
    if _BARE_DATASTORE.match(html):
        _read_datastore(html, page_url, found)
        if found.links and _sections(html, "<nextgroup>", "</nextgroup>") and (following := next_page(page_url)):
            found.continuations.append(following)
        return found
    tree = LexborHTMLParser(html)
    base = _base(tree, page_url)
    anchors = tree.css(link_selector) if link_selector else tree.css("a[href]")
    found.links.extend(_anchor_links(anchors, base))
    next_anchors = tree.css(pagination_selector) if pagination_selector else [
        a for a in tree.css("a[href]") if is_next_page_text(a.text() or "")]
    found.pagination.extend(link.url for link in _anchor_links(next_anchors, base))
    for node in tree.css('meta[http-equiv="refresh" i][content]'):
        found.forwards.extend(resolve(base, m) for m in _REFRESH.findall(node.attributes["content"] or ""))
    for node in tree.css("iframe[src], frame[src]"):
        found.forwards.append(resolve(base, node.attributes["src"] or ""))
    for script in tree.css("script"):
        code = script.text(deep=True) or ""
        if (script.attributes.get("type") or "").lower() == "text/xml":
            _read_datastore(code, base, found)
            continue
        found.pagination.extend(create_page_urls(code, base))
        found.forwards.extend(resolve(base, m) for m in _JS_LOCATION.findall(code))
        found.json_endpoints.extend(resolve(base, m) for m in _JSON_LITERAL.findall(code))
    return found


def report_links(tree: LexborHTMLParser, page_url: str) -> list[Link]:
    """Only the links titled as reports (a report page's 上一篇/下一篇, a column of reports): the text is
    classified before any URL is resolved, since a detail page's many navigation links are not wanted.
    Takes the page's DOM, which the crawler has built already for the page's facts."""
    return list(_anchor_links(tree.css("a[href]"), _base(tree, page_url), keep=is_report_title))


def create_page_urls(script: str, page_url: str) -> list[str]:
    """Every page of a TRS list from its `createPageHTML(count, current, prefix, ext)` call."""
    urls = []
    for count, _current, prefix, ext in _CREATE_PAGE.findall(script):
        pages = min(_script_int(count, script) or 1, MAX_LIST_PAGES)
        names = [f"{prefix}.{ext}"] + [f"{prefix}_{k}.{ext}" for k in range(1, pages or 1)]
        urls.extend(urljoin(page_url, name) for name in names)
    return urls


def _script_int(token: str, script: str) -> int | None:
    """A literal number, or the number a script variable is set to (`var countPage = 5`)."""
    if token.isdigit():
        return _bounded_int(token)
    assigned = re.search(rf"\b{re.escape(token)}\s*=\s*(\d+)", script)
    return _bounded_int(assigned.group(1)) if assigned else None


def _bounded_int(digits: str) -> int:
    """A count as an int, at most MAX_LIST_PAGES + 1 (a 5,000-digit literal would not even convert)."""
    return MAX_LIST_PAGES + 1 if len(digits) > 9 else int(digits)


def _read_datastore(xml: str, base: str, found: PageLinks) -> None:
    """Hanweb's datastore: `<record><![CDATA[<li><a href=...>]]></record>` plus a `<nextgroup>` link."""
    nextgroups = _sections(xml, "<nextgroup>", "</nextgroup>")
    if nextgroups:
        start, end = nextgroups[0]
        group = xml[start:end]
        for fragment in _cdata(group) or [group]:
            found.pagination.extend(link.url for link in _anchor_links(LexborHTMLParser(fragment).css("a[href]"), base))
        xml = xml[: start - len("<nextgroup>")] + xml[end + len("</nextgroup>"):]
    for fragment in _cdata(xml):
        found.links.extend(_anchor_links(LexborHTMLParser(fragment).css("a[href]"), base))


def _sections(text: str, opening: str, closing: str) -> list[tuple[int, int]]:
    """(start, end) of the text between each `opening` and its next `closing` (case-insensitive), found with
    `str.find`: a lazy regex rescans to the end of the text from every unclosed opening, quadratic on a page
    of `<![CDATA[` without `]]>`."""
    folded = text.lower() if opening.lower() != opening.upper() else text
    opening, closing = opening.lower(), closing.lower()
    spans, at = [], 0
    while (start := folded.find(opening, at)) >= 0:
        start += len(opening)
        end = folded.find(closing, start)
        if end < 0:
            break
        spans.append((start, end))
        at = end + len(closing)
    return spans


def _cdata(text: str) -> list[str]:
    return [text[start:end] for start, end in _sections(text, "<![CDATA[", "]]>")]


def next_page(url: str) -> str | None:
    """The URL with its `page` query number one higher (the rest byte for byte), if it has one."""
    following = _PAGE_PARAM.sub(lambda m: f"{m.group(1)}page={int(m.group(2)) + 1}", url, count=1)
    return following if following != url else None


def page_chain(url: str) -> str:
    """The URL without its `page` number: the same for every page of one paged answer."""
    return _PAGE_PARAM.sub(r"\1page=", url, count=1)


def _base(tree: LexborHTMLParser, page_url: str) -> str:
    node = tree.css_first("base[href]")
    if node is None:
        return page_url
    try:
        return urljoin(page_url, node.attributes.get("href") or "")
    except ValueError:  # a <base href> that does not parse: links resolve against the page itself
        return page_url


def resolve(base: str, href: str) -> str:
    """`href` against `base`, without its fragment. A link that does not parse (`http://[::1/`) comes back as
    written, so the crawler records it as that link's `invalid_url` rather than the page crashing."""
    try:
        return canonical(urljoin(base, href))
    except ValueError:
        return href


def _anchor_links(anchors: list, base: str, keep: Callable[[str], bool] | None = None) -> Iterator[Link]:
    for anchor in anchors:
        text = compact(anchor.text(deep=True) or "")
        title = compact(anchor.attributes.get("title") or "")
        text = title if len(title) > len(text) else text
        if keep is not None and not keep(text):
            continue
        href = (anchor.attributes.get("href") or "").strip()
        if href and not href.lower().startswith(_SKIP_SCHEMES):
            yield Link(resolve(base, href), text)


def json_links(data: Any, endpoint_url: str, fields: dict[str, str] | None = None) -> list[Link]:
    """Records of a JSON list endpoint as links: from `fields["items"]` (a dotted path) when given,
    otherwise every object anywhere in the document that has a title and a link field."""
    fields = fields or {}
    title_keys = (fields["title"],) if "title" in fields else TITLE_KEYS
    link_keys = (fields["link"],) if "link" in fields else LINK_KEYS
    date_keys = (fields["date"],) if "date" in fields else DATE_KEYS
    records = _at_path(data, fields["items"]) if "items" in fields else _objects(data)
    links = []
    for record in records:
        if not isinstance(record, dict):
            continue
        title = next((record[k] for k in title_keys if isinstance(record.get(k), str)), None)
        href = next((record[k] for k in link_keys if isinstance(record.get(k), str)), None)
        if title is None or not href:
            continue
        date = next((str(record[k]) for k in date_keys if record.get(k) is not None), None)
        links.append(Link(resolve(endpoint_url, href.strip()), compact(title), date))
    return links


def parse_json(data: bytes) -> Any:
    """JSON (or JSONP: `callback({...});`) bytes as data, in UTF-8 or GBK; None when they are not JSON
    (an HTML error page, say)."""
    try:
        text, _ = decode_text(data)
    except DocumentError:
        return None
    wrapped = _JSONP.match(text)
    try:
        return json.loads(wrapped.group(1) if wrapped else text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python recurses
        return None


def _at_path(data: Any, path: str) -> list[Any]:
    for key in filter(None, path.split(".")):
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, list) else []


def _objects(data: Any) -> Iterator[dict]:
    """Every object in `data`, in document order, with an explicit stack: however deep the nesting."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
