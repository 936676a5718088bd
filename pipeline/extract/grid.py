"""Table cells on their grid, and the cell text conventions every reader shares.

HTML lists each row's cells with their spans, so positions must be computed: a rowspan from an
earlier row pushes later cells right. The renderers place their cells with the same function, so
what they write and what the HTML reader reads agree by construction of one rule, not two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

# (text, rowspan, colspan) of one cell as its row lists it.
Cell = tuple[str, int, int]
T = TypeVar("T")


def place_cells(rows: Sequence[Iterable[tuple[T, int, int]]]) -> list[list[T | None]]:
    """Grid of the rows of (text, rowspan, colspan) cells: each cell's text at its origin, None on
    positions its spans cover."""
    texts: list[list[T]] = []
    spans: list[list[tuple[int, int]] | None] = []
    for cells in rows:
        cells = list(cells)
        texts.append([text for text, _rowspan, _colspan in cells])
        spans.append([(rowspan, colspan) for _text, rowspan, colspan in cells])
    return place_spans(texts, spans)


def place_spans(texts: list[list[T]], spans: Sequence[Sequence[tuple[int, int]] | None]) -> list[list[T | None]]:
    """Grid of rows given as their cells' texts and (rowspan, colspan) pairs, `None` for a row
    whose cells all span one position. The text lists are taken over (a plain row is its list).

    `carry` counts, per column, how many more rows a rowspan from above still covers (columns no
    longer covered leave it); a row's cells skip those columns, and each carried column counts
    this row once, where a cell would start or past the row's last cell. Positions no cell
    reaches (ragged rows, and row ends a rowspan covers) are None too, because no cell exists
    there to be blank. Plain rows, most rows of a report table, take a shortcut (the reader's
    hot path): placed as they are, or with None inserted at the carried columns their cells reach.
    """
    grid: list[list[T | None]] = []
    carry: dict[int, int] = {}
    width = 0
    for cells, row_spans in zip(texts, spans):
        row: list[T | None] = cells  # type: ignore[assignment]
        if row_spans is None:
            if carry:
                for column in sorted(carry):  # every cell is one position: a carried column
                    if column < len(row):  # before the row's end is skipped where it falls
                        row.insert(column, None)
                    _cover(carry, column)
        else:
            row = _place_row(cells, row_spans, carry)
        grid.append(row)
        width = max(width, len(row))
    for row in grid:
        if len(row) < width:
            row += [None] * (width - len(row))
    return grid


def _place_row(cells: list[T], row_spans: Sequence[tuple[int, int]], carry: dict[int, int]) -> list[T | None]:
    row: list[T | None] = []
    append = row.append
    c = 0
    for text, (rowspan, colspan) in zip(cells, row_spans):
        if carry:  # only a rowspan from an earlier row can cover a column of this row
            while c in carry:
                _cover(carry, c)
                append(None)
                c += 1
        append(text)
        if colspan > 1:
            row += [None] * (colspan - 1)
        if rowspan > 1:
            for covered in range(c, c + colspan):
                carry[covered] = rowspan - 1
        c += colspan
    for column in [column for column in carry if column >= c]:  # rowspans covering the row's end
        _cover(carry, column)
    return row


def _cover(carry: dict[int, int], column: int) -> None:
    """One more row of `column` covered by the rowspan above it."""
    if carry[column] == 1:
        del carry[column]
    else:
        carry[column] -= 1


def row_line(row: Sequence[str | None]) -> str:
    """A grid row as one text line: its cells (not span-covered positions) joined by " | "."""
    return " | ".join(row if None not in row else [cell for cell in row if cell is not None])  # type: ignore[arg-type]


def clean_cell(text: str) -> str:
    """Whitespace runs (NBSP, ideographic space, newlines) collapsed to one space, ends stripped."""
    return " ".join(text.split())
