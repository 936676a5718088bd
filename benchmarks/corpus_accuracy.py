"""Accuracy on real reports: every gold cell of a corpus of hand-read documents.

Run on demand: `uv run --frozen python benchmarks/corpus_accuracy.py [DIR...]` (default
`../shared/corpus`; each DIR holds case folders with `source.*` and `gold.json`). Prints, per
document, the cells exact, wrong (a value other than gold's), null where gold has a value, and
extra (a value where gold has none), then the totals. `-v` lists every cell that is not exact.
Exit status 1 when any cell is wrong: a wrong number is the one defect this product must not have.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.accuracy import Comparison, case_gold, case_source, compare, corpus_cases  # noqa: E402
from pipeline.parse.files import parse_path  # noqa: E402
from pipeline.record import Report  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=[DEFAULT], help=f"corpus folders (default {DEFAULT})")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every cell that is not exact")
    args = parser.parse_args(argv)
    total = Comparison()
    documents = failed = 0
    started = time.perf_counter()
    print(f"{'case':<28} {'exact':>6} {'wrong':>6} {'null':>6} {'extra':>6}  note")
    for root in args.dirs:
        cases = corpus_cases(root)
        if not cases:
            print(f"{root}: no case folders (*/gold.json)", file=sys.stderr)
            return 2
        for case in cases:
            result = parse_path(str(case_source(case)))
            report = result.to_json() if isinstance(result, Report) else None
            note = "" if report is not None else f"failed: {result[1]}: {result[2]}"
            comparison = compare(report, case_gold(case))
            documents += 1
            failed += report is None
            total.add(comparison)
            print(f"{case.name:<28} {comparison.exact:>6} {comparison.wrong:>6} {comparison.missed:>6} "
                  f"{comparison.extra:>6}  {note}")
            if args.verbose:
                for line in comparison.differences:
                    print(f"    {line}")
    cells = total.cells
    share = 100 * total.exact / cells if cells else 0.0
    print(f"{'TOTAL':<28} {total.exact:>6} {total.wrong:>6} {total.missed:>6} {total.extra:>6}  "
          f"{documents} documents, {failed} gave no report; {share:.2f} % of {cells} gold cells exact; "
          f"{time.perf_counter() - started:.1f} s")
    return 1 if total.wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
