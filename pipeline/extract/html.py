"""HTML report pages to `Document`: title, publication date, main content, table grids, attachments.

Portal pages wrap the report in CMS chrome (navigation, breadcrumbs, share buttons, footers). We
read the CMS content container when there is one, so chrome text never reaches the parser, and
keep the chrome only for what it is good for: the title and the publication date.
"""

from __future__ import annotations

import codecs
import re
import sys
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipeline.contract import DATE_LABELS, REPORT_TITLE_MARKERS
from pipeline.errors import ExtractError
from pipeline.extract.document import Attachment, Document, Grid
from pipeline.extract.grid import clean_cell, place_spans, row_line

# CMS content containers, most specific first (TRS, Hanweb/Custom, common templates).
CONTENT_SELECTORS = ("div.TRS_Editor", "div.Custom_UnionStyle", "#zoom", "#UCAP-CONTENT", ".article-content",
                     ".TRS_UEDITOR", ".zoom", "#content", ".content", "article")
_CONTENT_NEEDLES = tuple(selector.rsplit(".", 1)[-1].lstrip("#") for selector in CONTENT_SELECTORS)
# The shorter needles a needle contains ("article-content": "content", "article"): where one is
# absent, so is the longer one, without another scan of the page.
_NEEDLE_PARTS = {needle: tuple(other for other in dict.fromkeys(_CONTENT_NEEDLES) if other != needle and other in needle)
                 for needle in _CONTENT_NEEDLES}
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".rtf", ".xls", ".xlsx")
# Lexbor pre-filters links mentioning an attachment extension anywhere (path or query) or in their
# text (附件1：年报.pdf on a download.jsp?id=8 link), so the hundreds of navigation links on a
# portal page never reach Python; `_attachment_target` decides. (A selector list is tried on every
# element, so alternatives go inside one type selector's `:is()`: other elements fail at the tag,
# and the text tests cost nothing measurable beside the href ones. Results are the same nodes in
# the same order; a node matching several alternatives is listed once, not once per alternative.)
_FILE_EXTENSIONS = (".pdf", ".doc", ".wps", ".rtf", ".xls")
_ATTACHMENT_SELECTOR = "a:is({}), iframe[src], embed[src], object[data]".format(", ".join(
    [f'[href*="{extension}" i]' for extension in _FILE_EXTENSIONS]
    + [f':lexbor-contains("{extension}" i)' for extension in _FILE_EXTENSIONS]))
# A link's text naming a file: the name ends with its extension, perhaps before a size or a bracket.
_FILE_NAME = re.compile(r"\.(?:{})(?![a-z])".format("|".join(extension[1:] for extension in ATTACHMENT_EXTENSIONS)),
                        re.IGNORECASE)

_SKIP_TAGS = ("script", "style", "noscript", "template", "head", "nav", "header", "footer", "select", "button",
              "input", "textarea", "svg", "iframe", "object", "embed")
_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
               "article", "blockquote", "pre", "center", "form", "fieldset", "address", "hr", "caption", "figure",
               "figcaption", "main", "aside", "tr", "td", "th", "tbody", "thead", "tfoot")


def _tag_ids(*tags: str) -> list[int]:
    """Lexbor's tag ids (fixed per tag name): the walk compares ints, where `.tag` would decode
    every node's name to a str."""
    parser = LexborHTMLParser("")
    return [parser.create_node(tag).tag_id for tag in tags]


