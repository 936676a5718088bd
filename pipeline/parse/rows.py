"""Rebuilding template rows from the cells between one row label and the next.

A row's cells are its values plus empty cells. An empty cell is either a blank value (null) or
layout padding left by merged cells; which one is decided by comparing the row with the complete
rows of the same table (same width, same number of labels before it): the empty cells a complete
row does not have are blanks. When cells are missing and no blank explains it, the digits may
have run together (see `digits.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.parse.cells import EMPTY, Cell
from pipeline.parse.digits import Split, recover

Value = int | float | None


@dataclass(slots=True)
class Span:
    """The cells of one template row: after its label(s), up to the next label."""

    key: str
    width: int
    labels: int  # consecutive label cells ending with this row's label (group heading + item)
    indent: int  # empty cells right before those labels (a rowspan-covered first column, ...)
    cells: list[Cell]


@dataclass(slots=True)
class Row:
    key: str
    values: list[Value] | None  # None when the row cannot be read for sure
    raw: list[str | None] = field(default_factory=list)  # null-token text per column
    status: str = "ok"  # ok | recovered | ambiguous | column_count | empty
    candidates: list[Split] = field(default_factory=list)  # splits that add up, when ambiguous
    found: int = 0  # value cells present


def _bounds(cells: list[Cell]) -> tuple[int, int]:
    first = next((i for i, c in enumerate(cells) if c.kind != EMPTY), len(cells))
    last = next((i for i in range(len(cells) - 1, -1, -1) if cells[i].kind != EMPTY), -1)
    return first, last


def _typical_padding(spans: list[Span]) -> dict[tuple[int, ...], tuple[int, int]]:
    """Most common (leading, trailing) empty cells of complete rows, by the row's shape
    (width, labels, indent) and by width alone."""
    seen: dict[tuple[int, ...], Counter[tuple[int, int]]] = {}
    for span in spans:
        first, last = _bounds(span.cells)
        core = span.cells[first : last + 1]
        if len(core) == span.width and all(c.kind != EMPTY for c in core):
            pad = (first, len(span.cells) - last - 1)
            seen.setdefault((span.width, span.labels, span.indent), Counter())[pad] += 1
            seen.setdefault((span.width,), Counter())[pad] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in seen.items()}


def _from_cells(key: str, cells: list[Cell], status: str = "ok") -> Row:
    values = [None if c.kind == EMPTY else c.value for c in cells]
    raw = [c.text if c.kind != EMPTY and c.value is None else None for c in cells]
    return Row(key, values, raw, status, found=sum(c.kind != EMPTY for c in cells))


def assemble(spans: list[Span], accept: Callable[[int, Split], bool]) -> list[Row]:
    """One Row per span; `accept(width, split)` is the arithmetic a recovered split must satisfy."""
    typical = _typical_padding(spans)
    rows: list[Row] = []
    for span in spans:
        cells, width = span.cells, span.width
        first, last = _bounds(cells)
        core = cells[first : last + 1]
        found = sum(c.kind != EMPTY for c in core)
        if not core:
            rows.append(Row(span.key, None, status="empty"))
            continue
        if len(core) == width:
            rows.append(_from_cells(span.key, core))
            continue
        if len(core) < width:
            pad = typical.get((width, span.labels, span.indent)) or typical.get((width,))
            if pad is not None:
                lead, trail = first - pad[0], len(cells) - last - 1 - pad[1]
                if lead >= 0 and trail >= 0 and lead + trail == width - len(core):
                    blank = Cell(EMPTY, "")
                    rows.append(_from_cells(span.key, [blank] * lead + core + [blank] * trail))
                    continue
            if found == len(core):
                candidates = recover([c.text for c in core], width, lambda s, w=width: accept(w, s))
                if len(candidates) == 1:
                    rows.append(Row(span.key, list(candidates[0]), [None] * width, "recovered", found=found))
                else:
                    rows.append(Row(span.key, None, status="ambiguous", candidates=candidates, found=found))
                continue
            rows.append(Row(span.key, None, status="ambiguous", found=found))
            continue
        rows.append(Row(span.key, None, status="column_count", found=found))
    return rows
