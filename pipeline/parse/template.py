"""The national template's three statistics tables, read from classified cells.

Rows are found by their labels (contract.ITEM_PATTERNS), never by position, so the same code
reads every layout and both templates (2021: (六) in three rows; 2019: one (六) row).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import islice, product
from math import prod
from operator import itemgetter
from typing import Any

from pipeline import contract
from pipeline.parse.cells import BREAK, EMPTY, LABEL, VALUE, Cell
from pipeline.parse.digits import MAX_SPLITS, Split, total_is_sum
from pipeline.parse.rows import Row, Span, assemble, row_from_cells

_KIND = itemgetter(0)  # a Cell's kind: `bytes(map(_KIND, cells))` spells a section's kinds at C level
_VALUE, _LABEL, _BREAK = bytes([VALUE]), bytes([LABEL]), bytes([BREAK])

_ITEM_RE = re.compile("|".join(f"(?P<{item}>{pattern})" for item, pattern in contract.ITEM_PATTERNS.items()))
N_APPLICANTS = len(contract.APPLICANTS)
N_OUTCOMES = len(contract.OUTCOMES)
REVIEW_WIDTH = len(contract.REVIEW_GROUPS) * N_OUTCOMES


def _rows_of(labels: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for name, (row, _column) in labels.items():
        rows.setdefault(row, []).append(name)
    return rows


PROACTIVE_ROWS = {"2021": _rows_of(contract.PROACTIVE_2021_LABELS), "2019": _rows_of(contract.PROACTIVE_2019_LABELS)}


@dataclass
class Table:
    """What one statistics table yielded: values by key, raw null tokens, and problems."""

    rows: dict[str, Any] = field(default_factory=dict)  # item/group -> counts; field -> value
    raw: dict[str, str] = field(default_factory=dict)  # "key.column" -> "—"
    problems: list[Row] = field(default_factory=list)  # rows that could not be read for sure
    found: list[str] = field(default_factory=list)  # keys whose label was found, in order
    missing_columns: list[str] = field(default_factory=list)  # applicant columns the header lacks
    rows_opened: bool = False  # every row starts with an empty cell (a lone "|" line, seed 003)
    conflicts: list[str] = field(default_factory=list)  # keys printed twice with different counts


def _spans(cells: list[Cell], match: Callable[[str], str | None], width_of: Callable[[str], int],
           bare: Callable[[list[Cell], int, str], str | None] | None = None) -> list[Span]:
    """Cut the cells at row labels; `match(key)` names the row a label starts, or None. A label
    that names no row, or the end of a line, ends the current row once it has values; before that
    the label is the rest of the row's own label, wrapped into a second cell or line
    ("1.本机关不掌握相关" / "政府信息"). `bare(cells, i, previous key)` names the row a label that
    `match` cannot place alone starts there, if any."""
    spans: list[Span] = []
    run = indent = 0
    collected: list[Cell] | None = None
    for i, cell in enumerate(cells):
        kind, text, _value = cell
        if kind == VALUE:
            run = indent = 0
        elif kind == LABEL:
            run += 1
            key = match(text)
            if key is None and bare is not None and spans:
                key = bare(cells, i, spans[-1].key)
            if key is None:
                if collected is not None and any(c[0] == VALUE for c in collected):
                    collected = None  # otherwise the label continues the row's own (split) label
            else:
                current = Span(key, width_of(key), run, indent, [])
                spans.append(current)
                collected = current.cells
            continue
        elif kind == BREAK:
            # A row line usually ends with a value: the scan for one, then the look at the next
            # line, are for the rest.
            if collected is not None and ((collected and collected[-1][0] == VALUE)
                                          or any(c[0] == VALUE for c in collected)
                                          or not _values_wrap_label(cells, i + 1, match)):
                collected = None
            run = indent = 0
            continue
        elif run == 0:
            indent += 1
        if collected is not None:
            collected.append(cell)
    if spans:
        spans[-1].last = True
    return spans


def _values_wrap_label(cells: list[Cell], start: int, match: Callable[[str], str | None]) -> bool:
    """Whether the line from `start` holds the values of the row whose label ended the line before:
    a label wrapped in a borderless PDF table prints its first line above the row's vertically
    centred values and the rest below them. So the line must hold values and no label, and the
    line after it must open with words that name no row. Numbers wrapped in narrow columns put
    digits both above and below a label's line instead ("1,59" / label / "5"): where the line
    above the label holds only values, or pieces of numbers show in the table, the row stays
    unread rather than take half its numbers."""
    end = _line_end(cells, start)
    if not _bare_values(cells[start:end]):
        return False
    following = next((c for c in islice(cells, end + 1, None) if c[0] != EMPTY), None)
    if following is None or following[0] != LABEL or match(following[1]) is not None:
        return False
    if not any(ch.isalpha() for ch in following[1]) or _wrapped_numbers(cells):
        return False
    label_start = _line_start(cells, start - 1)  # cells[start - 1] is the break ending the label's line
    return not label_start or not _bare_values(cells[_line_start(cells, label_start - 1) : label_start - 1])


def _line_start(cells: list[Cell], end: int) -> int:
    """Where the line holding the cells before `end` starts: just after the break before them."""
    while end > 0 and cells[end - 1][0] != BREAK:
        end -= 1
    return end


def _line_end(cells: list[Cell], start: int) -> int:
    """The index of the break ending the line from `start` (the end of the cells if none does)."""
    while start < len(cells) and cells[start][0] != BREAK:
        start += 1
    return start


def _bare_values(line: list[Cell]) -> bool:
    """Whether a line holds values and no label: a row's values, or halves of wrapped numbers."""
    kinds = {kind for kind, _text, _value in line}
    return VALUE in kinds and LABEL not in kinds


