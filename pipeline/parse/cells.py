"""Text and grids → one flat sequence of classified cells per table section.

Portals flatten the same template table in many ways (pipes, tabs, one cell per line, markdown,
real grids). Line structure is not trustworthy, so every layout is reduced to the sequence of its
cells; the template matcher (`template.py`) rebuilds rows from the known row labels. Empty cells
are kept because, compared with the padding of complete rows, they tell blank cells from spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import chain, repeat
from typing import Any

from pipeline.contract import NULL_TOKENS

EMPTY, VALUE, LABEL, BREAK = 0, 1, 2, 3  # BREAK: end of a table row (line or grid row)

_NUMBER = r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?"
UNITS = ("万元", "元", "件", "条", "个", "项", "笔")  # units some tables print after a number
_VALUE_RE = re.compile(rf"({_NUMBER})\s*(?:{'|'.join(UNITS)})?")
_TOKEN = "|".join([_NUMBER, *(re.escape(t) for t in sorted(NULL_TOKENS, key=len, reverse=True))])
_NUMS_ONLY_RE = re.compile(rf"(?:{_TOKEN})(?:\s+(?:{_TOKEN}))+")
_LABEL_NUMS_RE = re.compile(rf"(\S[^。;]{{0,60}}?[^\s\d.,+-])\s+((?:{_TOKEN})(?:\s+(?:{_TOKEN}))*)")
_SPACE_RE = re.compile(r"\s+")
_MARKDOWN_RULE_RE = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")


# A cell: (kind, text, value). kind: EMPTY | VALUE | LABEL | BREAK; text: as written (normalised),
# for LABEL the whitespace-free key; value: for VALUE the number, or None for a null token such
# as "—". A plain tuple rather than a NamedTuple: the parser's hot loops read every cell, and
# Python 3.11 indexes and unpacks a plain tuple several times faster than it reads named fields.
Cell = tuple[int, str, int | float | None]

EMPTY_CELL: Cell = (EMPTY, "", None)
_ROW_BREAK: Cell = (BREAK, "", None)

# The part of NFKC that matters to tables: full-width ASCII forms (０-９, （）, ：, ，) to ASCII, the
# odd spaces (NBSP, ideographic, thin, ...) to a space, zero-width characters removed. Replacing
# only the characters present is several times faster than str.translate or NFKC on this text.
_NORMAL = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_NORMAL.update({chr(c): " " for c in (0x00A0, 0x3000, 0x202F, 0x205F, *range(0x2002, 0x200B))})
_NORMAL.update({chr(c): "" for c in (0x200B, 0x200C, 0x200D, 0xFEFF)})
_ODD_RE = re.compile("[" + "".join(_NORMAL) + "]")


def _replace(m: re.Match[str]) -> str:
    return _NORMAL[m.group()]


def normalize(text: str) -> str:
    """Full-width digits, brackets and punctuation as ASCII, odd spaces as spaces, Unix newlines.

    Every label and number is compared in this form, so "（一）" and "(一)", "１２" and "12" match.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ODD_RE.sub(_replace, text)


def label_key(text: str) -> str:
    """A label without whitespace: header words split over lines ("商业 / 企业") compare equal.
    (str.split's whitespace is exactly re's \\s, at a third of the cost of a regex sub.)"""
    return "".join(text.split())


def parse_number(text: str) -> int | float | None:
    """The number a value cell holds (a unit such as 万元 stays in the cell text), or None."""
    m = _VALUE_RE.fullmatch(text)
    if m is None:
        return None
    digits = m.group(1).replace(",", "")
    return float(digits) if "." in digits else int(digits)


def _cells_of(text: str) -> tuple[Cell, ...]:
    """The cell(s) one stripped piece of text holds: "label 1 0 2" (a row printed with spaces)
    holds four."""
    if not text:
        return (EMPTY_CELL,)
    number = parse_number(text)
    if number is not None:
        return ((VALUE, text, number),)
    if text in NULL_TOKENS:
        return ((VALUE, text, None),)
    if _SPACE_RE.search(text):
        if _NUMS_ONLY_RE.fullmatch(text):
            return tuple((VALUE, t, parse_number(t)) for t in text.split())
        m = _LABEL_NUMS_RE.fullmatch(text)
        if m:
            return ((LABEL, label_key(m.group(1)), None),
                    *((VALUE, t, parse_number(t)) for t in m.group(2).split()))
    return ((LABEL, label_key(text), None),)


_CACHE_LIMIT = 50_000  # entries a cache keeps before starting over: a batch of odd documents must not grow it forever


def _remember(cache: dict[Any, Any], known: dict[Any, Any], key: Any, value: Any) -> Any:
    """Store `value` under `key` and return it; a cache holding _CACHE_LIMIT entries first starts
    over from its `known` entries."""
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
        cache.update(known)
    cache[key] = value
    return value


