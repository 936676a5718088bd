"""The text shapes portals' copy-paste and export tools flatten a report into (see the seeds).

- pipes (seed 000): a row per line, each cell followed by " |", span-covered positions as a run of
  "|" at the end of the row;
- tabs (seed 001): a row per line, every grid position tab-separated, covered positions empty;
- cells (seed 002): one cell per line, blank lines between, a blank cell as a lone NBSP;
- cells_pipe (seeds 003/004): each row opened by a lone "|", one cell per line ending " |", the
  covered positions as one line of "|";
- markdown: a pipe table with a `---` separator after the first row, covered positions empty.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.extract.grid import place_cells
from pipeline.render.report import Cell, Paragraph, ReportDoc, Table

NBSP = "\xa0"
PositionedRow = list[Cell | None]


def table_positions(table: Table) -> list[PositionedRow]:
    """The table on its grid: each cell at its origin, None where another cell's span covers."""
    return place_cells([[(cell, cell.rowspan, cell.colspan) for cell in row] for row in table.rows])


def word_rows(table: Table) -> list[list[tuple[Cell | None, int, str | None]]]:
    """Each row as Word stores it: (cell, columns spanned, row-span state) in order, where the
    state is "restart" for a cell spanning rows, "continue" for the empty cell Word puts in each
    row such a span covers (None when no span), and a position no cell reaches is an empty cell."""
    positions = table_positions(table)
    owner: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(positions):
        for c, cell in enumerate(row):
            if cell is not None:
                for rr in range(r, r + cell.rowspan):
                    owner[rr, c] = cell
    rows = []
    for r, row in enumerate(positions):
        cells: list[tuple[Cell | None, int, str | None]] = []
        c = 0
        while c < table.width:
            cell = row[c] if c < len(row) else None
            if cell is not None:
                cells.append((cell, cell.colspan, "restart" if cell.rowspan > 1 else None))
                c += cell.colspan
            elif (r, c) in owner:  # continuation of a rowspan from above
                span = owner[r, c].colspan
                cells.append((None, span, "continue"))
                c += span
            else:
                cells.append((None, 1, None))
                c += 1
        rows.append(cells)
    return rows


def _flat(cell: Cell | None) -> str:
    return "" if cell is None else cell.text.replace("\n", " ")


def _pipes(rows: list[PositionedRow]) -> list[str]:
    lines = []
    for row in rows:
        cells = " ".join(f"{_flat(cell)} |" for cell in row if cell is not None)
        covered = row.count(None)
        lines.append(f"{cells} {'|' * covered}" if covered else cells)
    return lines


def _tabs(rows: list[PositionedRow]) -> list[str]:
    return ["\t".join(_flat(cell) for cell in row) for row in rows]


def _cells(rows: list[PositionedRow]) -> list[str]:
    return [cell.text or NBSP for row in rows for cell in row if cell is not None]


def _cells_pipe(rows: list[PositionedRow]) -> list[str]:
    lines = []
    for row in rows:
        lines.append("|")
        lines.extend(f"{_flat(cell) or NBSP} |" for cell in row if cell is not None)
        if covered := row.count(None):
            lines.append("|" * covered)
    return lines


def _markdown(rows: list[PositionedRow]) -> list[str]:
    lines = ["| " + " | ".join(_flat(cell) for cell in row) + " |" for row in rows]
    lines.insert(1, "|" + "---|" * len(rows[0]))
    return ["", *lines, ""]


_TABLE_WRITERS: dict[str, Callable[[list[PositionedRow]], list[str]]] = {
    "pipes": _pipes, "tabs": _tabs, "cells": _cells, "cells_pipe": _cells_pipe, "markdown": _markdown,
}
TEXT_LAYOUTS = tuple(_TABLE_WRITERS)


def render_text(report: ReportDoc, layout: str) -> str:
    """The report as plain text in one of TEXT_LAYOUTS."""
    write_table = _TABLE_WRITERS[layout]
    lines: list[str] = []
    for block in report.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend(write_table(table_positions(block)))
    separator = "\n\n" if layout == "cells" else "\n"
    return separator.join(lines) + "\n"
