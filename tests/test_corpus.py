"""Real reports nobody here wrote (`../shared/corpus`, beside every clone) parse to their hand-read gold.

Each case is the document as a portal or archive served it; `gold.json` was read cell by cell by
hand. Every gold cell must come out exact, a gold key that is absent (not readable for sure) must
stay null, and each template rule the report's own numbers break (`known_inconsistencies`) must be
recorded as a finding, with the report kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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


@needs_corpus
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_real_report_parses_to_its_gold(case: Path):
    gold = case_gold(case)
    report = _parsed(case)
    comparison = compare(report.to_json(), gold)
    assert comparison.differences == [], f"{case.name}: " + "; ".join(comparison.differences)
    assert _finding_names(report) == set(gold.get("known_inconsistencies") or ())


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
