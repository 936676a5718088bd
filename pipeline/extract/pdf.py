"""Text-layer PDFs to `Document`: characters by position, tables from their ruling lines.

A PDF has no tables, only glyphs and strokes at coordinates. Report PDFs come from Word or WPS,
which stroke every cell border, so the ruling lines give the grid exactly, merged cells included
(a missing border between two grid cells means they are one cell). Text outside the rulings is
clustered into lines by baseline; words set apart by wide gaps there are cells of an unruled
table, kept as " | "-joined text. pdfminer runs without its layout analysis
(`laparams=None`), which is the slow part and which we replace by the clustering below.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.contract import PAGE_NUMBER_PATTERN
from pipeline.errors import ExtractError
from pipeline.extract.document import Document, Grid, title_line
from pipeline.extract.grid import clean_cell, row_line
from pipeline.extract.lines import join_continued
from pipeline.extract.pdf_limits import InflationLimit, inflation_budget, install

# pdfminer warns about damaged fonts through logging; without a handler Python prints those to
# stderr. A NullHandler (the library convention) keeps them off the CLI while still propagating
# to whatever handlers the application configures.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

_TOL = 1.5  # points: coordinates closer than this are the same ruling
_MAX_PAGES = 300
_SLIVER = 4.0  # points: a grid column narrower than this holds no text
_PAGE_NUMBER = re.compile(PAGE_NUMBER_PATTERN)
# Radicals that are also whole characters, each with the ideograph it looks like. A CJK font maps
# both code points to one glyph, and browsers (Chromium's print to PDF) write the glyph's
# ToUnicode entry as the lowest of them: 行 comes out as KANGXI RADICAL WALK ENCLOSURE (U+2F8F),
# 民 as CJK RADICAL CIVILIAN (U+2EA0). Kangxi radicals fold back under NFKC; the supplement's do
# not, so those are listed (Unicode's EquivalentUnifiedIdeograph.txt, the simplified forms
# that print as characters of their own).
RADICAL_IDEOGRAPHS: dict[str, str] = dict(zip(
    "⺌⺜⺝⺟⺠⺩⺬⻄⻅⻆⻉⻋⻑⻓⻔⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
    "小日月母民王示西见角贝车長长门青韦页风飞食马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟", strict=True))
_RADICALS = str.maketrans(RADICAL_IDEOGRAPHS)


@dataclass
class _Char:
    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def _ideographs(text: str) -> str:
    """A glyph's text with radicals standing for whole characters mapped to those characters."""
    if not any("\u2e80" <= char <= "\u2fdf" for char in text):
        return text
    text = text.translate(_RADICALS)
    return "".join(unicodedata.normalize("NFKC", char) if "\u2f00" <= char <= "\u2fdf" else char for char in text)


@dataclass
class _Page:
    chars: list[_Char] = field(default_factory=list)
    horizontal: list[tuple[float, float, float]] = field(default_factory=list)  # (y, x0, x1)
    vertical: list[tuple[float, float, float]] = field(default_factory=list)  # (x, y0, y1)
    width: float = 0.0


@dataclass
class _Table:
    top: float
    xs: list[float]  # column boundaries, left to right
    grid: Grid
    ys: list[float] = field(default_factory=list)  # row boundaries, top to bottom
    ids: list[list[int]] = field(default_factory=list)  # merged-cell id of each elementary cell
    top_rule: list[tuple[float, float]] = field(default_factory=list)  # x spans ruled along the top boundary
    bottom_rule: list[tuple[float, float]] = field(default_factory=list)  # and along the bottom one


@dataclass
class _Joined:
    """A table as joined so far over page breaks: its grid on its columns, and its last part
    (`tail`, from grid row `offset` on), where a cell that runs on over the next break is."""

    grid: Grid
    xs: list[float]
    tail: _Table
    offset: int = 0


