"""Region resolution speed: first-call load, then reports per second (run on demand).

    uv run --frozen python benchmarks/bench_regions.py

Prints the cold load (data files + one year's lexicon) and the per-report cost for the three
paths: the agency name decides; the agency is ambiguous and the text windows decide; no agency,
so title, signature and preamble are all read. Inputs are the five seed reports.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.seeds import SEED_PATHS, expected, seed_text  # noqa: E402

REPEATS = 7
ROUNDS = 200


def main() -> None:
    start = time.perf_counter()
    from pipeline.regions import resolve

    seeds = [(expected(p), seed_text(p)) for p in SEED_PATHS]
    want, text = seeds[0]
    resolve(want["agency"], None, text, want["year"])
    print(f"cold start (import + data + lexicon {want['year']}): {time.perf_counter() - start:.3f} s")
    for year in {w["year"] for w, _ in seeds}:
        resolve(None, None, "", year)
    paths = {
        "agency name decides": [(w["agency"], None, t, w["year"]) for w, t in seeds],
        "ambiguous agency, text decides": [("鼓楼区人民政府", None, "福州市人民政府办公厅" + t, w["year"]) for w, t in seeds],
        "no agency: title, signature, preamble": [(None, t.splitlines()[0], t, w["year"]) for w, t in seeds],
    }
    for label, cases in paths.items():
        timings = []
        for _ in range(REPEATS):
            begin = time.perf_counter()
            for _ in range(ROUNDS):
                for case in cases:
                    resolve(*case)
            timings.append((time.perf_counter() - begin) / (ROUNDS * len(cases)))
        best, median = min(timings), statistics.median(timings)
        print(f"{label}: {best * 1e6:.0f} us min / {median * 1e6:.0f} us median per report = {1 / median:,.0f} reports/s")


if __name__ == "__main__":
    main()
