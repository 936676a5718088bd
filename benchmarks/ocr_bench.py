"""OCR speed and accuracy on rendered reports, scanned the way portals' scans look.

Run on demand: `uv run --frozen python benchmarks/ocr_bench.py [--pages N] [--dpi D] [--seed S]
[--min-confidence C]` (C: a digit confidence threshold to try instead of the reader's).
Each report (the seeds' values and random ones, every template the renderer has) is rendered to
a text PDF, rasterised at the dpi, degraded at each level (JPEG artefacts, skew, tinted paper,
a red seal over the table, blur), read by OCR and parsed. Prints per level the seconds per page
(wall and CPU) and the statistics cells exact / null / wrong against the values that went in; any wrong cell
makes the exit status 1. `degrade` is shared with `tests/test_ocr.py`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Degradation levels: (JPEG quality, largest skew in degrees, blur sigma, seal drawn, paper tint).
LEVELS: dict[str, tuple[int, float, float, bool, tuple[int, int, int]]] = {
    "clean": (95, 0.0, 0.0, False, (255, 255, 255)),
    "light": (75, 0.7, 0.5, True, (236, 242, 246)),  # BGR: yellowed paper
    "heavy": (55, 1.5, 0.9, True, (205, 228, 238)),
}


def degrade(image: np.ndarray, level: str, rng: random.Random) -> np.ndarray:
    """A rendered page (BGR) as a scan at `level`: tinted paper, a red seal ring over part of
    the page's middle, turned up to the level's skew, blurred, JPEG-compressed."""
    import cv2

    quality, skew, blur, seal, tint = LEVELS[level]
    page = image.astype(np.float32) * (np.array(tint, np.float32) / 255.0)
    if seal:
        h, w = page.shape[:2]
        centre = (int(w * rng.uniform(0.45, 0.75)), int(h * rng.uniform(0.3, 0.7)))
        radius = int(w * 0.09)
        ring = np.zeros((h, w), np.uint8)
        cv2.circle(ring, centre, radius, 255, max(2, w // 300))
        alpha = (ring.astype(np.float32) / 255.0 * 0.85)[:, :, None]
        page = page * (1 - alpha) + np.array([40, 40, 200], np.float32) * alpha
    page = np.clip(page, 0, 255).astype(np.uint8)
    if skew:
        angle = rng.uniform(-skew, skew)
        h, w = page.shape[:2]
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        page = cv2.warpAffine(page, matrix, (w, h), borderValue=tuple(int(t) for t in tint))
    if blur:
        page = cv2.GaussianBlur(page, (0, 0), blur)
    ok, encoded = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR)


def rendered_pages(values: dict, dpi: float) -> list[np.ndarray]:
    """The report rendered as a text PDF and rasterised (BGR pages)."""
    from pipeline.extract.ocr import render_pages
    from pipeline.render import render_report

    return [page[:, :, ::-1].copy() for page in render_pages(render_report(values, "pdf"), dpi=dpi, limit=50)]


def cell_outcomes(report: dict, values: dict) -> tuple[int, int, int, list[str]]:
    """(exact, null, wrong, wrong cell names) over the statistics cells of `values`."""
    exact = null = wrong = 0
    names: list[str] = []
    for section in ("proactive", "applications", "review_litigation"):
        for key, expected in values.get(section, {}).items():
            got = report.get(section, {}).get(key)
            pairs = zip(expected, got or [None] * len(expected)) if isinstance(expected, list) else [(expected, got)]
            for index, (want, have) in enumerate(pairs):
                if have is None:
                    null += 1
                elif have == want:
                    exact += 1
                else:
                    wrong += 1
                    names.append(f"{section}.{key}[{index}]: {have!r} for {want!r}")
    return exact, null, wrong, names


def read_back(pages: list[np.ndarray], source: str) -> dict:
    from pipeline.extract.ocr import read_images
    from pipeline.parse import parse_document

    return parse_document(read_images(pages, source, "pdf")).to_json()


def _reports(count: int, seed: int) -> list[dict]:
    """Seed reports first, then random ones of every template (the property test's generator)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from seeds import SEED_PATHS, expected

    seeds = [expected(path) for path in SEED_PATHS]
    rng = random.Random(seed)
    out = list(seeds)
    while len(out) < count:
        out.append(_random_values(rng, seeds[len(out) % len(seeds)]))
    return out[:count]


def _random_values(rng: random.Random, base: dict) -> dict:
    """A seed report (its template, layout and metadata) with random counts whose rows add up."""
    import copy

    values = copy.deepcopy(base)

    def row(width: int) -> list[int]:
        parts = [rng.choice([0, 0, 0, rng.randint(1, 9), rng.randint(10, 999)]) for _ in range(width - 1)]
        return parts + [sum(parts)]

    for section in ("applications", "review_litigation"):
        for key, counts in values.get(section, {}).items():
            if isinstance(counts, list) and None not in counts:
                values[section][key] = row(len(counts))
    return values


def run(pages_wanted: int, dpi: float, seed: int) -> int:
    rng = random.Random(seed)
    reports: list[dict] = []
    pages: dict[int, list[np.ndarray]] = {}
    count = 0
    for values in _reports(max(4, pages_wanted), seed):
        rendered = rendered_pages(values, dpi)
        pages[len(reports)] = rendered
        reports.append(values)
        count += len(rendered) * len(LEVELS)
        if count >= pages_wanted:
            break
    status = 0
    print(f"{len(reports)} reports, {sum(map(len, pages.values()))} pages per level, {dpi:g} dpi")
    print(f"{'level':<8} {'pages':>6} {'s/page':>7} {'cpu/page':>8} {'exact':>7} {'null':>6} {'wrong':>6}")
    for level in LEVELS:
        exact = null = wrong = n_pages = 0
        seconds = cpu = 0.0
        for i, values in enumerate(reports):
            scanned = [degrade(page, level, rng) for page in pages[i]]
            started, started_cpu = time.perf_counter(), time.process_time()
            report = read_back(scanned, f"bench-{i}.pdf")
            seconds += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
            n_pages += len(scanned)
            e, n, w, names = cell_outcomes(report, values)
            exact, null, wrong = exact + e, null + n, wrong + w
            for name in names:
                print(f"  WRONG {level} report {i}: {name}")
        print(f"{level:<8} {n_pages:>6} {seconds / max(n_pages, 1):>7.2f} {cpu / max(n_pages, 1):>8.2f} "
              f"{exact:>7} {null:>6} {wrong:>6}", flush=True)
        status |= wrong > 0
    return status


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=210, help="pages to read over all levels (default 210)")
    parser.add_argument("--dpi", type=float, default=150.0, help="rasterising resolution (default 150)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--min-confidence", type=float, help="digit confidence threshold to try instead of the reader's")
    arguments = parser.parse_args()
    if arguments.min_confidence is not None:
        import pipeline.extract.ocr

        pipeline.extract.ocr.MIN_DIGIT_CONFIDENCE = arguments.min_confidence
    sys.exit(run(arguments.pages, arguments.dpi, arguments.seed))
