"""The report as a text-layer PDF (reportlab), tables drawn as ruled cells at fixed positions.

Uses the built-in CID font STSong-Light, so no font file ships with the project and pdfminer maps
its glyphs back to Unicode through the Adobe-GB1 CMaps it bundles. Two writers:
- `render_pdf`, an office export (Word, WPS): cells are stroked rectangles, one per merged cell,
  and a table never runs over a page break;
- `render_printed_page`, a portal's detail page printed by a browser (Chromium `--print-to-pdf`,
  A4): the site's menus and breadcrumbs on page one and its footer after the report, a CSS
  border as a thin filled rectangle per cell edge, tables broken between rows over pages (the
  row opening a page has no top border: the shared border was drawn on the page before; a
  `<thead>` header repeated or not), and the radicals a browser's text layer writes for some
  characters (民 as ⺠).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from pipeline.extract.pdf import RADICAL_IDEOGRAPHS
from pipeline.render.report import Cell, Paragraph, ReportDoc, Table
from pipeline.render.text import table_positions

FONT = "STSong-Light"
_MARGIN = 50.0
_PAGE_W, _PAGE_H = A4
_USABLE = _PAGE_W - 2 * _MARGIN
_SIZES = {"title": 15.0, "heading": 10.5, "body": 10.5, "signature": 10.5}
# Column widths per template table width; label columns wide, count columns narrow.
_COLUMNS = {4: [135.0, 120.0, 120.0, 120.0], 10: [58.0, 72.0, 155.0] + [30.0] * 7}

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@dataclass(frozen=True)
class _CellStyle:
    size: float  # font size of cell text
    leading: float  # baseline to baseline
    pad: float  # above, below and beside the text


_OFFICE_CELLS = _CellStyle(7.0, 9.0, 2.5)
_BROWSER_CELLS = _CellStyle(9.0, 13.0, 8.0)  # a portal's table cells: a larger font, padded rows


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy line breaking by measured width, character by character (CJK has no word spaces)."""
    lines: list[str] = []
    for part in text.split("\n"):
        line = ""
        for char in part:
            if line and pdfmetrics.stringWidth(line + char, FONT, size) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def _layout(table: Table, style: _CellStyle) -> tuple[list[float], list[tuple[int, int, Cell, list[str]]], list[float]]:
    """Column lefts, each cell with its grid position and wrapped lines, and row heights (a row
    grows to fit the tallest cell ending in it)."""
    widths = _COLUMNS.get(table.width) or [_USABLE / table.width] * table.width
    lefts = [_MARGIN + sum(widths[:c]) for c in range(table.width + 1)]
    positions = table_positions(table)
    placed = [(r, c, cell, wrap(cell.text, lefts[c + cell.colspan] - lefts[c] - 2 * style.pad, style.size))
              for r, row in enumerate(positions) for c, cell in enumerate(row) if cell is not None]
    heights = [style.leading + 2 * style.pad] * len(positions)
    for r, _, cell, lines in sorted(placed, key=lambda p: p[2].rowspan):
        needed = len(lines) * style.leading + 2 * style.pad
        spanned = sum(heights[r:r + cell.rowspan])
        if needed > spanned:
            heights[r + cell.rowspan - 1] += needed - spanned
    return lefts, placed, heights


def _line_x(kind: str, width: float, indent: float) -> float:
    """Where a paragraph's line starts: titles centred, signatures flush right, the rest at the margin."""
    if kind == "title":
        return (_PAGE_W - width) / 2
    if kind == "signature":
        return _PAGE_W - _MARGIN - width
    return _MARGIN + indent


