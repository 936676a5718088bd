"""What PDF/OCR/LLM converters make of a report: markdown (or text holding markdown) whose tables broke.

Two shapes seen in real documents (../shared/corpus: shuyang-2025, sh-stcsm-2024):

- converted_rows: markdown headings for the body and a title with its year spaced out
  ("# …人民政府 2025 年 政府信息公开工作年度报告"); section 二 one table per article; section 三
  one pipe table per row, or per group of rows, each under a heading that repeats its label and
  headed with invented column names ("类别 | 数据1 … 数据6 | 总计"), empty placeholder tables of
  dashes for the applicant header, and the last rows under a header made of other rows' names;
  section 四 one table per group.
- converted_pdf: a PDF's table shattered: the year-first title wrapped over two lines, the header
  words cut where they wrapped (the heads loose, the tails a table row), and every section-三
  label that wrapped in its narrow column pulled out as loose lines of text, the numbers of its
  row left in a row of their own with no label; consecutive such rows give their loose labels
  first and then their rows.
"""

from __future__ import annotations

from typing import Any

from pipeline.contract import (
    APPLICANT_LABELS,
    APPLICANTS,
    APPLICATIONS_TABLE_LABELS,
    CONVERTED_COLUMN_FORMAT,
    CONVERTED_ROW_HEADER,
    ITEM_GROUP_LABELS,
    ITEMS,
    ORGANISATION_APPLICANTS,
    OUTCOME_LABELS,
    OUTCOMES,
    PROACTIVE_CONTENT_HEADER,
    REPORT_TITLE_FORMAT,
    REVIEW_GROUP_LABELS,
    REVIEW_GROUPS,
    REVIEW_LITIGATION_LABEL,
)
from pipeline.render.report import NUMBER_PREFIXES, Cell, ReportDoc, Table

CONVERTED_LAYOUTS = ("converted_rows", "converted_pdf")
_FULL_WIDTH_ITEMS = ("new_received", "carried_over", "total_processed", "carried_forward")
_WRAP = 11  # characters of a label that fit the PDF's narrow label column
_HEAD = 3  # characters of an applicant header that fit its column before the rest wraps
_TITLE_LINE = 20  # characters of the year-first title on its first line
_YEAR_WORD, _TITLE_WORDS = REPORT_TITLE_FORMAT.split("{year}")[1][0], REPORT_TITLE_FORMAT.split("{year}")[1][1:]


def _flat(cell: Cell | None) -> str:
    return "" if cell is None else "".join(cell.text.split("\n"))


def _line(texts: list[str]) -> str:
    return "| " + " | ".join(texts) + " |"


def _rule(width: int) -> str:
    return "|" + "---|" * width


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["", _line(header), _rule(len(header)), *map(_line, rows), ""]


def _unnumbered(text: str) -> str:
    return next((m.string[m.end():] for pattern in NUMBER_PREFIXES if (m := pattern.match(text))), text)


def _group_of(item: str) -> str | None:
    return next((g for g in ITEM_GROUP_LABELS if item.startswith(g + "_") and item != "other_processed"), None)


def _proactive(table: Table) -> list[str]:
    """One table per article: its heading, the column names, a row per subject."""
    lines: list[str] = []
    for row in table.rows:
        texts = [_flat(cell) for cell in row]
        if len(row) == 1:
            lines += ["", f"### {texts[0]}"]
        elif texts[0] == PROACTIVE_CONTENT_HEADER:
            lines += ["", _line(texts), _rule(len(texts))]
        else:
            lines.append(_line(texts))
    return [*lines, ""]


def _review(table: Table) -> list[str]:
    """One table per group, under a heading naming it."""
    values = [_flat(cell) for cell in table.rows[-1]]
    header = [OUTCOME_LABELS[o] for o in OUTCOMES]
    lines: list[str] = []
    for g, group in enumerate(REVIEW_GROUPS):
        name = REVIEW_GROUP_LABELS[group]
        lines += ["", f"### {name if group == 'review' else f'{REVIEW_LITIGATION_LABEL}（{name}）'}",
                  *_table(header, [values[g * len(OUTCOMES) : (g + 1) * len(OUTCOMES)]])]
    return lines