_TEXT, _COMMENT = (node.tag_id for node in LexborHTMLParser("<p>a<!---->").css_first("p").iter(include_text=True))
_SKIP = frozenset({_COMMENT, *_tag_ids(*_SKIP_TAGS)})
_BLOCK = frozenset(_tag_ids(*_BLOCK_TAGS))
_BR, _TABLE, _TR, _TD, _TH, _CAPTION = _tag_ids("br", "table", "tr", "td", "th", "caption")
_ROW_GROUPS = frozenset(_tag_ids("tbody", "thead", "tfoot"))
# The nodes the walk treats specially, one query each (a selector list costs a pass per selector
# whether listed together or apart, and apart each node is examined only for what it matched):
# hidden nodes (`[hidden]`, or a style with display:none / display: none, which `_hides` tells from
# other display styles), spanning cells, and tables in tables (layout tables; `_cell_of` keeps those
# in a cell. Not `:is(td, th) table`: lexbor matches that only where the table is the cell's child,
# so a layout table whose inner table sits in a `<div>` of the cell was read as one data table).
_HIDING_SELECTOR = '[hidden], [style*="display" i]'
_SPANNING_SELECTOR = "[rowspan], [colspan]"
_NESTED_SELECTOR = "table table"
_MAX_SPAN = 200
_NO_SPAN = (1, 1)
_DIGITS = re.compile(r"\s*(\d+)")
_PUBDATE_META = ("pubdate", "publishdate", "firstpublishedtime", "publishtime")  # lower-cased meta names
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
# Chrome labels for the publication date, in the contract's order of trust; a bare two-character
# label must be followed by a colon to count, so running text ("时间2023年…") does not.
_DATE_LABELS = tuple(re.compile(label + r"\s*[:：]" + ("?" if len(label) > 2 else "") + r"\s*" + _DATE)
                     for label in DATE_LABELS)
_BARE_DATE = re.compile(_DATE)
# Class selectors only for elements with a class (see _ATTACHMENT_SELECTOR on `:is()`).
_TITLE_SELECTORS = "h1, h2, h3, [class]:is(.title, .article-title, .art_title, .bt, .tit), #title"
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*|\s+-\s+")


def page_tree(text: str, data: bytes | None = None, encoding: str | None = None) -> LexborHTMLParser:
    """The page's DOM; `text` must already be decoded (see `decode.decode_html`). Where `data`, the
    page's bytes, are `text` in UTF-8 without a BOM, lexbor parses them as they are (handed `text`,
    selectolax encodes it again: a tenth of the DOM build)."""
    if data is not None and encoding == "utf-8" and not data.startswith(codecs.BOM_UTF8):
        return LexborHTMLParser(data)
    return LexborHTMLParser(text)


def read_html(text: str, source: str, tree: LexborHTMLParser | None = None) -> Document:
    """The report page as a Document; `text` must already be decoded, `tree` is its DOM if built.

    Each CSS query costs tens of microseconds whatever it finds, so every lookup is one query per
    page (spans, nested tables, metadata), never one per table or per cell.
    """
    if tree is None:
        tree = LexborHTMLParser(text)
    try:  # the walk recurses once per nesting level; real pages nest a few dozen deep
        root = _content_root(tree, text)
        walker = _Walker(root)
        walker.walk(root)
        facts = page_facts(tree, source)
        body_text = walker.text()
    except RecursionError:
        raise ExtractError("corrupt_html", "the page nests its elements too deep to read "
                                           f"(past {sys.getrecursionlimit()} levels)") from None
    if facts.title and facts.title not in body_text[: len(facts.title) * 4 + 200]:
        body_text = f"{facts.title}\n{body_text}" if body_text else facts.title
    return Document(
        source=source,
        source_format="html",
        text=body_text,
        tables=walker.tables,
        title=facts.title,
        published_on=facts.published_on,
        attachments=facts.attachments,
    )


@dataclass(frozen=True)
class PageFacts:
    """What a page says of itself outside its content: what the crawler records of a report page."""

    title: str | None
    published_on: str | None
    attachments: list[Attachment]


def page_facts(tree: LexborHTMLParser, source: str) -> PageFacts:
    """Title, publication date and attachments, without reading the content: the crawler needs no
    more, and reading the tables costs about three DOM builds."""
    metas = _metas(tree)
    return PageFacts(_title(tree, metas), _published_on(tree, metas), _attachments(tree, source))


