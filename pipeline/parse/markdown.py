"""Section 三 as converters (PDF/OCR/LLM → markdown or text) break it up.

Converters do not keep the template's one table: they cut it into many small pipe tables, one per
row or per group, each with a header of its own whose column names they invent ("数据1" … "数据6",
or the names of other rows); they put headings and loose lines of text between the tables, and a
label that wrapped in the PDF is pulled out of its row as loose text, leaving its numbers in a row
with no label. Read as one table, such text loses rows or gives them the wrong labels.

So here only the table rows are read, and loose text is never a label (it is the wrapped rest of
several labels, in no reliable order). A row that names its item is read as that item. A row of
numbers with no label is placed only where that is sure: between the labelled rows around it,
the template leaves exactly as many rows as there are such rows (in one template variant, or the
same ones in both), and each placed row adds up (its total is the sum of the other columns).
Anything else is left out, so its template rows are reported missing: null with a finding.
The header is only the rows of words right above the first row with numbers (back to a
placeholder row of dashes); headers of later tables are not rows. The result is a clean cell
sequence for `template.read_applications`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import contract
from pipeline.parse.cells import BREAK, EMPTY, LABEL, VALUE, Cell, classify_all, label_key, normalize
from pipeline.parse.digits import total_is_sum
from pipeline.parse.template import header_width, label_item

_RULE_RE = re.compile(r"\|(?:\s*:?-{3,}:?\s*\|)+|:?-{3,}:?(?:\s*\|\s*:?-{3,}:?)+")
_BARE = tuple((item, re.compile(pattern)) for item, (pattern, _after) in contract.ITEM_BARE_PATTERNS.items())
# The rows of section 三 in each template variant, in template order.
_VARIANTS = tuple(tuple(i for i in contract.ITEMS if i not in excluded)
                  for excluded in (contract.ITEMS_2019_ONLY, contract.ITEMS_2021_ONLY))
_ITEM_LABEL_CELLS = {item: (LABEL, label_key(normalize(label)), None) for item, label in contract.ITEM_LABELS.items()}
_ROW_BREAK: Cell = (BREAK, "", None)


def broken_tables(region: str) -> bool:
    """Whether a section's text holds converter-made pipe tables: more than one markdown table
    (two rule lines "|---|…"), where a portal's own markdown has one table per section."""
    rules = 0
    for line in region.split("\n"):
        if "---" in line and _RULE_RE.fullmatch(line.strip()):
            rules += 1
            if rules == 2:
                return True
    return False


@dataclass
class _Row:
    """A table row with numbers: its item when a label names one, else the bare item its label may
    be ("其他", "总计"), and the cells after its labels."""

    item: str | None
    bare: str | None
    values: list[Cell]


def _table_rows(region: str) -> list[list[Cell]]:
    """The classified cells of every pipe row (rule lines and every other line left out)."""
    rows: list[list[Cell]] = []
    for line in region.split("\n"):
        text = line.strip()
        if text.startswith("|") and not ("---" in text and _RULE_RE.fullmatch(text)):
            cells: list[Cell] = []
            classify_all(text.removeprefix("|").removesuffix("|").split("|"), cells)
            rows.append(cells)
    return rows


def _value_row(cells: list[Cell]) -> _Row | None:
    """The row's item and values; None for a row without a value (a header's words)."""
    kinds = [kind for kind, _text, _value in cells]
    if VALUE not in kinds:
        return None
    last_label = max((i for i, kind in enumerate(kinds) if kind == LABEL), default=-1)
    labels = [text for kind, text, _value in cells[: last_label + 1] if kind == LABEL]
    item = next((found for text in reversed(labels) if (found := label_item(text))), None)
    bare = next((b for b, pattern in _BARE if labels and pattern.fullmatch(labels[-1])), None)
    if VALUE in kinds[: last_label + 1]:  # numbers before a label: no template row, and in the way
        return _Row(None, None, cells)  # of placing any (it never adds up: it holds a label)
    return _Row(item, bare, cells[last_label + 1 :])


def _opens_rows(cells: list[Cell]) -> bool:
    """Whether a row is a template row rather than a placeholder of dashes: it holds a number,
    or it has values and a label naming its item."""
    row = _value_row(cells)
    return row is not None and (row.item is not None or any(isinstance(v, (int, float)) for _k, _t, v in row.values))