def read_pdf(data: bytes, source: str) -> Document:
    """Lines and ruled tables of every page in reading order; a table running over a page break is
    one grid (same column boundaries, nothing but page numbers in between)."""
    pages = _pages(data)
    glyphs = [char.text for page in pages for char in page.chars if char.text.strip()]
    if not glyphs or sum(glyph.startswith("(cid:") for glyph in glyphs) * 2 > len(glyphs):
        from pipeline.extract.ocr import read_scanned_pdf  # no text to read: the page images are

        return read_scanned_pdf(data, source, "PDF has no text layer (scanned image)" if not glyphs
                                else "PDF text has no Unicode mapping (glyph ids only)")
    from pipeline.extract.ocr import image_pages  # pages without text among typed ones: scanned pages

    scanned = image_pages(data, [number for number, page in enumerate(pages) if not page.chars])
    lines: list[str] = []
    tables: list[Grid] = []
    joined: _Joined | None = None
    for number, page in enumerate(pages):
        for _, item in _without_page_numbers(scanned.get(number) or _page_items(page)):  # type: ignore[arg-type]
            if isinstance(item, str):
                lines.append(item)
                joined = None
                continue
            rows = item.grid
            if joined is not None and (columns := _joint_columns(joined.xs, item.xs)) is not None:
                # a table continued from the previous page, on the boundaries of the part that has them all
                joined.grid[:] = _widened(joined.grid, joined.xs, columns)
                joined.xs = columns
                rows = _widened(item.grid, item.xs, columns)
                _carry_over(joined, item, rows)
                joined.tail, joined.offset = item, len(joined.grid)
                joined.grid.extend(rows)
            else:
                tables.append(item.grid)
                joined = _Joined(item.grid, item.xs, item)
            lines.extend(row_line(row) for row in rows)
    return Document(source=source, source_format="pdf+ocr" if any(scanned.values()) else "pdf", text="\n".join(lines),
                    tables=tables, title=title_line(lines))


def _without_page_numbers(items: list[tuple[float, str | _Table]]) -> list[tuple[float, str | _Table]]:
    """The page's items without a page number as its first or last line, which would split a table
    running over pages. Only there: a bare number inside the page is content, such as the half of
    a number that wrapped in a borderless table's cell onto a line of its own."""
    def furniture(item: tuple[float, str | _Table]) -> bool:
        return isinstance(item[1], str) and _PAGE_NUMBER.match(item[1]) is not None

    start = 1 if items and furniture(items[0]) else 0
    end = len(items) - 1 if len(items) > start and furniture(items[-1]) else len(items)
    return items[start:end]


def _pages(data: bytes) -> list[_Page]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTCurve, LTFigure, LTLine, LTRect
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    pages: list[_Page] = []

    def collect(items: Iterable[object], page: _Page, frame: tuple[float, float]) -> None:
        for item in items:
            if isinstance(item, LTChar):
                page.chars.append(_Char(_ideographs(item.get_text()), item.x0, item.x1, item.y0, item.y1, item.size))
            elif isinstance(item, (LTRect, LTLine)) or (isinstance(item, LTCurve) and len(item.pts) == 2):
                if item.width < frame[0] or item.height < frame[1]:  # a page border would swallow all text
                    boxed = isinstance(item, LTRect) and not _white_area(item)
                    _add_edges(page, item.x0, item.y0, item.x1, item.y1, boxed)
            elif isinstance(item, LTFigure):
                collect(item, page, frame)

    install()
    try:
        with inflation_budget():
            for number, pdf_page in enumerate(PDFPage.get_pages(io.BytesIO(data))):
                if number >= _MAX_PAGES:
                    break
                interpreter.process_page(pdf_page)
                layout = device.get_result()
                page = _Page(width=layout.width)
                collect(layout, page, (0.8 * layout.width, 0.8 * layout.height))
                pages.append(page)
    except PDFEncryptionError:
        raise ExtractError("encrypted_pdf", "the PDF is encrypted with a password") from None
    except InflationLimit as error:
        raise ExtractError("corrupt_pdf", f"the PDF cannot be read: {error}") from None
    except Exception as error:  # pdfminer on damaged input raises anything from PSException to struct.error
        raise ExtractError("corrupt_pdf", f"the PDF cannot be read ({type(error).__name__})") from None
    if not pages:
        raise ExtractError("corrupt_pdf", "the PDF has no pages")
    return pages