class _Walker:
    """Collects lines in reading order; a block element ends a line, a table emits one line per row."""

    def __init__(self, root: LexborNode) -> None:
        self.lines: list[str] = []
        self.tables: list[Grid] = []
        self._buf: list[str] = []
        # (rowspan, colspan) of every spanning cell under the root by node id, the rows holding one,
        # the hidden nodes and the layout tables: attributes and ids are read only for the nodes the
        # three queries mark, because doing it for every cell is the hot spot.
        self._spans: dict[int, tuple[int, int]] = {}
        self._span_rows: set[int] = set()
        # Hidden copies (print versions, collapsed duplicates) would double a table's numbers.
        self._hidden: set[int] = set()
        # Cells holding hidden text (a hidden <span> of stray digits inside a count) are read
        # without it; the cells' ids, found from the few hidden nodes up.
        self._cells_with_hidden: set[int] = set()
        for node in root.css(_HIDING_SELECTOR):
            attrs = node.attributes
            if "hidden" in attrs or _hides(attrs.get("style")):
                self._hidden.add(node.mem_id)
                if (cell := _cell_of(node)) is not None:
                    self._cells_with_hidden.add(cell.mem_id)
        for node in root.css(_SPANNING_SELECTOR):
            tag, attrs = node.tag_id, node.attributes
            if tag == _TD or tag == _TH:
                self._spans[node.mem_id] = (_span(attrs.get("rowspan")), _span(attrs.get("colspan")))
                self._span_rows.add(node.parent.mem_id)
        nested = root.css(_NESTED_SELECTOR)
        self._layout_tables = _tables_holding_tables(root, nested)

    def text(self) -> str:
        self._flush()
        return "\n".join(self.lines)

    def _flush(self) -> None:
        if self._buf:
            line = clean_cell("".join(self._buf))
            self._buf.clear()
            if line:
                self.lines.append(line)

    def walk(self, node: LexborNode) -> None:
        buf, hidden = self._buf, self._hidden
        for child in node.iter(include_text=True):
            tag = child.tag_id  # an int: comparing names would decode every tag name to a str
            if tag == _TEXT:
                buf.append(child.text_content or "")
            elif tag in _SKIP or (hidden and child.mem_id in hidden):
                continue
            elif tag in _BLOCK:
                self._flush()
                # A paragraph of one text node, the usual prose block, is its own line: taking
                # it here saves a walk of its children (a generator and a call per block).
                only = child.first_child
                if only is not None and only.next is None and only.tag_id == _TEXT:
                    if line := clean_cell(only.text_content or ""):
                        self.lines.append(line)
                    continue
                self.walk(child)
                self._flush()
            elif tag == _BR:
                self._flush()
            elif tag == _TABLE:
                self._flush()
                self._table(child)
            else:
                self.walk(child)

    def _table(self, table: LexborNode) -> None:
        if self._layout_tables and table.mem_id in self._layout_tables:  # its cells are page regions
            self.walk(table)
            return
        texts: list[list[str]] = []
        spans: list[list[tuple[int, int]] | None] = []
        span_of, span_rows = self._spans, self._span_rows
        for row in self._rows(table):
            cells: list[str] = []
            spanning = span_rows and row.mem_id in span_rows
            row_spans: list[tuple[int, int]] | None = [] if spanning else None
            for cell in row.iter():
                tag = cell.tag_id
                if tag == _TD or tag == _TH:
                    # Lexbor's own concatenation is the cell text whenever it holds no whitespace
                    # (nothing to strip or collapse, whatever the nodes): most cells, at half the cost.
                    text = cell.text_lexbor()
                    if self._cells_with_hidden and cell.mem_id in self._cells_with_hidden:
                        text = self._visible_text(cell)
                    elif text and not text.isalnum() and (len(words := text.split()) != 1 or len(words[0]) != len(text)):
                        text = _cell_text(cell)
                    cells.append(text)
                    if row_spans is not None:
                        row_spans.append(span_of.get(cell.mem_id, _NO_SPAN))
            texts.append(cells)
            spans.append(row_spans)
        # Rows with no text at all carry nothing; Word's HTML export adds one of empty cells to fix
        # column widths (`<![if !supportMisalignedColumns]>`), which would otherwise read as data.
        grid = [row for row in place_spans(texts, spans) if any(row)]
        if not grid:
            return
        self.tables.append(grid)
        self.lines.extend(row_line(row) for row in grid)

    def _visible_text(self, cell: LexborNode) -> str:
        """`_cell_text` of the text no hidden node holds."""
        parts: list[str] = []
        stack = [cell]
        while stack:
            node = stack.pop()
            if node.tag_id == _TEXT:
                parts.append((node.text_content or "").strip())
            elif node is cell or (node.mem_id not in self._hidden and node.tag_id not in _SKIP):
                stack.extend(reversed(list(node.iter(include_text=True))))
        return " ".join("".join(parts).split())

    def _rows(self, table: LexborNode) -> list[LexborNode]:
        """The table's own rows; its caption goes out as the line before them."""
        rows: list[LexborNode] = []
        for child in table.iter():
            tag = child.tag_id
            if tag == _TR:
                rows.append(child)
            elif tag in _ROW_GROUPS:
                rows.extend(tr for tr in child.iter() if tr.tag_id == _TR)
            elif tag == _CAPTION and (caption := clean_cell(child.text(deep=True))):
                self.lines.append(caption)
        return rows


