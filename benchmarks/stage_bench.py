"""Staging throughput: a raw store of rendered reports (PDF, DOCX, DOC, HTML) parsed by `stage` with
one worker process and with one per core; print documents per second for each.

    uv run --frozen python benchmarks/stage_bench.py [--copies 20] [--store DIR]

PDFs dominate (pdfminer, 50-150 ms each), as they do in a real year's attachments; with the
workers on separate cores the rate should grow with the cores, less the start of the processes.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from parse_text_bench import calibration_ms  # the same CPU yardstick as the other benchmarks (a sibling script)

from pipeline.crawl.store import RawStore
from pipeline.render import render_report
from pipeline.warehouse.ingest import stage
from pipeline.workers import default_workers

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "data" / "seeds" / "expected"
FORMATS = {"pdf": "application/pdf", "html": "text/html; charset=utf-8",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "doc": "application/msword"}


def fill(store: RawStore, copies: int) -> int:
    """Each seed in each format, `copies` times under distinct URLs and bytes (a trailing
    comment or space), so nothing is a duplicate the store could fold."""
    store.begin_crawl("bench")
    count = 0
    for path in sorted(EXPECTED.glob("*.json")):
        values = json.loads(path.read_text(encoding="utf-8"))
        for fmt, content_type in FORMATS.items():
            data = render_report(values, fmt)
            for copy in range(copies):
                url = f"http://bench.gov.cn/{path.stem}/{copy}.{fmt}"
                # trailing bytes: a comment (PDF), spaces (HTML), zeros past the last sector (DOC)
                unique = data + (b"\n%% copy %d\n" % copy if fmt == "pdf" else b" " * copy if fmt == "html"
                                 else b"\0" * copy if fmt == "doc" else b"")
                if fmt == "docx" and copy:
                    continue  # a zip cannot take trailing bytes; one DOCX per seed
                store.record_document(url=url, final_url=url, portal="bench", region_code=None, kind="report_page",
                                      parent_url=None, title=None, published_on=None, sha256=store.put(unique),
                                      content_type=content_type, charset=None, source_format=fmt)
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--store", type=Path, help="scratch folder (default: a temporary one)")
    args = parser.parse_args()
    print(f"calibration: bare 1M-iteration loop {calibration_ms():.0f} ms CPU (idle core: ~40-60 ms)")
    with tempfile.TemporaryDirectory(dir=args.store) as scratch, RawStore(Path(scratch) / "raw") as store:
        documents = fill(store, args.copies)
        for workers in sorted({1, default_workers()}):
            frames = Path(scratch) / f"frames-{workers}"
            start = time.perf_counter()
            staged = stage(store, frames, workers=workers)
            seconds = time.perf_counter() - start
            print(f"{workers} worker(s): {documents} documents in {seconds:.1f} s = {documents / seconds:.1f} documents/s "
                  f"({staged.frames['reports'].height} reports, {staged.failures.height} failed)")


if __name__ == "__main__":
    main()
