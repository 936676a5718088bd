"""Placing table cells on their grid, shared by the HTML, DOCX and PDF readers.

Every reader knows each cell's row, text and spans; only this module decides positions, so a
rowspan from an earlier row pushes later cells right the same way whatever the format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

# (text, rowspan, colspan) of one cell as its row lists it.
Cell = tuple[str, int, int]
T = TypeVar("T")

_FREE = object()


def place_cells(rows: Sequence[Iterable[tuple[T, int, int]]]) -> list[list[T | None]]:
    """Grid of the rows: each cell's text at its origin, None on positions its spans cover.

    Spans reaching past the last row are clipped; positions no cell reaches (ragged rows) are None
    too, because no cell exists there to be blank.
    """
    n_rows = len(rows)
    grid: list[list[object]] = [[] for _ in range(n_rows)]
    for r, cells in enumerate(rows):
        row = grid[r]
        c = 0
        for text, rowspan, colspan in cells:
            while c < len(row) and row[c] is not _FREE:
                c += 1
            if rowspan <= 1 and colspan == 1:  # the common cell: no covering to record
                if c == len(row):
                    row.append(text)
                else:
                    row[c] = text
                c += 1
                continue
            for rr in range(r, min(r + max(rowspan, 1), n_rows)):
                target = grid[rr]
                if len(target) < c + colspan:
                    target.extend([_FREE] * (c + colspan - len(target)))
                for cc in range(c, c + colspan):
                    target[cc] = None
            row[c] = text
            c += colspan
    width = max((len(row) for row in grid), default=0)
    return [[None if cell is _FREE else cell for cell in row] + [None] * (width - len(row))  # type: ignore[misc]
            for row in grid]


def row_line(row: Sequence[str | None]) -> str:
    """A grid row as one text line: its cells (not span-covered positions) joined by " | "."""
    return " | ".join(cell for cell in row if cell is not None)


def clean_cell(text: str) -> str:
    """Whitespace runs (NBSP, ideographic space, newlines) collapsed to one space, ends stripped."""
    return " ".join(text.split())