_NUMBER_PIECE = re.compile(r"(?=[^\d]*\d)(?=[^,]*,)[\d,]+")  # digits and commas, at least one of each
_PIECE_OPENERS = frozenset("0123456789,")


def _wrapped_numbers(cells: list[Cell]) -> bool:
    """Whether the table holds pieces of numbers ("1,59", "250,"): digits and separators that read
    as no number, left where a number wrapped inside a narrow column (borderless PDFs) and its other
    half went to another line. There a short row's digits did not run together, they are missing,
    and splitting one number to make the row add up would invent counts: no run-together recovery."""
    for kind, text, _value in cells:  # a plain loop, the regex only for labels opening with a digit
        if kind == LABEL and text[:1] in _PIECE_OPENERS and _NUMBER_PIECE.fullmatch(text):
            return True
    return False


def _bare_value_lines(cells: list[Cell]) -> bool:
    """Whether, where lines are rows, a line holds values and no label: the other half of numbers
    (or labels) wrapped onto a line of their own. Such a table's short rows lack numbers rather
    than run digits together, so no run-together recovery either."""
    start = 0
    for k, (kind, _text, _value) in enumerate(cells):
        if kind == BREAK:
            if _bare_values(cells[start:k]):
                return True
            start = k + 1
    return start > 0 and _bare_values(cells[start:])  # the last line, where there are lines


_BARE_ITEMS = tuple((re.compile(pattern), item, frozenset(after))
                    for item, (pattern, after) in contract.ITEM_BARE_PATTERNS.items())


def _bare_item(cells: list[Cell], i: int, previous: str) -> str | None:
    """The row a label printed without its number ("其他", "总计") starts at `i`: only after the
    rows it follows in the template, and only where values come next, since the same words head
    applicant columns (a PDF table's header repeated after a page break, before the (六) rows end)."""
    text = cells[i][1]
    for pattern, item, after in _BARE_ITEMS:
        if previous in after and pattern.fullmatch(text):
            following = next((c for c in islice(cells, i + 1, None) if c[0] != EMPTY and c[0] != BREAK), None)
            return item if following is not None and following[0] == VALUE else None
    return None