class Memo(dict):
    """`fn(key)` for each key, computed once and looked up at C level with `map(memo.__getitem__,
    keys)`. (A hot Python loop should rather subscript a plain dict: 3.11 specialises that.)"""

    def __init__(self, fn: Callable[[str], Any], known: dict[Any, Any]) -> None:
        super().__init__(known)
        self.fn, self.known = fn, known

    def __missing__(self, key: str) -> Any:
        return _remember(self, self.known, key, self.fn(key))


# Cell text as read -> the cell(s) it holds; a grid's span-covered position (None) holds none.
# Table cells repeat across rows and documents ("0", template labels): each text is classified once.
# A plain dict, not a Memo, because `classify_all`'s loop subscripts it for every cell.
_KNOWN_CELLS: dict[str | None, tuple[Cell, ...]] = {None: ()}
_CELLS: dict[str | None, tuple[Cell, ...]] = dict(_KNOWN_CELLS)


def _classify_new(piece: str) -> tuple[Cell, ...]:
    return _remember(_CELLS, _KNOWN_CELLS, piece, _cells_of(normalize(piece.strip()).strip()))


def classify_all(pieces: Iterable[str | None], out: list[Cell]) -> None:
    """Append the cell(s) each piece of text holds to `out` (normalised here, so grid cells can be
    passed as read; None holds none). The hot loop of parsing: one dict lookup per piece."""
    cells = _CELLS
    for piece in pieces:
        try:
            out += cells[piece]
        except KeyError:
            out += _classify_new(piece)


def classify_rows(rows: Iterable[Iterable[str | None]], out: list[Cell]) -> None:
    """`classify_all` over table rows, each followed by a BREAK cell (so a row's empty cells never
    run into the next row)."""
    for row in rows:
        classify_all(row, out)
        out.append(_ROW_BREAK)


def _pipe_cells(lines: list[str], markdown: bool) -> list[list[str]]:
    """Cells of each pipe-delimited line: each cell ends with "|" (seed 000/003 style; a line
    starting with "|" then starts with an empty cell) or, in a markdown table, sits between pipes;
    a line of only pipes is that many empty (spanned) cells. (One call for all the lines: a
    region has hundreds of them.)"""
    out: list[list[str]] = []
    for line in lines:
        s = line.strip()
        if not s.strip("|"):  # also the empty line: no cells
            out.append([""] * len(s))
            continue
        if markdown and s[0] == "|":
            if _MARKDOWN_RULE_RE.fullmatch(s):
                out.append([])
                continue
            s = s[1:]
        cells = s.split("|")
        if s[-1] == "|":
            del cells[-1]  # the split's "" after the closing pipe
        out.append(cells)
    return out


_SAMPLE_LINES = 60


def _rows_per_line(lines: list[list[str]]) -> bool:
    """Whether each line holds a whole table row (pipes, tabs, markdown) rather than one cell,
    judged on the first lines with text."""
    wide = with_text = 0
    for pieces in lines:
        filled = len(list(filter(str.strip, pieces[:4])))  # the first cells with text tell
        if filled >= 2:
            wide += 1
            if wide * 3 >= _SAMPLE_LINES:
                return True  # decided: at most _SAMPLE_LINES lines are judged
        if filled:
            with_text += 1
            # Also decided (False) once even all-wide lines up to _SAMPLE_LINES could not make it.
            if with_text == _SAMPLE_LINES or (with_text - wide) * 3 > _SAMPLE_LINES * 2:
                break
    return wide * 3 >= with_text > 0


def _line_cells(lines: list[list[str]]) -> list[Cell]:
    out: list[Cell] = []
    if _rows_per_line(lines):
        classify_rows(filter(None, lines), out)  # a line without cells is no row
    else:
        classify_all(chain.from_iterable(lines), out)
    return out


def _paragraph_cells(region: str) -> bool:
    """Whether cells are paragraphs (blank lines between them, seed 002) rather than lines: most
    line breaks are blank lines, not a stray one left by a removed heading."""
    blank = len(_BLANK_LINE_RE.findall(region))
    return blank > 0 and blank * 2 >= region.count("\n") - blank * 2


def text_cells(region: str) -> list[Cell]:
    """The cells of a table region of plain text, whatever the flattening layout. Where a line
    holds a row, a BREAK cell ends it, so a row's empty cells never run into the next row."""
    if "|" in region:
        lines = region.split("\n")
        markdown = "---" in region and any(
            "---" in line and _MARKDOWN_RULE_RE.fullmatch(line.strip()) for line in lines)
        return _line_cells(_pipe_cells(lines, markdown))
    if "\t" in region:
        return _line_cells([line.split("\t") for line in region.split("\n") if line.strip()])
    out: list[Cell] = []
    if _paragraph_cells(region):
        # One cell per paragraph: a single newline inside a cell is a wrapped header word. The
        # separators from the headings around the region are not cells; a blank cell at either
        # end of it (an empty paragraph between separators) stays.
        region = region.removeprefix("\n").removeprefix("\n").removesuffix("\n").removesuffix("\n")
        classify_all(map(str.replace, region.split("\n\n"), repeat("\n"), repeat("")), out)
    else:
        classify_all(filter(str.strip, region.split("\n")), out)
    return out