def _white_area(shape: object) -> bool:
    """A shape only filled, in white: a paragraph's background (WPS puts one behind every line of
    text), whose edges are no rulings because nothing shows them on the page."""
    if getattr(shape, "stroke", False) or not getattr(shape, "fill", False):
        return False
    color = getattr(shape, "non_stroking_color", None)
    values = list(color) if isinstance(color, (list, tuple)) else [color]
    if len(values) == 4:  # CMYK: white is no ink
        return all(isinstance(v, (int, float)) and v == 0 for v in values)
    return all(isinstance(v, (int, float)) and v == 1 for v in values)


def _add_edges(page: _Page, x0: float, y0: float, x1: float, y1: float, is_rect: bool) -> None:
    """A thin shape is one ruling; a rectangle (a stroked cell box) contributes its four sides."""
    if y1 - y0 <= 2 * _TOL and x1 - x0 > _TOL:
        page.horizontal.append(((y0 + y1) / 2, x0, x1))
    elif x1 - x0 <= 2 * _TOL and y1 - y0 > _TOL:
        page.vertical.append(((x0 + x1) / 2, y0, y1))
    elif is_rect:
        page.horizontal.extend(((y0, x0, x1), (y1, x0, x1)))
        page.vertical.extend(((x0, y0, y1), (x1, y0, y1)))


def _cluster(values: Iterable[float]) -> list[float]:
    """Sorted distinct coordinates, merging those within the tolerance."""
    result: list[float] = []
    for value in sorted(values):
        if not result or value - result[-1] > _TOL:
            result.append(value)
    return result