@lru_cache(maxsize=8192)
def _item_of(key: str) -> str | None:
    """The section-三 row a label starts (cached: the same template labels recur in every report)."""
    m = _ITEM_RE.search(key)
    return m.lastgroup if m else None


def _counts(row: Row) -> list[int | None]:
    """Counts as integers: "3.0" is 3; a fractional count ("1.5") is not a count, so it is null
    with its text kept as the raw token. (A row of integers is its own list of counts: a row's
    values are a list of its own, which nothing changes afterwards.)"""
    values = row.values or []
    if float not in map(type, values):
        return values
    counts: list[int | None] = []
    for i, value in enumerate(values):
        if isinstance(value, float):
            if value.is_integer():
                value = int(value)
            else:
                row.raw[i] = row.cells[i][1] if row.cells else str(value)  # a cell's text
                value = None
        counts.append(value)
    return counts


def _collect(table: Table, rows: list[Row], columns: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for row in rows:
        key = row.key
        if key in seen:
            # A label repeated (in a note, a header a page break repeats) never overrides the first
            # row read; printed again with other counts, neither reading is sure (a damaged file
            # doubling part of its table cuts the first copy short).
            if row.values is not None and key in table.rows and _counts(row) != table.rows[key]:
                table.conflicts.append(key)
                del table.rows[key]
            continue
        seen.add(key)
        if row.values is None:
            table.problems.append(row)
            continue
        table.rows[key] = _counts(row)
        if any(row.raw):  # a null token in the row (unusual); a token is never ""
            for column, token in zip(columns, row.raw):
                if token is not None:
                    table.raw[f"{key}.{column}"] = token


def _header_columns(cells: list[Cell]) -> tuple[str, ...]:
    """The applicant columns the section-三 header names, in template order; all seven when the
    header is missing or too garbled to tell (fewer than five named)."""
    header: list[str] = []
    for kind, text, _value in cells:
        if kind == LABEL:
            if _item_of(text):
                break
            header.append(text)
    return _named_columns("".join(header))  # header words split over cells ("商业" / "企业") join up again


@lru_cache(maxsize=1024)
def _named_columns(text: str) -> tuple[str, ...]:
    """`_header_columns` of the header's text (cached: most reports print the template's header)."""
    group = text.count(contract.ORGANISATION_GROUP_LABEL)
    named = tuple(a for a, label in contract.APPLICANT_LABELS.items()
                  if text.count(label) - (group if label in contract.ORGANISATION_GROUP_LABEL else 0) > 0)
    return named if len(named) >= len(contract.APPLICANTS) - 2 else contract.APPLICANTS


def _widen(values: list, columns: tuple[str, ...]) -> list:
    """A row read under `columns` placed in the seven template columns (null where absent)."""
    out = [None] * N_APPLICANTS
    for column, value in zip(columns, values):
        out[contract.APPLICANTS.index(column)] = value
    return out


def read_applications(cells: list[Cell], runs: bool = False) -> Table:
    """Section 三: item -> 7 applicant counts. The 2019 single (六)其他处理 row is an item only when
    the 2021 sub-rows are absent (in 2021 reports the same label heads the three sub-rows).
    A column the header does not name (a table printed without "其他") is read as absent, so the
    other columns stay sure; its cells are null and `missing_columns` names it. `runs`: the cells
    are a text dump's tokens, whose digits may run together in any row (`rows.assemble`)."""
    columns = _header_columns(cells)
    width = len(columns)
    spans = _spans(cells, _item_of, lambda _key: width, _bare_item)
    keys = {s.key for s in spans}
    if keys & set(contract.ITEMS_2021_ONLY):
        spans = [s for s in spans if s.key != "other_processed"]
    table = Table(found=[s.key for s in spans], rows_opened=len(spans) > 2 and all(s.indent for s in spans))
    # looked at once a split is tried: most tables try none
    wrapped = cache(lambda: _wrapped_numbers(cells) or _bare_value_lines(cells))

    def accept(_row_width: int, split: Split) -> bool:
        return width == N_APPLICANTS and not wrapped() and total_is_sum(split, N_APPLICANTS)

    rows = assemble(spans, accept, runs=runs)
    _collect(table, [_reopened(row) for row in rows] if runs else rows, columns)
    if width != N_APPLICANTS:
        table.missing_columns = [a for a in contract.APPLICANTS if a not in columns]
        table.rows = {key: _widen(values, columns) for key, values in table.rows.items()}
    else:
        resolve_by_columns(table)
    return table


def _reopened(row: Row) -> Row:
    """In a text dump, a row whose digits cut several ways of which one adds up stays open for the
    column rules (`resolve_by_columns`): a row rule met by chance must not make a reading (a
    number whose separator was lost in an odd place leaves a run short of digits)."""
    if row.status == "recovered" and row.candidates:
        return Row(row.key, row.width, None, status="ambiguous", candidates=row.candidates, found=row.found)
    return row


def _review_cells(cells: list[Cell], kinds: bytes, first: int) -> tuple[list[Cell], bool]:
    """The non-label cells of the section-四 values, and whether they are positional: the whole
    line holding the first value where lines are rows and it holds all 15; else every non-label
    cell after the header (also when a portal draws one row per group). `kinds`: each cell's kind,
    so the line ends and the last label are found by C-level searches."""
    if _BREAK in kinds:
        start = kinds.rfind(_BREAK, 0, first) + 1
        end = kinds.find(_BREAK, first)
        line = [c for c in cells[start : end if end >= 0 else len(cells)] if c[0] != LABEL]
        if len(line) == REVIEW_WIDTH:
            return line, True
    start = kinds.rfind(_LABEL, 0, first) + 1
    return [c for c in cells[start:] if c[0] not in (LABEL, BREAK)], False


def _review_windows(body: list[Cell], rows_opened: bool) -> list[list[Cell]]:
    """The 15-cell windows that hold every value of the row; windows breaking rule 5 where it is
    assessable are dropped. Where rows open with an empty cell, the row is the last 15 cells (the
    empty cells before it are the previous row's spans and its opener)."""
    filled = [i for i, c in enumerate(body) if c[0] != EMPTY]
    first, last = filled[0], filled[-1]
    windows = [body[s : s + REVIEW_WIDTH] for s in range(max(last - REVIEW_WIDTH + 1, 0), first + 1)
               if s + REVIEW_WIDTH <= len(body)]
    if len(windows) > 1:
        windows = [w for w in windows if _rule5_holds([value for _kind, _text, value in w])]
    if len(windows) > 1 and rows_opened and windows[-1] == body[-REVIEW_WIDTH:]:
        return windows[-1:]
    return windows


def _rule5_holds(values: list[int | float | None]) -> bool:
    groups = [values[g : g + N_OUTCOMES] for g in range(0, REVIEW_WIDTH, N_OUTCOMES)]
    return all(None in g or g[-1] == sum(g[:-1]) for g in groups)


def _printed_review(cells: list[Cell], kinds: bytes, first: int, rows_opened: bool,
                    rule5: Callable[[int, Split], bool]) -> Row:
    """The section-四 row of a layout whose cells are printed apart (the first value at `first`)."""
    body, positional = _review_cells(cells, kinds, first)
    windows = [body] if positional else _review_windows(body, rows_opened)
    if _wrapped_numbers(cells):
        # Some value seen is half a wrapped number, and a row of halves can still add up: where
        # only one count of a group is large, the total's upper digits are the same as that count's
        # ("131," above "071" and "494": 421 + 071 + 2 + 0 = 494). No reading by position then.
        return Row("review_litigation", REVIEW_WIDTH, None, status="ambiguous", found=sum(c[0] == VALUE for c in body))
    if len(windows) == 1:
        return row_from_cells("review_litigation", windows[0])
    (row,) = assemble([Span("review_litigation", REVIEW_WIDTH, 0, 0, body)], rule5, single_row=True)
    return row


def read_review(cells: list[Cell], rows_opened: bool = False, runs: bool = False) -> Table:
    """Section 四: the one row of 15 counts after the header, as group -> 5 outcomes.
    `rows_opened`: the layout opens every row with an empty cell (as section 三 shows). `runs`:
    the cells are a text dump's tokens: the row is the first run of them, cut by rule 5."""
    table = Table()
    kinds = bytes(map(_KIND, cells))
    first = kinds.find(_VALUE)
    if first < 0:
        return table
    table.found.append("review_litigation")
    rule5 = lambda _w, split: total_is_sum(split, N_OUTCOMES)  # noqa: E731
    if runs:
        end = kinds.find(_BREAK, first)
        run = cells[first : end if end >= 0 else len(cells)]
        (row,) = assemble([Span("review_litigation", REVIEW_WIDTH, 0, 0, run)], rule5, runs=True)
    else:
        row = _printed_review(cells, kinds, first, rows_opened, rule5)
    if row.values is None:
        table.problems.append(row)
        return table
    counts = _counts(row)
    for g, group in enumerate(contract.REVIEW_GROUPS):
        table.rows[group] = counts[g * N_OUTCOMES : (g + 1) * N_OUTCOMES]
        for o, outcome in enumerate(contract.OUTCOMES):
            token = row.raw[g * N_OUTCOMES + o]
            if token is not None:
                table.raw[f"{group}.{outcome}"] = token
    return table


def proactive_template(cells: list[Cell]) -> str | None:
    """"2021" or "2019" from the section-二 column headers, None when neither is recognisable."""
    for kind, text, _value in cells:
        if kind == LABEL and (template := _template_marked(text)):
            return template
    return None


@lru_cache(maxsize=8192)
def _template_marked(label: str) -> str | None:
    """The template a section-二 column header marks (cached: the same headers recur in every report)."""
    if any(m in label for m in contract.PROACTIVE_2021_MARKERS):
        return "2021"
    if any(m in label for m in contract.PROACTIVE_2019_MARKERS):
        return "2019"
    return None


def _in_wan(row: Row, column: int, cells: list[Cell]) -> bool:
    """Whether the procurement amount in `column` of `row` is in 万元: its cell says so, or the
    section's amount column header does. (Asked only of that one field, so the section's cells
    are not searched for the header in every report.)"""
    if row.cells and contract.TEN_THOUSAND_YUAN in row.cells[column][1]:  # the cell's text
        return True
    header = contract.PROACTIVE_2019_LABELS["procurement_amount_yuan"][1]
    return any(kind == LABEL and header in text and contract.TEN_THOUSAND_YUAN in text for kind, text, _value in cells)


def read_proactive(cells: list[Cell], template: str, runs: bool = False) -> Table:
    """Section 二: field -> value. The 2021 fee column is in 万元 by definition; the 2019
    procurement amount is converted to yuan where its column header or its cell says 万元.
    `runs`: a text dump's tokens; with no arithmetic to check, only a row's one possible cut is read."""
    rows = PROACTIVE_ROWS[template]

    def match(key: str) -> str | None:
        if key in rows:
            return key
        alias = contract.PROACTIVE_ROW_ALIASES.get(key)
        return alias if alias in rows else None

    spans = _spans(cells, match, lambda key: len(rows[key]))
    table = Table(found=[s.key for s in spans])
    for row in assemble(spans, lambda _w, _s: True, runs=runs):
        if row.values is None:
            table.problems.append(row)
            continue
        for column, (name, value) in enumerate(zip(rows[row.key], row.values)):
            if name in table.rows:
                continue  # a label repeated (e.g. in a note) never overrides the first row read
            if column < len(row.raw) and row.raw[column] is not None:
                table.raw[name] = row.raw[column]  # the null token, for findings on OCR'd cells
            if value is not None and name in contract.DECIMAL_PROACTIVE_FIELDS:
                value = float(value)
                if name == "procurement_amount_yuan" and _in_wan(row, column, cells):
                    value *= 10000
            elif isinstance(value, float):
                value = int(value) if value.is_integer() else None  # a count is whole
            table.rows[name] = value
    return table


_BALANCE = (("new_received", 1), ("carried_over", 1), ("total_processed", -1), ("carried_forward", -1))


def _equations(found: list[str]) -> list[tuple[tuple[str, int], ...]]:
    """Rules 1 and 2 as signed terms that sum to zero in every column; the result rows are those
    the table has."""
    results = tuple((item, -1) for item in contract.RESULT_ITEMS if item in found)
    return [_BALANCE, (("total_processed", 1), *results)]


def resolve_by_columns(table: Table) -> None:
    """Settle the rows the row rule leaves open with the column rules, over the whole table at
    once. Open rows are those whose run-together digits split several ways that add up
    ("ambiguous") or only one way that does not ("unsure": the report broke its row rule, or a
    blank vanished). Every assignment of one candidate per open row is tried against each column
    equation that involves an open row and whose other cells are all known; an open row is read
    when each of its columns was checked by such an equation and every assignment that satisfies
    all of them gives it the same values. (A check in every column, because a cut can add up by
    chance, above all where a blank cell vanished from the digits.) Otherwise it stays null: a rule
    the report's own numbers break leaves no assignment, so nothing is forced."""
    open_rows = [row for row in table.problems if row.candidates]
    if not open_rows:
        return
    index = {row.key: k for k, row in enumerate(open_rows)}
    # Each check: (column, the open rows' (index, sign), the known rows' signed sum in that column).
    checks: list[tuple[int, list[tuple[int, int]], int]] = []
    for terms in _equations(table.found):
        opened = [(index[item], sign) for item, sign in terms if item in index]
        others = [(table.rows.get(item), sign) for item, sign in terms if item not in index]
        for column in range(N_APPLICANTS):
            known = [sign * row[column] for row, sign in others if row is not None and row[column] is not None]
            if opened and len(known) == len(others):
                checks.append((column, opened, sum(known)))
    checked = {(k, column) for column, opened, _known in checks for k, _sign in opened}
    # A check on one open row filters its candidates alone; the rest are tried together.
    candidates = [list(row.candidates) for row in open_rows]
    for column, opened, known in checks:
        if len(opened) == 1:
            ((k, sign),) = opened
            candidates[k] = [c for c in candidates[k] if known + sign * c[column] == 0]
    joint = [check for check in checks if len(check[1]) > 1]
    if prod(map(len, candidates)) > MAX_SPLITS:
        return
    seen: list[set[tuple[int, ...]]] = [set() for _ in open_rows]
    for choice in product(*candidates):
        if all(known + sum(sign * choice[k][column] for k, sign in opened) == 0 for column, opened, known in joint):
            for k, split in enumerate(choice):
                seen[k].add(tuple(split))
    for k, row in enumerate(open_rows):
        if len(seen[k]) == 1 and all((k, c) in checked for c in range(N_APPLICANTS)):
            table.rows[row.key] = list(next(iter(seen[k])))
            table.problems.remove(row)


def label_item(key: str) -> str | None:
    """The section-三 row a label names on its own (`pipeline.parse.markdown` reads rows by it)."""
    return _item_of(key)


def header_width(cells: list[Cell]) -> int:
    """How many applicant columns the section-三 header in `cells` names (all seven when it names
    too few to tell), for readers that check a row's width before the template reads it."""
    return len(_header_columns(cells))