def _item_rows(table: Table, values: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(item, label as printed, value texts) of each section-三 row, in the table's order."""
    applications = values.get("applications") or {}
    items = [item for item in ITEMS if item in applications]
    return [(item, _flat(row[-len(APPLICANTS) - 1]), [_flat(cell) for cell in row[-len(APPLICANTS):]])
            for item, row in zip(items, table.rows[3:])]


def _applications_rows(table: Table, values: dict[str, Any]) -> list[str]:
    """Section 三 cut into a table per row (per group for grouped rows), the last rows under a
    header of other rows' names (the converter's misplaced header)."""
    invented = [CONVERTED_ROW_HEADER, *(CONVERTED_COLUMN_FORMAT.format(n=n) for n in range(1, len(APPLICANTS))),
                APPLICANT_LABELS["total"]]
    lines = [APPLICATIONS_TABLE_LABELS["balance_note"]]
    natural, total = APPLICANT_LABELS["natural_person"], APPLICANT_LABELS["total"]
    for heading, columns in ((natural, [natural]), (APPLICATIONS_TABLE_LABELS["organisations"],
                             [APPLICANT_LABELS[a] for a in ORGANISATION_APPLICANTS]), (total, [total])):
        # the applicant header as empty placeholder tables of dashes
        lines += ["", f"### {APPLICATIONS_TABLE_LABELS['applicants']} ({heading})",
                  *_table(columns, [["-"] * len(columns)])]
    rows = _item_rows(table, values)
    groups = [_group_of(item) for item, _label, _values in rows]
    last_group = next((g for g in reversed(groups) if g is not None), None)
    misplaced = groups.index(last_group) + 1 if last_group is not None else len(rows)
    misplaced_header = [CONVERTED_ROW_HEADER, *(_unnumbered(label) for _item, label, _texts in rows[:5]),
                        _unnumbered(rows[-1][1]) if rows else "", total]
    for k, (_item, label, texts) in enumerate(rows):
        if k == misplaced:
            lines += ["", _line(misplaced_header), _rule(len(misplaced_header))]
        if k < misplaced and (groups[k] is None or k == groups.index(groups[k])):
            heading = ITEM_GROUP_LABELS[groups[k]] if groups[k] else label
            lines += ["", f"### {heading}", "", _line(invented), _rule(len(invented))]
        lines.append(_line([label, *texts]))
    return [*lines, ""]


def _wrapped(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def _applications_pdf(table: Table, values: dict[str, Any]) -> list[str]:
    """Section 三 as a converter reads a PDF table: wrapped labels as loose lines, their numbers
    in rows without a label, each new piece of table opened as if its first row were a header."""
    lines = [APPLICATIONS_TABLE_LABELS["applicants"], *_wrapped(APPLICATIONS_TABLE_LABELS["balance_note"], 28),
             APPLICANT_LABELS["natural_person"] + APPLICANT_LABELS["total"],
             "".join(APPLICANT_LABELS[a][:_HEAD] for a in ORGANISATION_APPLICANTS[:4]),
             *(APPLICANT_LABELS[a] for a in ORGANISATION_APPLICANTS[4:])]
    tails = [APPLICANT_LABELS[a][_HEAD:] for a in ORGANISATION_APPLICANTS[:4]]
    lines += ["", _line(tails + [""] * (len(APPLICANTS) + 2 - len(tails))), _rule(len(APPLICANTS) + 2)]
    pending_labels: list[str] = []
    pending_rows: list[list[str]] = []
    in_table = True
    seen_groups: set[str] = set()
    for item, label, texts in _item_rows(table, values):
        group = _group_of(item)
        wraps = item not in _FULL_WIDTH_ITEMS and len(label) > _WRAP
        if group is not None and group not in seen_groups:
            seen_groups.add(group)
            pending_labels += _wrapped(ITEM_GROUP_LABELS[group], _HEAD)
        if wraps:
            pending_labels += _wrapped(label, _WRAP)
            pending_rows.append(texts)
            continue
        if pending_rows or pending_labels:
            lines += ["", *pending_labels]
            for texts_of_row in pending_rows:
                lines += [_line(texts_of_row), _rule(len(texts_of_row))]
            pending_labels, pending_rows, in_table = [], [], False
        lines.append(_line([label, *texts]))
        if not in_table:
            lines.append(_rule(len(texts) + 1))
            in_table = True
    if pending_rows or pending_labels:
        lines += ["", *pending_labels, *(_line(t) for t in pending_rows)]
    return [*lines, ""]


def _review_pdf(table: Table) -> list[str]:
    """Section 四 as one row of 15 numbers under the outcome headers' wrapped tails."""
    heads = [OUTCOME_LABELS[o] for o in OUTCOMES[:-1]]
    lines = [REVIEW_GROUP_LABELS["review"] + REVIEW_LITIGATION_LABEL,
             REVIEW_GROUP_LABELS["litigation_direct"] + REVIEW_GROUP_LABELS["litigation_after_review"],
             "".join(h[:2] for h in heads), OUTCOME_LABELS["total"], "".join(h[:2] for h in heads)]
    values = [_flat(cell) for cell in table.rows[-1]]
    tails = [h[2:] for h in heads] * len(REVIEW_GROUPS)
    return [*lines, "", _line(tails), _rule(len(tails)), _line(values), _rule(len(values)), ""]


def _spaced_title(values: dict[str, Any]) -> str:
    """The title as a markdown heading, the year set off by spaces."""
    return f"# {values['agency']} {values['year']} {_YEAR_WORD} {_TITLE_WORDS}"


def _year_first_title(values: dict[str, Any]) -> list[str]:
    """The title with its year first, wrapped as a centred PDF title is."""
    return _wrapped(f"{values['year']} {_YEAR_WORD}{values['agency']}{_TITLE_WORDS}", _TITLE_LINE)


def render_converted(report: ReportDoc, values: dict[str, Any], layout: str) -> str:
    """The report as a converter's markdown in one of CONVERTED_LAYOUTS."""
    tables = [block for block in report.blocks if isinstance(block, Table)]
    proactive, applications, review = tables
    pdf = layout == "converted_pdf"
    lines: list[str] = []
    for block in report.blocks:
        if isinstance(block, Table):
            if block is proactive:
                lines += _proactive(block)
            elif block is applications:
                lines += _applications_pdf(block, values) if pdf else _applications_rows(block, values)
            else:
                lines += _review_pdf(block) if pdf else _review(block)
        elif block.kind == "title":
            lines += _year_first_title(values) if pdf else [_spaced_title(values)]
        elif block.kind == "heading" and not pdf:
            lines += ["", f"## {block.text}", ""]
        else:
            lines.append(block.text)
    return "\n".join(lines) + "\n"
