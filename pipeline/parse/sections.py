"""Where the three statistics tables sit: regions of the text, or the document's grids.

Headings are matched only at the start of a line, because prose (and seed 004's preamble) names
the same sections in running text. They are matched on the raw text (their patterns accept
full-width punctuation), so only the table regions need normalising.
"""

from __future__ import annotations

import re

from pipeline import contract
from pipeline.extract.document import Grid
from pipeline.parse.cells import Cell, grid_cells, label_key, normalize, text_cells

SECTIONS = ("proactive", "applications", "review_litigation")
# Each pattern starts with the literal "\n" so the regex engine skips ahead to line starts fast.
_HEADING_RE = {
    name: re.compile(rf"\n[ \t\xa0\u3000]*{pattern}[ \t\xa0\u3000]*(?=\n|$)")
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
    return {name: text_cells(normalize(region)) for name, region in regions.items()}, runs_to_end


# What opens each section in a grid row; sections only ever advance in document order.
_GRID_STARTS = (
    ("review_litigation", (contract.SECTION_ANCHORS["review_litigation"],)),
    ("applications", (contract.APPLICATIONS_TABLE_LABELS["applicants"], contract.BALANCE_NOTE_MARKER,
                      contract.SECTION_ANCHORS["applications"])),
    ("proactive", (contract.SECTION_ANCHORS["proactive"], *contract.PROACTIVE_2021_MARKERS,
                   *contract.PROACTIVE_2019_MARKERS)),
)


# For each section (None: before the first), the later sections a row can open, in the order
# `_GRID_STARTS` tries them, and one pattern for all their markers: most rows open nothing, and
# one search tells so for the price of one marker test.
_LATER = {current: tuple((name, markers) for name, markers in _GRID_STARTS
                         if SECTIONS.index(name) > (SECTIONS.index(current) if current else -1))
          for current in (None, *SECTIONS)}
_ANY_LATER = {current: re.compile("|".join(re.escape(m) for _name, markers in later for m in markers))
              for current, later in _LATER.items() if later}


def grid_sections(tables: list[Grid]) -> dict[str, list[Cell]]:
    """Cells of each section from the document's grids, assigned row by row: a section drawn as
    several tables (one per 第二十条 item, or split by a PDF page) and several sections drawn as
    one table both come out whole. Rows before the first section's opening row are ignored; once
    the last section is open no row can open another, so its rows are not read for markers."""
    rows: dict[str, list[list[str | None]]] = {}
    current: str | None = None
    later, any_later = _LATER[None], _ANY_LATER[None]
    for grid in tables:
        for row in grid:
            if later and any_later.search(row_text := label_key("".join([cell for cell in row if cell]))):
                for name, markers in later:
                    if any(m in row_text for m in markers):
                        current, later, any_later = name, _LATER[name], _ANY_LATER.get(name)
                        break
            if current is not None:
                rows.setdefault(current, []).append(row)
    return {name: grid_cells([section_rows]) for name, section_rows in rows.items()}
