"""Rebuilding template rows from the cells between one row label and the next.

A row's cells are its values plus empty cells. An empty cell is either a blank value (null) or
layout padding left by merged cells; which one is decided by comparing the row with the complete
rows of the same table and shape (width, labels before it, indent): the empty cells no complete
row of that shape has are blanks, and when the shapes seen allow more than one reading the row is
ambiguous. When cells are missing and no blank explains it, the digits may have run together
(see `digits.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline.parse.cells import EMPTY, EMPTY_CELL, UNITS, VALUE, Cell
from pipeline.parse.digits import Split, is_plain_number, recover

Value = int | float | None


@dataclass(slots=True)
class Span:
    """The cells of one template row: after its label(s), up to the next label."""

    key: str
    width: int
    labels: int  # consecutive label cells ending with this row's label (group heading + item)
    indent: int  # empty cells right before those labels (a rowspan-covered first column, ...)
    cells: list[Cell]
    last: bool = False  # the table's last row: nothing after it supplies the usual trailing cells


@dataclass(slots=True)
class Row:
    key: str
    width: int
    values: list[Value] | None  # None when the row cannot be read for sure
    raw: list[str | None] = field(default_factory=list)  # null-token text per column
    status: str = "ok"  # ok | recovered | ambiguous | unsure | column_count | empty
    # ambiguous: the splits that add up; unsure: the only split there is, which does not add up
    candidates: Sequence[Split] = ()
    found: int = 0  # value cells present
    cells: list[Cell] | None = None  # the cell of each column, when read from cells (not recovered)


def _bounds(cells: list[Cell]) -> tuple[int, int]:
    """Index of the first and last non-empty cell (first > last when there is none)."""
    first, last = 0, len(cells) - 1
    while first <= last and cells[first][0] == EMPTY:  # a cell is (kind, text, value)
        first += 1
    while last >= first and cells[last][0] == EMPTY:
        last -= 1
    return first, last


def _paddings(spans: list[Span]) -> dict[tuple[int, ...], set[tuple[int, int]]]:
    """(leading, trailing) empty cells seen around complete rows, by the row's shape
    (width, labels, indent) and by width alone."""
    seen: dict[tuple[int, ...], set[tuple[int, int]]] = {}
    for span in spans:
        first, last = _bounds(span.cells)
        if last - first + 1 == span.width and EMPTY_CELL not in span.cells[first : last + 1]:
            pad = (first, len(span.cells) - last - 1)
            seen.setdefault((span.width, span.labels, span.indent), set()).add(pad)
            seen.setdefault((span.width,), set()).add(pad)
    return seen


def _blank_placements(span: Span, first: int, last: int, pads: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """(leading, trailing) blanks that, with one of the paddings complete rows show, make the row
    exactly as wide as the template."""
    missing = span.width - (last - first + 1)
    trail_empty = len(span.cells) - last - 1
    if span.last:  # complete rows' trailing cells include the next row's opening ones
        pads = {(lead, t) for lead, trail in pads for t in range(trail + 1)}
    return {(first - lead, trail_empty - trail) for lead, trail in pads
            if first >= lead and trail_empty >= trail and first - lead + trail_empty - trail == missing}


def row_from_cells(key: str, cells: list[Cell]) -> Row:
    """The row the cells of each column make (an empty cell is a blank: null)."""
    values = [value for _kind, _text, value in cells]
    if None not in values:
        return _numbers_row(key, cells, values)
    raw: list[str | None] = [None] * len(cells)
    for i, (kind, text, value) in enumerate(cells):  # keep the text of null tokens such as "—"
        if kind == VALUE and value is None:
            raw[i] = text
    return Row(key, len(cells), values, raw, "ok", (), len(cells) - cells.count(EMPTY_CELL), cells)


def _numbers_row(key: str, cells: list[Cell], values: list[Value]) -> Row:
    """The row of cells that all hold a number (`values`): none is empty, no token to keep.
    (Positional arguments: a call per table row, keywords cost a third more.)"""
    return Row(key, len(cells), values, [None] * len(cells), "ok", (), len(cells), cells)


def _short_row(span: Span, first: int, last: int, paddings: dict[tuple[int, ...], set[tuple[int, int]]],
               recoverable: bool, accept: Callable[[int, Split], bool]) -> Row:
    """A row with fewer cells than the template: blanks the paddings of complete rows place for
    sure, else the one split of run-together digits that adds up, else not read (ambiguous)."""
    core, width = span.cells[first : last + 1], span.width
    found = len(core) - core.count(EMPTY_CELL)
    pads = paddings.get((width, span.labels, span.indent)) or paddings.get((width,), set())
    placements = _blank_placements(span, first, last, pads)
    if len(placements) == 1:
        ((lead, trail),) = placements
        return row_from_cells(span.key, [EMPTY_CELL] * lead + core + [EMPTY_CELL] * trail)
    if found == len(core) and recoverable:
        return _cut_row(span.key, width, [text for _kind, text, _value in core], accept, unsure=False)
    return Row(span.key, width, None, status="ambiguous" if recoverable else "column_count", found=found)


_UNITS = "".join(UNITS)  # characters a value cell may print after its number


def _cut_row(key: str, width: int, texts: list[str], accept: Callable[[int, Split], bool], unsure: bool) -> Row:
    """The row cut from tokens of run-together digits: the one split that adds up ("recovered"),
    else the splits that do ("ambiguous", for the column rules to settle). With `unsure`, a row
    whose only possible split does not add up keeps it as "unsure": the report's own numbers may
    break the row rule, or a blank cell vanished; only the column rules can tell."""
    found = len(texts)
    candidates = recover([text.rstrip(_UNITS) for text in texts], width, lambda _split: True)
    if candidates is None:  # too many cuts to try all: decides nothing
        return Row(key, width, None, status="ambiguous", found=found)
    valid = [split for split in candidates if accept(width, split)]
    if len(valid) == 1:  # candidates kept when it was one of several cuts: the column rules may check it
        return Row(key, width, list(valid[0]), [None] * width, "recovered", valid if len(candidates) > 1 else (),
                   found=found)
    if unsure and not valid and len(candidates) == 1:
        return Row(key, width, None, status="unsure", candidates=candidates, found=found)
    return Row(key, width, None, status="ambiguous", candidates=valid, found=found)


def _run_row(span: Span, accept: Callable[[int, Split], bool]) -> Row:
    """A row of a text dump (`assemble`'s `runs`): its tokens are the space-separated pieces of
    its digits, each one cell or several run together; a blank cell left no trace at all. So
    tokens are cells only when there are as many as columns and each reads as one number or is a
    null token ("—"), and no blank is ever placed: a row that is short after every cut is not read."""
    tokens = [cell for cell in span.cells if cell[0] != EMPTY]
    if not tokens:
        return Row(span.key, span.width, None, status="empty")
    if len(tokens) == span.width and all(_one_cell(text, value) for _kind, text, value in tokens):
        return row_from_cells(span.key, tokens)
    return _cut_row(span.key, span.width, [text for _kind, text, _value in tokens], accept, unsure=True)


def _one_cell(text: str, value: int | float | None) -> bool:
    """Whether a dump token is one cell: a whole number as printed, an amount with decimals, a null token."""
    if value is None:
        return not any(ch.isdigit() for ch in text)
    return "." in text or is_plain_number(text.rstrip(_UNITS))


def assemble(spans: list[Span], accept: Callable[[int, Split], bool], single_row: bool = False,
             runs: bool = False) -> list[Row]:
    """One Row per span; `accept(width, split)` is the arithmetic a recovered split must satisfy.
    `runs`: the cells are the tokens of a text dump, whose digits may run together anywhere
    (`_run_row`).

    Run-together digits are a local accident: they are recovered only in a table where complete
    rows exist (or a single-row table), so a table with a column missing everywhere is reported as
    such instead of being cut into invented numbers. The paddings of complete rows are gathered
    only once a row lacks cells: most tables have none."""
    rows: list[Row] = []
    paddings: dict[tuple[int, ...], set[tuple[int, int]]] | None = None
    if runs:
        return [_run_row(span, accept) for span in spans]
    for span in spans:
        cells, width = span.cells, span.width
        if len(cells) == width:
            values = [value for _kind, _text, value in cells]
            if None not in values:
                # The common complete row, read as below would read it: no cell is empty, so its
                # core is all of it, and row_from_cells would find a number in every cell.
                rows.append(_numbers_row(span.key, cells, values))
                continue
        first, last = _bounds(cells)
        size = last - first + 1
        if size <= 0:
            rows.append(Row(span.key, width, None, status="empty"))
        elif size == width:
            rows.append(row_from_cells(span.key, cells[first : last + 1]))
        elif size > width:
            found = size - cells[first : last + 1].count(EMPTY_CELL)
            rows.append(Row(span.key, width, None, status="column_count", found=found))
        else:
            if paddings is None:
                paddings = _paddings(spans)
            rows.append(_short_row(span, first, last, paddings, single_row or bool(paddings), accept))
    return rows