def _merged_intervals(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + _TOL:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _covers(intervals: list[tuple[float, float]], point: float) -> bool:
    return any(start - _TOL <= point <= end + _TOL for start, end in intervals)


def _ruled_tables(page: _Page) -> list[_Table]:
    """Each block of connected rulings as a table frame: boundaries and the merged-cell id of each grid cell."""
    found = []
    spans = [(y0, y1) for _, y0, y1 in page.vertical] + [(y, y) for y, _, _ in page.horizontal]
    for bottom, top in _merged_intervals(spans):
        horizontal = [h for h in page.horizontal if bottom - _TOL <= h[0] <= top + _TOL]
        vertical = [v for v in page.vertical if v[1] >= bottom - _TOL and v[2] <= top + _TOL]
        xs = _cluster(v[0] for v in vertical)
        ys = _open_ends(_cluster(h[0] for h in horizontal)[::-1], vertical)  # top to bottom
        if len(xs) < 2 or len(ys) < 2:
            continue
        v_at = {i: _merged_intervals((v[1], v[2]) for v in vertical if abs(v[0] - x) <= _TOL) for i, x in enumerate(xs)}
        h_at = {i: _merged_intervals((h[1], h[2]) for h in horizontal if abs(h[0] - y) <= _TOL) for i, y in enumerate(ys)}
        n_rows, n_cols = len(ys) - 1, len(xs) - 1
        parent = list(range(n_rows * n_cols))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for r in range(n_rows):
            middle_y = (ys[r] + ys[r + 1]) / 2
            for c in range(n_cols):
                if c > 0 and not _covers(v_at[c], middle_y):
                    parent[find(r * n_cols + c)] = find(r * n_cols + c - 1)
                if r > 0 and not _covers(h_at[r], (xs[c] + xs[c + 1]) / 2):
                    parent[find(r * n_cols + c)] = find((r - 1) * n_cols + c)
        ids = [[find(r * n_cols + c) for c in range(n_cols)] for r in range(n_rows)]
        xs, ids = _without_slivers(xs, ids)
        found.append(_Table(ys[0], xs, [], ys, ids, h_at[0], h_at[len(ys) - 1]))
    return found


def _without_slivers(xs: list[float], ids: list[list[int]]) -> tuple[list[float], list[list[int]]]:
    """Column boundaries and cell ids without columns too narrow to hold a character.

    WPS strokes each cell's own borders, and where one row's cells end a point or two from the
    next row's, the two borders are two column boundaries: a sliver column, empty in every row,
    that would give the rows one column more than the template has. The sliver joins the column
    on its left (the first column joins the one on its right)."""
    keep = [c for c in range(len(xs) - 1) if xs[c + 1] - xs[c] >= _SLIVER]
    if len(keep) == len(xs) - 1 or not keep:
        return xs, ids
    bounds = [xs[0]] + [xs[c] for c in keep[1:]] + [xs[-1]]
    return bounds, [[row[c] for c in keep] for row in ids]


def _open_ends(ys: list[float], vertical: list[tuple[float, float, float]]) -> list[float]:
    """Row boundaries, top to bottom, closed where the column rulings run past the first or last
    horizontal one. A browser printing a table over a page break draws a row's shared border
    once, on the page before the break, so the row that opens the next page has side rulings and
    no top: without the rulings' ends as its top boundary that row would fall outside the table."""
    if not ys or not vertical:
        return ys
    top, bottom = max(v[2] for v in vertical), min(v[1] for v in vertical)
    return ([top] if top > ys[0] + 2 * _TOL else []) + ys + ([bottom] if bottom < ys[-1] - 2 * _TOL else [])


def _line_text(chars: list[_Char]) -> str:
    """Characters of one line left to right, a space where a visible gap separates words."""
    chars.sort(key=lambda ch: ch.x0)
    parts: list[str] = []
    previous: _Char | None = None
    for char in chars:
        if previous is not None and char.x0 - previous.x1 > 0.6 * char.size and parts[-1] != " ":
            parts.append(" ")
        parts.append(char.text)
        previous = char
    return "".join(parts)


def _lines(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into lines by baseline, top line first."""
    lines: list[list[_Char]] = []
    baseline = None
    for char in sorted(chars, key=lambda ch: -ch.y0):
        if baseline is None or baseline - char.y0 > 0.4 * char.size:
            lines.append([])
            baseline = char.y0
        lines[-1].append(char)
    return lines


def _cell_text(chars: list[_Char]) -> str:
    """A cell's wrapped lines joined with nothing, as `<br>` in an HTML cell is."""
    return clean_cell("".join(_line_text(line) for line in _lines(chars)))


def _fill(table: _Table, chars: list[_Char]) -> None:
    """Each merged cell's text at its top-left grid position, None on the rest of it."""
    ids = table.ids
    n_rows, n_cols = len(ids), len(ids[0])
    ys_down = [-y for y in table.ys]
    by_cell: dict[int, list[_Char]] = {}
    for char in chars:
        c = bisect_right(table.xs, char.cx) - 1
        r = bisect_right(ys_down, -char.cy) - 1
        if 0 <= r < n_rows and 0 <= c < n_cols:
            by_cell.setdefault(ids[r][c], []).append(char)
    seen: set[int] = set()
    for r in range(n_rows):
        row: list[str | None] = []
        for c in range(n_cols):
            cell = ids[r][c]
            if cell in seen:
                row.append(None)
            else:
                seen.add(cell)
                row.append(_cell_text(by_cell.get(cell, [])))
        table.grid.append(row)


def _gap_groups(line: list[_Char]) -> list[list[_Char]]:
    """An unruled line's characters split at gaps wider than two characters; the line is left
    sorted left to right (its first and last characters are its ends)."""
    line.sort(key=lambda ch: ch.x0)
    groups: list[list[_Char]] = [[]]
    for char in line:
        if groups[-1] and char.x0 - groups[-1][-1].x1 > 2 * char.size:
            groups.append([])
        groups[-1].append(char)
    return groups


def _gap_cells(line: list[_Char]) -> list[str]:
    """An unruled line split into cells at gaps wider than two characters."""
    return [clean_cell(_line_text(cell)) for cell in _gap_groups(line)]


_NUMBER_PIECE = re.compile(r"[\d,，０-９]+")


def _join_wrapped_numbers(lines: list[list[_Char]]) -> list[list[_Char]]:
    """Numbers that wrapped inside their column of an unruled table, put back in their row.

    A row's one-line cells are centred on it, so a number wrapped over two lines prints its first
    part half a line above the row and the rest half a line below, in a column the row leaves
    empty ("1673" / row / "5"). Lines holding only such pieces, closer to the row than rows ever
    are to each other, and pairing up column by column around the row's empty columns, are joined
    into it; anything less sure is left as it is (the parser then reports the row, never guesses).
    """
    joined: list[list[_Char]] = []
    index = 0
    while index < len(lines):
        if 0 < index < len(lines) - 1 and (merged := _wrapped_row(*lines[index - 1 : index + 2])) is not None:
            joined[-1] = merged  # the line above was the first halves
            index += 2  # the line below held the second halves
            continue
        joined.append(lines[index])
        index += 1
    return joined


def _wrapped_row(above: list[_Char], row: list[_Char], below: list[_Char]) -> list[_Char] | None:
    """`row` with the numbers whose halves are `above` and `below` it, or None where they are not that."""
    size = max(ch.size for ch in row)
    if not (above[0].y0 - row[0].y0 < 0.9 * size and row[0].y0 - below[0].y0 < 0.9 * size):
        return None
    tops, bottoms = _pieces(above), _pieces(below)
    if tops is None or bottoms is None or len(tops) != len(bottoms):
        return None
    merged = list(row)
    for top, bottom in zip(tops, bottoms):
        x0, x1 = min(top[0].x0, bottom[0].x0), max(top[-1].x1, bottom[-1].x1)
        centre_gap = abs((top[0].x0 + top[-1].x1) / 2 - (bottom[0].x0 + bottom[-1].x1) / 2)
        if centre_gap > 2 * size or any(ch.x1 > x0 and ch.x0 < x1 for ch in row):
            return None  # not one column's halves, or the row has text in that column
        text = "".join(ch.text for ch in top) + "".join(ch.text for ch in bottom)
        merged.append(_Char(text, x0, x1, row[0].y0, row[0].y1, top[0].size))
    return merged


def _pieces(line: list[_Char]) -> list[list[_Char]] | None:
    """A line's gap-separated groups of characters, when every group is digits and separators."""
    groups = _gap_groups(line)
    if all(_NUMBER_PIECE.fullmatch("".join(ch.text for ch in group).strip()) for group in groups):
        return groups
    return None


def _page_items(page: _Page) -> list[tuple[float, str | _Table]]:
    """The page's text lines and ruled tables, top to bottom, a paragraph's wrapped lines rejoined.

    A line continues the previous one when that one ran from the left margin (or an indent) to the
    right edge of the text area (`_text_edges`) and this one starts at the left margin without
    indent: the PDF writer wrapped it, the author did not. Outside the rulings, words set apart
    by wide gaps are cells of an unruled table: they become one text line
    of " | "-joined cells, not a grid, because without rulings a wrapped label or a label centred
    across rows cannot be placed for sure; the parser's cell-sequence reading handles such lines.
    """
    items: list[tuple[float, str | _Table, bool]] = []
    free = page.chars
    for table in _ruled_tables(page):
        x0, x1, bottom, top = table.xs[0], table.xs[-1], table.ys[-1], table.ys[0]
        inside = [ch for ch in free if x0 <= ch.cx <= x1 and bottom <= ch.cy <= top]
        free = [ch for ch in free if not (x0 <= ch.cx <= x1 and bottom <= ch.cy <= top)]
        _fill(table, inside)
        items.append((table.top, table, False))
    lines = _join_wrapped_numbers(_lines(free))
    left, right = _text_edges(lines)
    prose = right - left >= 0.5 * page.width  # lines this short are no wrapped paragraph's
    previous_full = False
    for line in lines:
        top = max(ch.y1 for ch in line)
        cells = _gap_cells(line)
        if len(cells) > 1:
            items.append((top, " | ".join(cells), False))
            previous_full = False
            continue
        text = cells[0]
        if text:
            size = line[0].size
            start = next((ch.x0 for ch in line if ch.text.strip()), line[0].x0)  # an indent may be drawn spaces
            items.append((top, text, previous_full and start <= left + 0.5 * size))
            # a full line spans the text area: from its margin (or a paragraph's indent) to its edge
            previous_full = (prose and left - size <= line[0].x0 <= left + 2.5 * size
                             and right - 1.5 * size <= line[-1].x1 <= right + size)
    items.sort(key=lambda item: -item[0])
    return join_continued(items)


def _text_edges(lines: list[list[_Char]]) -> tuple[float, float]:
    """Left and right edges of the page's text area: the outermost line start and line end that
    two lines share within a character (a paragraph's wrapped lines all reach them), so that one
    wider line of page chrome, a portal's menu bar printed with the page, does not move them; the
    outermost of all where no two lines share one."""
    if not lines:
        return 0.0, 0.0
    tolerance = sorted(line[0].size for line in lines)[len(lines) // 2]
    starts = _shared(sorted(min(ch.x0 for ch in line) for line in lines), tolerance)
    ends = _shared(sorted(max(ch.x1 for ch in line) for line in lines), tolerance)
    return starts[0], ends[-1]


def _shared(values: list[float], tolerance: float) -> list[float]:
    """The sorted values that have another within `tolerance`; all of them when none has."""
    shared = [v for i, v in enumerate(values)
              if (i and v - values[i - 1] <= tolerance) or (i + 1 < len(values) and values[i + 1] - v <= tolerance)]
    return shared or values


def _joint_columns(a: list[float], b: list[float]) -> list[float] | None:
    """The column boundaries of one table printed in two parts: the same outer edges, and one
    part's boundaries all among the other's (a page whose rows all span a boundary, such as the
    rows of section 三 whose labels span the label columns, has no ruling there); None when the
    parts are not one table."""
    if len(a) < 2 or len(b) < 2 or abs(a[0] - b[0]) > _TOL or abs(a[-1] - b[-1]) > _TOL:
        return None
    return a if _among(b, a) else b if _among(a, b) else None


def _among(inner: list[float], outer: list[float]) -> bool:
    """Every boundary of `inner` is one of `outer`'s."""
    return all(any(abs(x - y) <= _TOL for y in outer) for x in inner)


def _carry_over(joined: _Joined, part: _Table, rows: Grid) -> None:
    """The text a browser flowed on from a cell broken over the page break, put back in that cell.

    A cell spanning rows across the break is drawn on both pages without a border between its
    pieces: no ruling under the last row of the part before, none above the first row of `part`
    (`rows`, on the joined columns). Where that holds for a column and the piece after the break
    starts there, its text is the rest of the cell before it ("自" / "然人"), and the position
    is that cell's (None), not a blank cell of its own."""
    tail, columns = joined.tail, joined.xs
    if not rows or not tail.ids:
        return
    starts = [min(range(len(columns)), key=lambda i, x=x: abs(columns[i] - x)) for x in tail.xs]
    for c, text in enumerate(rows[0]):
        middle = (columns[c] + columns[c + 1]) / 2
        if text is None or _covers(tail.bottom_rule, middle) or _covers(part.top_rule, middle):
            continue
        cell = tail.ids[-1][bisect_right(tail.xs, middle) - 1]
        r0, c0 = next((r, k) for r, row in enumerate(tail.ids) for k, i in enumerate(row) if i == cell)
        if starts[c0] == c:  # the same cell: it starts in this column on both pages
            owner = joined.offset + r0
            while joined.grid[owner][c] is None and owner:  # a piece carried over an earlier break
                owner -= 1
            joined.grid[owner][c] = (joined.grid[owner][c] or "") + text
            rows[0][c] = None


def _widened(grid: Grid, xs: list[float], columns: list[float]) -> Grid:
    """`grid`, whose column boundaries are `xs`, on the finer boundaries `columns`: a column that
    spans several of them keeps its text in the first and None (covered) on the rest, as a merged
    cell's positions are."""
    if len(xs) == len(columns):
        return grid
    starts = [min(range(len(columns)), key=lambda i, x=x: abs(columns[i] - x)) for x in xs]
    rows = []
    for row in grid:
        wide: list[str | None] = []
        for c, cell in enumerate(row):
            wide += [cell] + [None] * (starts[c + 1] - starts[c] - 1)
        rows.append(wide)
    return rows
