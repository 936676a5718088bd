"""Findings on cells read by OCR, and the rows OCR may have misread.

The OCR reader writes `OCR_UNSURE_TOKEN` (a null token) for a cell it cannot read for sure; here
each such cell gets its `ocr_uncertain` finding. A misread digit can also pass every confidence
test, so a row read by OCR whose total is not the sum of its parts is not trusted either: its
cells are left null, each with an `ocr_uncertain` finding, rather than kept with a rule finding
as a printed mistake would be (the image cannot tell the two apart).
"""

from __future__ import annotations

from pipeline.contract import APPLICANTS, OCR_UNSURE_TOKEN, OUTCOMES
from pipeline.record import Finding, Report


def _unsure(item: str, column: str | None, message: str) -> Finding:
    return Finding(rule="ocr_uncertain", item=item, applicant=column, message=message)


def _adds_up(values: list[int | None]) -> bool:
    """A row's last cell (its total) is the sum of the others, or a cell is unknown."""
    return None in values or values[-1] == sum(values[:-1])  # type: ignore[arg-type]


def check_ocr_cells(report: Report, proactive_raw: dict[str, str]) -> None:
    """Add the findings on the OCR'd cells of `report`, nulling the rows that do not add up."""
    findings = report.findings
    for key, token in report.raw_tokens.items():
        if token == OCR_UNSURE_TOKEN:
            item, column = key.split(".", 1)
            if item in report.applications:
                findings.append(_unsure(item, column, f"section 三 cell {key} could not be read for sure by OCR; left null"))
            else:
                findings.append(_unsure("review_litigation", key, f"section 四 cell {key} could not be read for sure by OCR; left null"))
    for name, token in proactive_raw.items():
        if token == OCR_UNSURE_TOKEN:
            findings.append(_unsure(name, None, f"section 二 cell {name} could not be read for sure by OCR; left null"))
    for item, values in report.applications.items():
        if not _adds_up(values):
            report.applications[item] = [None] * len(values)
            findings += [_unsure(item, column, f"section 三 row {item}: its total is not the sum of its cells as OCR "
                                               f"read them ({values}); left null") for column in APPLICANTS]
    for group, values in report.review_litigation.items():
        if not _adds_up(values):
            report.review_litigation[group] = [None] * len(values)
            findings += [_unsure("review_litigation", f"{group}.{outcome}", f"section 四 group {group}: its total is not "
                                 f"the sum of its outcomes as OCR read them ({values}); left null") for outcome in OUTCOMES]
