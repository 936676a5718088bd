"""Findings the parser itself raises: rows it could not read for sure, rows and sections missing.

The contract's consistency rules (rule1–rule5) are computed over frames in `pipeline.validate`,
once, in Polars; these are the findings only the parser can know about.
"""

from __future__ import annotations

from pipeline import contract
from pipeline.errors import ParseError
from pipeline.parse.metadata import Metadata
from pipeline.parse.template import PROACTIVE_ROWS, Table
from pipeline.record import Finding

_PROBLEM_TEXT = {
    "ambiguous": "cells could not be told apart (blank, spanned or run-together digits); values left null",
    "column_count": "the number of cells does not match the template's columns; values left null",
    "empty": "row label without any cells; values left null",
    "unsure": "the only cut of the run-together digits breaks the template arithmetic; values left null",
}


# The section-三 rows of each template variant: the 2019 one has the single (六) row.
_ITEMS_2019 = [i for i in contract.ITEMS if i not in contract.ITEMS_2021_ONLY]
_ITEMS_2021 = [i for i in contract.ITEMS if i not in contract.ITEMS_2019_ONLY]


def _expected_items(table: Table) -> list[str]:
    return _ITEMS_2019 if "other_processed" in table.found else _ITEMS_2021


def check_applications_complete(table: Table, truncated_possible: bool) -> None:
    """Raise `truncated` when the text ends inside section 三: its last rows are missing (or the last
    row read is incomplete) and nothing follows the table."""
    if not truncated_possible:
        return
    expected = _expected_items(table)
    last = max((expected.index(i) for i in table.found if i in expected), default=-1)
    incomplete = {r.key for r in table.problems}
    if last < len(expected) - 1 or expected[last] in incomplete:
        item = expected[last] if last >= 0 and expected[last] in incomplete else expected[last + 1]
        raise ParseError("truncated", f"table truncated at row {item} ({contract.ITEM_LABELS[item]}): "
                                      "the text ends inside section 三")


def _row_findings(table: Table, what: str) -> list[Finding]:
    out = []
    for row in table.problems:
        rule = "ambiguous_row" if row.status in ("ambiguous", "empty", "unsure") else row.status
        detail = _PROBLEM_TEXT.get(row.status, row.status)
        if row.candidates and row.status == "ambiguous":
            detail = (f"{len(row.candidates)} ways to split the run-together digits add up; values left null"
                      if len(row.candidates) > 1 else
                      "the one split of the run-together digits that adds up breaks the column rules; values left null")
        out.append(Finding(rule=rule, item=row.key, expected=float(row.width), actual=float(row.found),
                           message=f"{what} row {row.key}: {detail} ({row.found} of {row.width} cells found)"))
    return out


def assemble_findings(applications: Table, review: Table, proactive: Table | None, template: str,
                      meta: Metadata) -> list[Finding]:
    findings = _row_findings(applications, "section 三")
    findings += [Finding(rule="missing_column", applicant=a,
                         message=f"section 三 has no {a} ({contract.APPLICANT_LABELS[a]}) column; its cells are null")
                 for a in applications.missing_columns]
    findings += _row_findings(review, "section 四")
    if proactive is not None:
        findings += _row_findings(proactive, "section 二")
        unread = {r.key for r in proactive.problems}
        for row_label, fields in PROACTIVE_ROWS[template].items():
            if row_label not in proactive.found and row_label not in unread:
                findings += [Finding(rule="missing_row", item=name, message=f"section 二 row {row_label} not found")
                             for name in fields]
    else:
        findings.append(Finding(rule="missing_section", item="proactive",
                                message="section 二 (主动公开政府信息情况) table not found"))
    if not review.found:
        findings.append(Finding(rule="missing_section", item="review_litigation",
                                message="section 四 (行政复议、行政诉讼情况) table not found"))
    found = set(applications.found)
    for item in _expected_items(applications):
        if item not in found:
            findings.append(Finding(rule="missing_row", item=item,
                                    message=f"section 三 row {item} ({contract.ITEM_LABELS[item]}) not found"))
    if meta.year is None:
        findings.append(Finding(rule="unknown_year", message="no statistics year in the title or the statistics period"))
    return findings