def _trimmed(values: list[Cell], width: int) -> list[Cell]:
    """The values without the empty cells past the template's width: a wider table's padding at
    the end, or its label columns left empty at the start ("|  | 1 | 0 | … |"). Where more than one
    way to drop them is possible ("|  | 1 | … | 1 |  |"), the row is left too wide: not read."""
    extra = len(values) - width
    if extra <= 0:
        return values
    kinds = [kind for kind, _text, _value in values]
    lead = next((i for i, kind in enumerate(kinds) if kind != EMPTY), len(kinds))
    trail = next((i for i, kind in enumerate(reversed(kinds)) if kind != EMPTY), len(kinds))
    ways = [front for front in range(extra + 1) if front <= lead and extra - front <= trail]
    return values[ways[0] : len(values) - (extra - ways[0])] if len(ways) == 1 else values


def _adds_up(values: list[Cell], width: int) -> bool:
    """Whether a row is a whole template row: all its columns, and (where none is null) the total
    is the sum of the others."""
    if len(values) != width or any(kind == LABEL for kind, _text, _value in values):
        return False
    numbers = [value for _kind, _text, value in values]
    return None in numbers or width != len(contract.APPLICANTS) or total_is_sum(numbers, width)


def _segment_places(variant: tuple[str, ...], before: str | None, after: str | None,
                    rows: list[_Row], width: int) -> list[str] | None:
    """The items of `variant` the unlabelled rows between `before` and `after` (None: the table's
    edge) take, when the template leaves exactly that many rows there; else None."""
    if (before is not None and before not in variant) or (after is not None and after not in variant):
        return None
    start = variant.index(before) + 1 if before is not None else 0
    end = variant.index(after) if after is not None else len(variant)
    gap = variant[start:end]
    if len(gap) != len(rows):
        return None
    if any(row.bare not in (None, item) or not _adds_up(row.values, width) for row, item in zip(rows, gap)):
        return None
    return list(gap)


def _placements(rows: list[_Row], width: int) -> dict[int, str]:
    """Index in `rows` -> item for every unlabelled row whose place is sure (see the module doc)."""
    labelled = [i for i, row in enumerate(rows) if row.item is not None]
    order = [rows[i].item for i in labelled]
    placed: dict[int, str] = {}
    bounds = [-1, *labelled, len(rows)]
    for lo, hi in zip(bounds, bounds[1:]):
        unlabelled = rows[lo + 1 : hi]
        if not unlabelled:
            continue
        before = rows[lo].item if lo >= 0 else None
        after = rows[hi].item if hi < len(rows) else None
        options = {tuple(p) for variant in _VARIANTS if _in_order(order, variant)
                   if (p := _segment_places(variant, before, after, unlabelled, width)) is not None}
        if len(options) == 1:
            placed.update(zip(range(lo + 1, hi), options.pop()))
    return placed


def _in_order(items: list[str | None], variant: tuple[str, ...]) -> bool:
    """Whether the labelled rows all belong to the template variant and come in its order."""
    if any(item not in variant for item in items):
        return False
    positions = [variant.index(item) for item in items]
    return all(a < b for a, b in zip(positions, positions[1:]))


def applications_cells(region: str) -> list[Cell]:
    """The cells of section 三 from converter-made text: the header above the first row with
    numbers, then one row per template row read for sure, each its label and its values."""
    table_rows = _table_rows(region)
    first = next((k for k, cells in enumerate(table_rows) if _opens_rows(cells)), None)
    if first is None:
        return []
    start = first
    while start and _value_row(table_rows[start - 1]) is None:
        start -= 1  # the header: the rows of words right above, back to a placeholder of dashes
    header: list[Cell] = []
    for cells in table_rows[start:first]:
        header += [*cells, _ROW_BREAK]
    width = header_width(header)
    rows: list[_Row] = []
    for cells in table_rows[first:]:
        row = _value_row(cells)
        if row is None:
            continue  # a later table's header, or a misplaced one: never a row
        row.values = _trimmed(row.values, width)
        if len(row.values) != width and all(kind != LABEL and value is None for kind, _text, value in row.values):
            continue  # a placeholder of dashes ("| - | - |") where the converter lost header cells
        rows.append(row)
    placed = _placements(rows, width)
    out = header
    for i, row in enumerate(rows):
        item = row.item or placed.get(i)
        if item is not None:
            out += [_ITEM_LABEL_CELLS[item], *row.values, _ROW_BREAK]
    return out
