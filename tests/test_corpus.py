"""Real reports nobody here wrote (`../shared/corpus`, beside every clone) parse to their hand-read gold.

Each case is the document as a portal or archive served it; `gold.json` was read cell by cell by
hand. Every gold cell must come out exact, a gold key that is absent (not readable for sure) must
stay null, and each template rule the report's own numbers break (`known_inconsistencies`) must be
recorded as a finding, with the report kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import contract
from pipeline.accuracy import Comparison, case_gold, case_source, compare, corpus_cases
from pipeline.frames import reports_to_frames
from pipeline.parse.files import parse_path
from pipeline.record import Report
from pipeline.validate import validation_findings

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CASES = corpus_cases(CORPUS)
needs_corpus = pytest.mark.skipif(not CASES, reason=f"the real-report corpus is not at {CORPUS}")


def _parsed(case: Path) -> Report:
    result = parse_path(str(case_source(case)))
    assert isinstance(result, Report), f"{case.name}: no report: {result}"
    return result


def _finding_names(report: Report) -> set[str]:
    """The report's consistency findings in gold's spelling: rule1:<applicant>, rule3:<item>, rl:<group>."""
    names = set()
    for row in validation_findings(reports_to_frames([report])).iter_rows(named=True):
        rule = row["rule"]
        if rule in ("rule1", "rule2"):
            names.add(f"{rule}:{row['applicant']}")
        elif rule == "rule3":
            names.add(f"rule3:{row['item']}")
        elif rule == "rule5":
            names.add(f"rl:{row['applicant'].removesuffix('.total')}")
    return names


# Gold cells these documents do not print for sure, read by hand from elsewhere (the case's HTML
# twin, or a sentence of its narrative; see each gold.json's notes). The parser leaves them null
# with a finding, as it must: these lists say exactly which, so a cell that turns wrong, or one
# that a new rule reads, fails the test. (Counting their rows' cells: 41 of the corpus's 7,584.)
NOT_IN_THE_DOCUMENT: dict[str, tuple[str, set[str]]] = {
    "pingtan-104906": ("规范性文件 '3024' cuts as 3/0/24 or 30/2/4; the HTML twin settles it",
                       {"proactive.normative_issued", "proactive.normative_repealed", "proactive.normative_in_force"}),
    "pingtan-104919": ("规范性文件's digits cut several ways; the HTML twin settles them",
                       {"proactive.normative_issued", "proactive.normative_repealed", "proactive.normative_in_force"}),
    "pingtan-80594": ("采购 '1973601627.4元' cuts several ways; the narrative's sentence settles it",
                      {"proactive.procurement_items", "proactive.procurement_amount_yuan"}),
    "pingtan-80608": ("two rows print six zeros for seven cells; only the HTML shows the 总计 is the blank",
                      {f"applications.{item}[{i}]" for item in ("granted", "partially_granted") for i in range(6)}),
    "pingtan-96868": ("结转下年度 prints six zeros for seven cells; only the HTML shows which is blank",
                      {f"applications.carried_forward[{i}]" for i in (0, 2, 3, 4, 5, 6)}),
    "pingtan-96777": ("section 四's 17 digits have no cut that adds up (the report breaks rule 5); the HTML has them",
                      {f"review_litigation.{group}[{i}]" for group in contract.REVIEW_GROUPS for i in range(5)}),
}


def _operands(rule: str, gold: dict) -> dict[str, int | None]:
    """The gold cells a rule (in gold's spelling) adds up, by cell name."""
    name, _, where = rule.partition(":")
    apps = gold["applications"]
    if name in ("rule1", "rule2"):
        column = contract.APPLICANTS.index(where)
        items = (("new_received", "carried_over", "total_processed", "carried_forward") if name == "rule1"
                 else ("total_processed", *(i for i in contract.RESULT_ITEMS if i in apps)))
        return {f"applications.{i}[{column}]": apps[i][column] for i in items}
    if name == "rule3":
        return {f"applications.{where}[{c}]": v for c, v in enumerate(apps[where])}
    return {f"review_litigation.{where}[{c}]": v for c, v in enumerate(gold["review_litigation"][where])}


def _row_of(cell: str) -> str:
    """The row a finding names for a gold cell ("applications.granted[3]" → granted; a section-二
    field → its row label; section 四 is one row)."""
    table, _, key = cell.partition(".")
    key = key.split("[")[0]
    if table == "proactive":
        return {**contract.PROACTIVE_2019_LABELS, **contract.PROACTIVE_2021_LABELS}[key][0]
    return "review_litigation" if table == "review_litigation" else key


def _expected_findings(gold: dict, unread: set[str]) -> set[str]:
    """The rules gold lists as broken, less those with a blank operand (check_gold.py counts a
    blank as 0, while the warehouse holds such a rule not assessable, README, Findings) or an
    operand the document does not print for sure."""
    expected = set()
    for rule in gold.get("known_inconsistencies") or ():
        operands = _operands(rule, gold)
        if None not in operands.values() and not unread & set(operands):
            expected.add(rule)
    return expected


@needs_corpus
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_real_report_parses_to_its_gold(case: Path):
    gold = case_gold(case)
    report = _parsed(case)
    comparison = compare(report.to_json(), gold)
    _why, unread = NOT_IN_THE_DOCUMENT.get(case.name, ("", set()))
    differences = [d for d in comparison.differences if not (d.split(":")[0] in unread and ": null, gold" in d)]
    assert differences == [], f"{case.name}: " + "; ".join(differences)
    assert comparison.missed == len(unread), f"{case.name}: the cells it does not print are read now: update the list"
    flagged = {finding.item for finding in report.findings if finding.rule == "ambiguous_row"}
    assert {_row_of(cell) for cell in unread} <= flagged, f"{case.name}: a null without its finding"
    assert _finding_names(report) == _expected_findings(gold, unread)


@needs_corpus
def test_no_real_report_has_a_wrong_cell():
    """The one defect that matters most, over the whole corpus at once: no cell holds a number
    (or name) other than the one printed. A document that gives no report has no wrong cell."""
    total = Comparison()
    for case in CASES:
        result = parse_path(str(case_source(case)))
        comparison = compare(result.to_json() if isinstance(result, Report) else None, case_gold(case))
        comparison.differences = [f"{case.name}: {d}" for d in comparison.differences if "WRONG" in d]
        total.add(comparison)
    assert total.wrong == 0, "\n".join(total.differences)
