"""Cell-by-cell comparison of a parsed report with a hand-read gold file (`shared/corpus/*/gold.json`).

Real documents are the test of the parser: the corpus test asserts every gold cell, and
`benchmarks/corpus_accuracy.py` counts them. Both read the comparison from here so they count the
same cells the same way. A gold key that is absent could not be read for sure by hand: a value
the parser gives there is counted as `extra` (a guess), never as exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The report's scalar fields a gold file may hold, compared as they are.
SCALAR_FIELDS = ("agency", "year", "template", "published_on", "province", "city", "county",
                 "agency_level", "agency_kind")
TABLE_FIELDS = ("proactive", "applications", "review_litigation")


@dataclass
class Comparison:
    """Counts of one document's cells, and the cells that were not exact, for the failure message."""

    exact: int = 0
    wrong: int = 0  # the parser gave a value and gold another one
    missed: int = 0  # null (or absent) where gold has a value
    extra: int = 0  # a value where gold has none (null, or a key that could not be read for sure)
    differences: list[str] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return self.exact + self.wrong + self.missed

    def add(self, other: Comparison) -> None:
        self.exact += other.exact
        self.wrong += other.wrong
        self.missed += other.missed
        self.extra += other.extra
        self.differences += other.differences


def _same(expected: Any, actual: Any) -> bool:
    """Equal as numbers where both are numbers (3 == 3.0: a fee of 0 is 0.0), else as values."""
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)) and \
            not isinstance(expected, bool) and not isinstance(actual, bool):
        return float(expected) == float(actual)
    return expected == actual


def _cell(out: Comparison, name: str, expected: Any, actual: Any, gold_has: bool) -> None:
    if not gold_has or expected is None:
        if actual is not None:
            out.extra += 1
            out.differences.append(f"{name}: extra {actual!r} (gold {'null' if gold_has else 'absent'})")
        elif gold_has:
            out.exact += 1
        return
    if _same(expected, actual):
        out.exact += 1
    elif actual is None:
        out.missed += 1
        out.differences.append(f"{name}: null, gold {expected!r}")
    else:
        out.wrong += 1
        out.differences.append(f"{name}: WRONG {actual!r}, gold {expected!r}")


def _vector(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def compare(report: dict[str, Any] | None, gold: dict[str, Any]) -> Comparison:
    """Every gold cell against the report's JSON (`Report.to_json()`); None for a document that
    gave no report, whose every gold cell is missed."""
    out = Comparison()
    report = report or {}
    for name in SCALAR_FIELDS:
        if name in gold:
            _cell(out, name, gold[name], report.get(name), True)
    for table in TABLE_FIELDS:
        expected_rows: dict[str, Any] = gold.get(table) or {}
        actual_rows: dict[str, Any] = report.get(table) or {}
        for key in expected_rows.keys() | actual_rows.keys():
            expected = _vector(expected_rows.get(key))
            actual = _vector(actual_rows.get(key))
            for i in range(max(len(expected), len(actual))):
                _cell(out, f"{table}.{key}[{i}]" if len(expected) > 1 or len(actual) > 1 else f"{table}.{key}",
                      expected[i] if i < len(expected) else None,
                      actual[i] if i < len(actual) else None,
                      key in expected_rows and i < len(expected))
    return out


def corpus_cases(root: Path) -> list[Path]:
    """The case folders of a corpus: each holds a `gold.json` and one `source.*`."""
    return sorted(p.parent for p in root.glob("*/gold.json"))


def case_source(case: Path) -> Path:
    """The document of a case folder (`source.<ext>`, as the portal or archive served it)."""
    (source,) = sorted(case.glob("source.*"))
    return source


def case_gold(case: Path) -> dict[str, Any]:
    return json.loads((case / "gold.json").read_text(encoding="utf-8"))