def _cell_text(cell: LexborNode) -> str:
    """Each text node stripped, then joined with nothing: source indentation between `<p>`s and
    `<br>`-split header words rejoin ("商业<br>企业" -> "商业企业"); runs inside a node collapse."""
    return " ".join(cell.text(deep=True, separator="", strip=True).split())


def _cell_of(node: LexborNode) -> LexborNode | None:
    """The nearest td or th holding the node, if any."""
    parent = node.parent
    while parent is not None:
        if parent.tag_id in (_TD, _TH):
            return parent
        parent = parent.parent
    return None


def _tables_holding_tables(root: LexborNode, candidates: list[LexborNode]) -> set[int]:
    """Ids of the tables that contain another table in a cell: layout tables, read as page regions.
    `candidates` are tables the query marked; those inside no cell are not nested."""
    holders: set[int] = set()
    for nested in candidates:
        if _cell_of(nested) is None:  # as `td table` asks: anywhere above, not just under the root
            continue
        node = nested.parent
        while node is not None and node.mem_id != root.mem_id:
            if node.tag_id == _TABLE:
                holders.add(node.mem_id)
            node = node.parent
    return holders


def _hides(style: str | None) -> bool:
    """Whether an inline style hides the element. Python's lower() folds exactly the ASCII case
    that CSS's `i` flag folds, as far as these needles go (no other character lowers into them)."""
    if not style:
        return False
    style = style.lower()
    return "display:none" in style or "display: none" in style


@lru_cache(maxsize=1024)
def _span(value: str | None) -> int:
    """A rowspan/colspan attribute as a count in 1.._MAX_SPAN; junk such as "2px" reads its digits.
    (Cached: a page repeats a handful of values over dozens of spanning cells.)"""
    if not value:
        return 1
    if not value.isdigit():
        digits = _DIGITS.match(value)
        if digits is None:
            return 1
        value = digits.group(1)
    return min(max(int(value), 1), _MAX_SPAN)


