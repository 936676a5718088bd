"""Text and grids → one flat sequence of classified cells per table section.

Portals flatten the same template table in many ways (pipes, tabs, one cell per line, markdown,
real grids). Line structure is not trustworthy, so every layout is reduced to the sequence of its
cells; the template matcher (`template.py`) rebuilds rows from the known row labels. Empty cells
are kept because, compared with the padding of complete rows, they tell blank cells from spans.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.contract import NULL_TOKENS
from pipeline.extract.document import Grid

EMPTY, VALUE, LABEL, BREAK = 0, 1, 2, 3  # BREAK: end of a table row (line or grid row)

_NUMBER = r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?"
_VALUE_RE = re.compile(rf"({_NUMBER})\s*(万元|元)?")
_NUMS_ONLY_RE = re.compile(rf"(?:{_NUMBER})(?:\s+(?:{_NUMBER}))+")
_LABEL_NUMS_RE = re.compile(rf"(\S[^。;]{{0,60}}?[^\s\d.,+-])\s+((?:{_NUMBER})(?:\s+(?:{_NUMBER}))*)")
_SPACE_RE = re.compile(r"\s+")
_MARKDOWN_RULE_RE = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")


@dataclass(slots=True)
class Cell:
    kind: int  # EMPTY | VALUE | LABEL | BREAK
    text: str  # as written (normalised); for LABEL the whitespace-free key
    value: int | float | None = None  # VALUE: the number, or None for a null token such as "—"


def normalize(text: str) -> str:
    """NFKC (full-width digits and brackets, NBSP, ideographic space) and Unix newlines.

    Every label and number is compared in this form, so "（一）" and "(一)", "１２" and "12" match.
    """
    return unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")


def label_key(text: str) -> str:
    """A label without whitespace: header words split over lines ("商业 / 企业") compare equal."""
    return _SPACE_RE.sub("", text)


def parse_number(text: str) -> int | float | None:
    """The number a value cell holds (a unit such as 万元 stays in the cell text), or None."""
    m = _VALUE_RE.fullmatch(text)
    if m is None:
        return None
    digits = m.group(1).replace(",", "")
    return float(digits) if "." in digits else int(digits)


def classify(text: str, out: list[Cell]) -> None:
    """Append the cell(s) a piece of text holds: a row printed as "label 1 0 2" yields four cells."""
    text = text.strip()
    if not text:
        out.append(Cell(EMPTY, ""))
        return
    number = parse_number(text)
    if number is not None:
        out.append(Cell(VALUE, text, number))
        return
    if text in NULL_TOKENS:
        out.append(Cell(VALUE, text, None))
        return
    if " " in text or "\t" in text or "\n" in text:
        if _NUMS_ONLY_RE.fullmatch(text):
            out.extend(Cell(VALUE, t, parse_number(t)) for t in text.split())
            return
        m = _LABEL_NUMS_RE.fullmatch(text)
        if m:
            out.append(Cell(LABEL, label_key(m.group(1))))
            out.extend(Cell(VALUE, t, parse_number(t)) for t in m.group(2).split())
            return
    out.append(Cell(LABEL, label_key(text)))


def _pipe_line_cells(line: str) -> list[str]:
    """Cells of one pipe-delimited line: each cell ends with "|" (seed 000/003 style) or sits
    between pipes (markdown); a line of only pipes is that many empty (spanned) cells."""
    s = line.strip()
    if not s:
        return []
    if s.strip("|") == "":
        return [""] * len(s)
    if _MARKDOWN_RULE_RE.fullmatch(s):
        return []
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return s.split("|")


_ROW_BREAK = Cell(BREAK, "")


def _rows_per_line(lines: list[list[str]]) -> bool:
    """Whether each line holds a whole table row (pipes, tabs, markdown) rather than one cell."""
    filled = [sum(1 for p in pieces if p.strip()) for pieces in lines]
    filled = [n for n in filled if n]
    return sum(n >= 3 for n in filled) * 3 >= len(filled) > 0


def _line_cells(lines: list[list[str]]) -> list[Cell]:
    out: list[Cell] = []
    by_row = _rows_per_line(lines)
    for pieces in lines:
        for piece in pieces:
            classify(piece, out)
        if by_row and pieces:
            out.append(_ROW_BREAK)
    return out


def text_cells(region: str) -> list[Cell]:
    """The cells of a table region of plain text, whatever the flattening layout. Where a line
    holds a row, a BREAK cell ends it, so a row's empty cells never run into the next row."""
    if "|" in region:
        return _line_cells([_pipe_line_cells(line) for line in region.split("\n")])
    if "\t" in region:
        return _line_cells([line.split("\t") for line in region.split("\n") if line.strip()])
    out: list[Cell] = []
    if _BLANK_LINE_RE.search(region):
        # One cell per paragraph: a single newline inside a cell is a wrapped header word.
        for piece in region.strip("\n").split("\n\n"):
            classify(piece.replace("\n", ""), out)
    else:
        for line in region.split("\n"):
            if line.strip():
                classify(line, out)
    return out


def grid_cells(grids: Iterable[Grid]) -> list[Cell]:
    """The cells of placed grids in reading order; span-covered positions (None) are skipped."""
    out: list[Cell] = []
    for grid in grids:
        for row in grid:
            for cell in row:
                if cell is not None:
                    classify(normalize(cell), out)
            out.append(_ROW_BREAK)
    return out
