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
    """Grid of the rows: each cell's text at its origin, None on positions its spans cover.

    `carry` counts, per column, how many more rows a rowspan from above still covers; a row's
    cells skip those columns. Positions no cell reaches (ragged rows) are None too, because no
    cell exists there to be blank.
    """
    grid: list[list[T | None]] = []
    carry: dict[int, int] = {}
    for cells in rows:
        row: list[T | None] = []
        c = 0
        for text, rowspan, colspan in cells:
            while carry.get(c):
                carry[c] -= 1
                row.append(None)
                c += 1
            row.append(text)
            if colspan > 1:
                row.extend([None] * (colspan - 1))
            if rowspan > 1:
                for covered in range(c, c + colspan):
                    carry[covered] = rowspan - 1
            c += colspan
        if carry:  # rowspans from above covering the end of this row
            for column in range(c, max(carry) + 1):
                if carry.get(column):
                    carry[column] -= 1
                row.append(None)
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    for row in grid:
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    return grid


def row_line(row: Sequence[str | None]) -> str:
    """A grid row as one text line: its cells (not span-covered positions) joined by " | "."""
    return " | ".join(cell for cell in row if cell is not None)


def clean_cell(text: str) -> str:
    """Whitespace runs (NBSP, ideographic space, newlines) collapsed to one space, ends stripped."""
    return " ".join(text.split())