class _Writer:
    """An office export: a paragraph indented by two ideographic spaces, a table on one page."""

    cell_style = _OFFICE_CELLS

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, invariant=True)
        self.y = _PAGE_H - _MARGIN

    def ensure(self, height: float) -> None:
        if self.y - height < _MARGIN:
            self.canvas.showPage()
            self.y = _PAGE_H - _MARGIN

    def text(self, x: float, y: float, line: str) -> None:
        """One line of text in the canvas's current font."""
        self.canvas.drawString(x, y, line)

    def paragraph(self, block: Paragraph) -> None:
        size = _SIZES[block.kind]
        indent = "\u3000\u3000" if block.kind in ("body", "heading") else ""  # Chinese paragraph indent
        for line in wrap(indent + block.text, _USABLE, size):
            self.ensure(size * 1.6)
            self.y -= size * 1.6
            self.canvas.setFont(FONT, size)
            self.text(_line_x(block.kind, pdfmetrics.stringWidth(line, FONT, size), 0.0), self.y, line)

    def table(self, table: Table, ruled: bool) -> None:
        lefts, placed, heights = _layout(table, self.cell_style)
        self.y -= 4.0
        self.ensure(sum(heights))
        tops = [self.y - sum(heights[:r]) for r in range(len(heights) + 1)]
        self.canvas.setLineWidth(0.5)
        self.canvas.setFont(FONT, self.cell_style.size)
        for r, c, cell, lines in placed:
            left, right = lefts[c], lefts[c + cell.colspan]
            top, bottom = tops[r], tops[r + cell.rowspan]
            if ruled:
                self.canvas.rect(left, bottom, right - left, top - bottom, stroke=1, fill=0)
            self.cell_text(lines, left, right, top, bottom)
        self.y = tops[-1] - 4.0

    def cell_text(self, lines: list[str], left: float, right: float, top: float, bottom: float) -> None:
        """A cell's lines centred in its box."""
        size, leading = self.cell_style.size, self.cell_style.leading
        baseline = (top + bottom) / 2 + (len(lines) * leading) / 2 - size
        for line in lines:
            self.text((left + right - pdfmetrics.stringWidth(line, FONT, size)) / 2, baseline, line)
            baseline -= leading

    def finish(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()


def render_pdf(report: ReportDoc, ruled: bool = True) -> bytes:
    """A4 pages; `ruled=False` draws tables without borders, as some exports do, so readers must
    fall back on positions alone."""
    writer = _Writer()
    writer.canvas.setTitle(report.title)
    for block in report.blocks:
        if isinstance(block, Table):
            writer.table(block, ruled)
        else:
            writer.paragraph(block)
    return writer.finish()


_RULE = 0.75  # points: a 1px CSS border as Chromium prints it, a filled rectangle this thick
_CHROME_SIZE = 9.0
_BROWSER_GLYPHS = str.maketrans({ideograph: radical for radical, ideograph in RADICAL_IDEOGRAPHS.items()})


# Page one's chrome, as a TRS-style portal's detail page prints it: a line each, or a list of menu
# items set apart by wide gaps on one line; then the breadcrumb's last steps and the title.
_SITE_MENUS: list[str | list[str]] = [
    "国务院 省政府 省人大 省政协", "移动版", "登录 注册", "首页", "政务公开", "解读回应", "办事服务", "互动交流",
    ["请输入搜索内容", "搜索"], ["政府信息公开", "领导之窗", "政府机构", "政策文件库", "政府工作报告", "公示公告", "统计信息"],
    "长者模式 退出长者模式 无障碍浏览", "政府信息公开", "当前位置：", "首页", "政务公开", "政府信息公开"]


def _article_info(agency: str, published_on: str | None) -> list[str | list[str]]:
    """The lines under the title: source and time, share buttons, version links."""
    info = f"来源：{agency}" + (f" 时间：{published_on} 16:07" if published_on else "")
    return [info, "微信 微博 QQ空间", "全真版", "文字版", "文件下载", "相关链接："]


def _site_footer(agency: str) -> list[str | list[str]]:
    return ["附件下载", "扫一扫在手机上查看当前页面", "关闭", "友情链接", "中国政府网", "人民网", "新华网",
            ["使用帮助", "联系我们", "隐私保护", "关于我们"], f"版权所有：{agency}", "网站标识码：3500000001 备案号：ICP备00000001号"]


def _header_rows(table: Table) -> int:
    """How many rows a page's `<thead>` would hold: the leading rows of header cells, when they
    form a multi-level header (a cell spanning rows), as sections 三 and 四 print; 0 otherwise."""
    count = 0
    while count < len(table.rows) - 1 and all(cell.header for cell in table.rows[count]):
        count += 1
    return count if any(cell.rowspan > 1 for row in table.rows[:count] for cell in row) else 0


class _PrintedWriter(_Writer):
    """A browser printing a portal page: the report between the site's chrome, tables split
    between rows at page breaks."""

    cell_style = _BROWSER_CELLS

    def __init__(self, repeat_header: bool) -> None:
        super().__init__()
        self.repeat_header = repeat_header

    def text(self, x: float, y: float, line: str) -> None:
        super().text(x, y, line.translate(_BROWSER_GLYPHS))

    def chrome(self, lines: list[str | list[str]]) -> None:
        for line in lines:
            self.ensure(_CHROME_SIZE * 1.8)
            self.y -= _CHROME_SIZE * 1.8
            x = _MARGIN
            self.canvas.setFont(FONT, _CHROME_SIZE)
            for item in [line] if isinstance(line, str) else line:
                self.text(x, self.y, item)
                x += pdfmetrics.stringWidth(item, FONT, _CHROME_SIZE) + 4 * _CHROME_SIZE

    def paragraph(self, block: Paragraph) -> None:
        """A CSS `text-indent:2em` paragraph: the first line starts two characters in (a position,
        not characters), the lines after it at the margin."""
        size = _SIZES[block.kind]
        indent = 2 * size if block.kind in ("body", "heading") else 0.0
        first, *_ = wrap(block.text, _USABLE - indent, size)
        lines = [first, *(wrap(block.text[len(first):], _USABLE, size) if block.text[len(first):] else [])]
        for number, line in enumerate(lines):
            self.ensure(size * 1.6)
            self.y -= size * 1.6
            x = _line_x(block.kind, pdfmetrics.stringWidth(line, FONT, size), indent if number == 0 else 0.0)
            self.canvas.setFont(FONT, size)
            self.text(x, self.y, line)

    def rule(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """One border edge, horizontal (y0 == y1) or vertical (x0 == x1), as a filled rectangle."""
        self.canvas.rect(x0 - _RULE / 2, y0 - _RULE / 2, x1 - x0 + _RULE, y1 - y0 + _RULE, stroke=0, fill=1)

    def table(self, table: Table, ruled: bool) -> None:
        """Rows placed down the page, a page break before a row that does not fit (Chromium breaks
        between rows, never inside one); a cell spanning rows over a break is drawn in pieces, one
        per page, its text in the first piece and flowing on into the next where it does not fit."""
        lefts, placed, heights = _layout(table, self.cell_style)
        head = _header_rows(table) if self.repeat_header else 0
        self.y -= 4.0
        self.ensure(sum(heights[: head + 1]))
        at: list[tuple[int, float]] = []  # each row's page (0: this one) and top
        page, y = 0, self.y
        for r, height in enumerate(heights):
            if r > head and y - height < _MARGIN:
                page, y = page + 1, _PAGE_H - _MARGIN - sum(heights[:head])
            at.append((page, y))
            y -= height
        header = [(0, _PAGE_H - _MARGIN - sum(heights[:r])) for r in range(head)]
        for number in range(page + 1):
            if number:
                self.canvas.showPage()
                if head:  # the <thead> again, whole
                    self.cells(lefts, heights, [p for p in placed if p[0] < head], header, 0)
            self.cells(lefts, heights, placed, at, number)
        self.y = y - 4.0

    def cells(self, lefts: list[float], heights: list[float], placed: list[tuple[int, int, Cell, list[str]]],
              at: list[tuple[int, float]], page: int) -> None:
        """The pieces on `page` of the cells `placed`, their rows at `at` (page, top). A row opening
        a page after a break, with no header above it, has no top border."""
        self.canvas.setFillGray(0)
        self.canvas.setFont(FONT, self.cell_style.size)
        leading, pad = self.cell_style.leading, self.cell_style.pad
        for r, c, cell, lines in placed:
            rows = [row for row in range(r, r + cell.rowspan) if row < len(at) and at[row][0] == page]
            if not rows:
                continue
            left, right = lefts[c], lefts[c + cell.colspan]
            top, bottom = at[rows[0]][1], at[rows[-1]][1] - heights[rows[-1]]
            self.rule(left, bottom, left, top)
            self.rule(right, bottom, right, top)
            opens_page = rows[0] > 0 and at[rows[0] - 1][0] != page
            if rows[0] == r and not opens_page:
                self.rule(left, top, right, top)
            if rows[-1] == r + cell.rowspan - 1:
                self.rule(left, bottom, right, bottom)
            pieces = _pieces(at, heights, r, cell.rowspan)
            if len(pieces) == 1 or len(lines) * leading <= pieces[0][1] - pieces[0][2] - 2 * pad:
                if rows[0] == r:
                    self.cell_text(lines, left, right, top, bottom)
                continue
            for line, (line_page, baseline) in zip(lines, _flowed(pieces, len(lines), leading, pad, self.cell_style.size)):
                if line_page == page:
                    width = pdfmetrics.stringWidth(line, FONT, self.cell_style.size)
                    self.text((left + right - width) / 2, baseline, line)


def _pieces(at: list[tuple[int, float]], heights: list[float], first: int, rowspan: int) -> list[tuple[int, float, float]]:
    """(page, top, bottom) of each page's piece of a cell spanning `rowspan` rows from `first`."""
    pieces: list[tuple[int, float, float]] = []
    for row in range(first, first + rowspan):
        page, top = at[row]
        if pieces and pieces[-1][0] == page:
            pieces[-1] = (page, pieces[-1][1], top - heights[row])
        else:
            pieces.append((page, top, top - heights[row]))
    return pieces


def _flowed(pieces: list[tuple[int, float, float]], count: int, leading: float, pad: float,
            size: float) -> list[tuple[int, float]]:
    """(page, baseline) of each of `count` lines flowing from the top of the first piece into the
    next where a piece is full."""
    placed: list[tuple[int, float]] = []
    index = 0
    page, top, bottom = pieces[0]
    y = top - pad
    for _ in range(count):
        while y - leading < bottom + pad and index + 1 < len(pieces):
            index += 1
            page, top, bottom = pieces[index]
            y = top - pad
        placed.append((page, y - size))
        y -= leading
    return placed


def render_printed_page(report: ReportDoc, agency: str, published_on: str | None, repeat_header: bool = False) -> bytes:
    """The report's portal page printed to PDF by a browser; `repeat_header` as for a table whose
    header rows are a `<thead>`, which the browser repeats on every page the table runs onto."""
    writer = _PrintedWriter(repeat_header)
    writer.canvas.setTitle(f"{report.title}_政府信息公开")
    writer.chrome([*_SITE_MENUS, agency, "政府信息公开年报"])
    for block in report.blocks:
        if isinstance(block, Table):
            writer.table(block, True)
        else:
            writer.paragraph(block)
            if block.kind == "title":
                writer.chrome(_article_info(agency, published_on))
    writer.chrome(_site_footer(agency))
    return writer.finish()
