"""Where the three statistics tables sit: regions of the text, or the document's grids.

Headings are matched only at the start of a line, because prose (and seed 004's preamble) names
the same sections in running text. They are matched on the raw text (their patterns accept
full-width punctuation), so only the table regions need normalising.
"""

from __future__ import annotations

import re
from functools import partial

from pipeline import contract
from pipeline.extract.document import Grid
from pipeline.parse.cells import Cell, Memo, classify_rows, label_key, normalize, text_cells
from pipeline.parse.markdown import applications_cells, broken_tables

SECTIONS = ("proactive", "applications", "review_litigation")
# Each pattern starts with the literal "\n" so the regex engine skips ahead to line starts fast; a
# markdown heading's "#" may open the line.
_HEADING_RE = {
    name: re.compile(rf"\n[ \t\xa0\u3000]*(?:#{{1,6}}[ \t]*)?{pattern}[ \t\xa0\u3000]*(?=\n|$)")
    for name, pattern in contract.SECTION_HEADING_PATTERNS.items()
}


def _start(text: str, name: str, pos: int) -> tuple[int, int] | None:
    """(start, body start) of a section from `pos`: its heading, else the line of its anchor."""
    m = _HEADING_RE[name].search(text, max(pos - 1, 0))
    if m:
        return m.start() + 1, m.end()
    anchor = contract.SECTION_ANCHORS.get(name)
    at = text.find(anchor, pos) if anchor else -1
    if at < 0:
        return None
    line = text.rfind("\n", 0, at) + 1
    return line, line


def text_regions(text: str) -> tuple[dict[str, str], bool]:
    """The text of each section's table found, and whether section 三 runs to the end of the text."""
    text = "\n" + text
    found: dict[str, tuple[int, int]] = {}
    pos = 0
    for name in SECTIONS:
        at = _start(text, name, pos)
        if at is not None and (name != "review_litigation" or "applications" in found):
            found[name] = at
            pos = at[1]
    regions: dict[str, str] = {}
    names = [n for n in SECTIONS if n in found]
    end_problems = _HEADING_RE["problems"].search(text, max(pos - 1, 0))
    for i, name in enumerate(names):
        body = found[name][1]
        end = found[names[i + 1]][0] if i + 1 < len(names) else (end_problems.start() + 1 if end_problems else len(text))
        regions[name] = text[body:end]
    runs_to_end = names[-1:] == ["applications"] and end_problems is None if names else False
    return regions, runs_to_end


def text_sections(text: str) -> tuple[dict[str, list[Cell]], bool]:
    """Cells of each table section of raw text (normalised region by region: the prose around
    the tables is most of the text and is never normalised)."""
    regions, runs_to_end = text_regions(text)
    return {name: _region_cells(name, normalize(region)) for name, region in regions.items()}, runs_to_end


def _region_cells(name: str, region: str) -> list[Cell]:
    """A region's cells; section 三 cut by a converter into many small tables is rebuilt first."""
    if name == "applications" and broken_tables(region):
        return applications_cells(region)
    return text_cells(region)


# What opens each section in a grid row; sections only ever advance in document order.
_GRID_STARTS = (
    ("review_litigation", (contract.SECTION_ANCHORS["review_litigation"],)),
    ("applications", (contract.APPLICATIONS_TABLE_LABELS["applicants"], contract.BALANCE_NOTE_MARKER,
                      contract.SECTION_ANCHORS["applications"])),
    ("proactive", (contract.SECTION_ANCHORS["proactive"], *contract.PROACTIVE_2021_MARKERS,
                   *contract.PROACTIVE_2019_MARKERS)),
)


def _may_hold(markers: tuple[str, ...], heads: tuple[str, ...], piece: str) -> bool:
    """Whether the cell's text holds one of `markers` or ends with one of their `heads`."""
    key = label_key(piece)
    return key.endswith(heads) or any(marker in key for marker in markers)


class _Openers:
    """Once `current` is open (None: before the first section), the later sections a row can open,
    in the order `_GRID_STARTS` tries them, and `may_open(cell)`: whether a row with that cell may
    hold one of their markers, because the cell holds one or ends with the start of one (a marker
    split over cells). A row's text is its cells' `label_key`s joined, so a row none of whose
    cells may is sure to hold none; `may_open` is memoised, so the test costs one C-level pass."""

    def __init__(self, current: str | None) -> None:
        self.later = tuple((name, markers) for name, markers in _GRID_STARTS
                           if SECTIONS.index(name) > (SECTIONS.index(current) if current else -1))
        markers = tuple(marker for _name, group in self.later for marker in group)
        heads = tuple({marker[:k] for marker in markers for k in range(1, len(marker))})
        self.may_open = Memo(partial(_may_hold, markers, heads), {None: False}).__getitem__


_OPENERS = {current: _Openers(current) for current in (None, *SECTIONS)}


def _opened(row: list[str | None], later: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """The later section whose marker the row holds, if any."""
    row_text = label_key("".join([cell for cell in row if cell]))
    return next((name for name, markers in later if any(m in row_text for m in markers)), None)


def grid_sections(tables: list[Grid]) -> dict[str, list[Cell]]:
    """Cells of each section from the document's grids, assigned row by row: a section drawn as
    several tables (one per 第二十条 item, or split by a PDF page) and several sections drawn as
    one table both come out whole. Rows before the first section's opening row are ignored; once
    the last section is open no row can open another, so its rows are not read for markers.
    Only rows that `may_open` a section are read for markers, and the rows between two opening
    rows are classified in one call."""
    sections: dict[str, list[Cell]] = {}
    out: list[Cell] | None = None
    later, may_open = _OPENERS[None].later, _OPENERS[None].may_open
    for grid in tables:
        start = 0
        for i, row in enumerate(grid):
            if later and any(map(may_open, row)) and (name := _opened(row, later)):
                if out is not None:
                    classify_rows(grid[start:i], out)
                out, start = sections.setdefault(name, []), i
                later, may_open = _OPENERS[name].later, _OPENERS[name].may_open
        if out is not None:
            classify_rows(grid[start:], out)
    return sections