def _content_root(tree: LexborHTMLParser, text: str) -> LexborNode:
    """The CMS content container: the most specific selector's match (the longest, if several) that
    holds a table or some text; else the body. A selector whose class or id name does not occur in
    the page source is not queried: a CSS query costs tens of microseconds even when it finds nothing."""
    present: dict[str, bool] = {}  # each scan of the page text costs about as much as a query

    def occurs(needle: str) -> bool:
        if needle not in present:
            present[needle] = all(occurs(part) for part in _NEEDLE_PARTS[needle]) and needle in text
        return present[needle]

    for selector, needle in zip(CONTENT_SELECTORS, _CONTENT_NEEDLES):
        if not occurs(needle):
            continue
        candidates = tree.css(selector)
        if len(candidates) == 1 and candidates[0].css_first("table") is not None:
            return candidates[0]  # the usual page: one container holding the tables; no text to measure
        if candidates:
            length, best = max(((len(node.text(deep=True).strip()), node) for node in candidates),
                               key=lambda candidate: candidate[0])
            if length >= 50 or best.css_first("table") is not None:
                return best
    return tree.body or tree.root


def _metas(tree: LexborHTMLParser) -> dict[str, str]:
    """`<meta name=… content=…>` by lower-cased name, the first of each name."""
    metas: dict[str, str] = {}
    for meta in tree.css("meta[name]"):
        attrs = meta.attributes
        metas.setdefault((attrs.get("name") or "").lower(), attrs.get("content") or "")
    return metas


def _title(tree: LexborHTMLParser, metas: dict[str, str]) -> str | None:
    """The article title: CMS metadata, else a heading naming an annual report, else the page title.

    Headings alone are not trusted first: portals put their own name in an `<h1>` logo.
    """
    if content := clean_cell(metas.get("articletitle", "")):
        return content
    headings = [clean_cell(h.text(deep=True)) for h in tree.css(_TITLE_SELECTORS)]
    page_title = tree.css_first("title")
    segments = _TITLE_SPLIT.split(clean_cell(page_title.text(deep=True))) if page_title is not None else []
    for candidate in (*headings, *segments):
        if len(candidate) <= 100 and any(marker in candidate for marker in REPORT_TITLE_MARKERS):
            return candidate
    return next((text for text in (*headings[:1], *segments[:1]) if text), None)


def _published_on(tree: LexborHTMLParser, metas: dict[str, str]) -> str | None:
    for name in _PUBDATE_META:
        if name in metas and (found := _iso(_BARE_DATE.search(metas[name]))):
            return found
    root = tree.body or tree.root
    page_text = root.text(deep=True) if root is not None else ""
    for pattern in _DATE_LABELS:
        if found := _iso(pattern.search(page_text)):
            return found
    return None


def _iso(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def _attachments(tree: LexborHTMLParser, source: str) -> list[Attachment]:
    base_node = tree.css_first("base[href]")
    base = source
    if base_node is not None:
        try:
            base = urljoin(source, base_node.attributes.get("href") or "")
        except ValueError:
            pass
    found: dict[str, Attachment] = {}
    for node in tree.css(_ATTACHMENT_SELECTOR):
        attrs = node.attributes
        link = attrs.get("href") or attrs.get("src") or attrs.get("data") or ""
        text = clean_cell(node.text(deep=True))
        try:
            target = _attachment_target(link.strip(), text)
            url = urljoin(base, target) if target is not None else None
        except ValueError:  # a malformed URL (e.g. a broken IPv6 host) is not a link we can follow
            continue
        if url is None:
            continue
        if url not in found:
            label = text or attrs.get("title") or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            found[url] = Attachment(url=url, text=label)
    return list(found.values())


def _attachment_target(link: str, text: str = "") -> str | None:
    """The document a link points at: the link itself, or the `file=` of a pdf.js viewer link; a
    link whose address names no file is one when its text does (附件1：年报.pdf)."""
    if not link or link.startswith(("javascript:", "mailto:", "#")):
        return None
    parts = urlsplit(link)
    if parts.path.lower().endswith(ATTACHMENT_EXTENSIONS):
        return link
    for key, value in parse_qsl(parts.query):
        if not value.lower().split("#")[0].endswith(ATTACHMENT_EXTENSIONS):
            continue
        if key.lower() == "file" and "viewer" in parts.path.lower():
            return value
        return link
    return link if _FILE_NAME.search(text) else None
