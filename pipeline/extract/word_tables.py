"""Word's table model, shared by the .doc and RTF readers: a table is only marked in the text.

Each cell's last paragraph ends with a cell mark and each row with a row mark, and the row mark
carries the row's layout: each cell's left and right edge, and whether a row span continues into
it or an old-style column merge covers it. The readers turn their files into this list of marked
paragraphs; here the cells are placed on the grid of all edges the table uses, as the DOCX reader
places `w:gridSpan` and `w:vMerge`, so merged gaps are None, never blanks.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.extract.document import Grid
from pipeline.extract.grid import clean_cell, row_line

PARAGRAPH_END, CELL_END = "\r", "\x07"
# A cell's flags (Word's TC80 bits): covered by the merge of the cell before it, in a row span, the
# first cell of a row span.
MERGED, VERT_MERGE, VERT_RESTART = 0x0002, 0x0020, 0x0040
_MAX_SPAN = 200
_EDGE_TOLERANCE = 30  # twips (half a millimetre): no real column is narrower

Layout = tuple[list[int], list[int]]  # a row's cell edges (twips, one more than its cells) and each cell's flags
Row = tuple[list[str], Layout | None]


@dataclass
class Paragraph:
    text: str  # ending with PARAGRAPH_END, or CELL_END for a cell's last paragraph and a row mark
    in_table: bool = False
    row_end: bool = False
    layout: Layout | None = None  # on a row end


def lines_and_tables(paragraphs: list[Paragraph]) -> tuple[list[str], list[Grid]]:
    """The text lines in order (a table row one line) and the tables' grids."""
    lines: list[str] = []
    tables: list[Grid] = []
    rows: list[Row] = []
    cell: list[str] = []
    cells: list[str] = []
    for paragraph in paragraphs:
        if paragraph.in_table:
            if paragraph.row_end:
                rows.append((cells, paragraph.layout))
                cells = []
            elif paragraph.text.endswith(CELL_END):
                cell.append(paragraph.text[:-1])
                cells.append(clean_cell("".join(cell).replace("\n", "")))
                cell = []
            else:
                cell.append(paragraph.text[:-1])
            continue
        if rows:
            _add_table(rows, tables, lines)
            rows = []
        lines.extend(line for line in (clean_cell(part) for part in paragraph.text.split("\n")) if line)
    if rows:
        _add_table(rows, tables, lines)
    return lines, tables


def _add_table(rows: list[Row], tables: list[Grid], lines: list[str]) -> None:
    grid = _grid(rows)
    if grid:
        tables.append(grid)
        lines.extend(row_line(row) for row in grid)


def _grid(rows: list[Row]) -> Grid:
    """Cells at the columns their edges span on the grid of every edge in the table; a cell a row
    span or column merge continues into is None. Rows without a layout keep their cells in order."""
    edges = _columns(edge for _cells, layout in rows if layout for edge in layout[0])
    grid: Grid = []
    for cells, layout in rows:
        if layout is None or len(layout[0]) != len(cells) + 1:
            grid.append(list(cells))
            continue
        cell_edges, flags = layout
        columns = [bisect.bisect_left(edges, edge - _EDGE_TOLERANCE) for edge in cell_edges]
        row: list[str | None] = [None] * columns[0]
        for i, text in enumerate(cells):
            covered = flags[i] & MERGED or (flags[i] & VERT_MERGE and not flags[i] & VERT_RESTART)
            row.append(None if covered else text)
            row.extend([None] * (min(max(columns[i + 1] - columns[i], 1), _MAX_SPAN) - 1))
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    return [row + [None] * (width - len(row)) for row in grid if any(row)] if width else []


def _columns(edges: Iterable[int]) -> list[int]:
    """The table's column edges: edges of different rows within _EDGE_TOLERANCE of each other are
    one edge (Word rounds a row's widths on its own: 2891 above, 2892 below)."""
    kept: list[int] = []
    for edge in sorted(set(edges)):
        if not kept or edge > kept[-1] + _EDGE_TOLERANCE:
            kept.append(edge)
    return kept
