"""Parsing in worker processes: jobs spread over the workers, a job past the time limit or whose
worker dies costs that job alone, and in staging such a document is reported and tried again on
the next run, while every other document is staged as usual."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from pipeline.crawl.store import RawStore
from pipeline.warehouse.ingest import stage
from pipeline.workers import Fault, WorkerPool
from test_extract_pdf import HELVETICA, hand_pdf
from test_warehouse_ingest import _record
from tests.seeds import SEEDS_DIR


def work(job: str) -> tuple[str, object]:
    """Spawned workers import this module to run it: what each job names happens for real."""
    if job == "sleep":
        time.sleep(60)
    if job == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if job == "limit":
        return job, resource.getrlimit(resource.RLIMIT_AS)
    if job == "allocate":
        try:
            bytearray(2 * 1024 ** 3)
        except MemoryError:
            return job, "MemoryError"
        return job, "allocated"
    return job, os.getpid()


def test_jobs_started_together_run_in_different_workers() -> None:
    with WorkerPool(work, 2, timeout=60) as pool:
        pool.submit("a", "a")
        pool.submit("b", "b")
        assert not pool.idle
        done = dict(pool.next_done() for _ in range(2))
    assert {done["a"][0], done["b"][0]} == {"a", "b"}
    assert done["a"][1] != done["b"][1] != os.getpid()


@pytest.mark.parametrize("job, reason, words", [
    ("sleep", "timeout", "still running after the 1-second limit"),
    ("die", "worker_died", "exit code -9"),
])
def test_a_job_that_hangs_or_kills_its_worker_costs_that_job_alone(job, reason, words) -> None:
    with WorkerPool(work, 2, timeout=1) as pool:
        pool.submit("bad", job)
        pool.submit("good", "good")
        done = dict(pool.next_done() for _ in range(2))
        assert done["good"][0] == "good"
        fault = done["bad"]
        assert isinstance(fault, Fault) and fault.reason == reason and words in fault.message
        pool.submit("after", "after")  # the replacement worker takes the next job
        assert pool.next_done()[1][0] == "after"


def test_each_worker_runs_within_its_memory_limit() -> None:
    """2 GiB is nothing to this machine, but past a worker's 1 GiB cap: the job gets MemoryError
    in its own process, which goes on serving."""
    with WorkerPool(work, 1, timeout=60, memory_limit=1024 ** 3) as pool:
        pool.submit("limit", "limit")
        assert pool.next_done()[1] == ("limit", (1024 ** 3, 1024 ** 3))
        pool.submit("allocate", "allocate")
        assert pool.next_done()[1] == ("allocate", "MemoryError")
        pool.submit("after", "after")
        assert pool.next_done()[1][0] == "after"


def slow_pdf(year: int) -> bytes:
    """A 150 KB PDF whose three million path operators keep pdfminer busy for minutes: the kind of
    file that must not hold up a run (inflated, it stays well inside the PDF budget)."""
    stream = b"BT /F1 12 Tf 72 700 Td (%d) Tj ET\n" % year + b"10 10 m 20 20 l S\n" * 3_000_000
    return hand_pdf([zlib.compress(stream, 9)], b"/Filter /FlateDecode", HELVETICA)


def test_a_document_past_the_time_limit_is_reported_the_rest_staged_and_remembered_until_a_larger_limit(
        tmp_path: Path) -> None:
    """The next run under the same limit does not pay it again: the timeout is staged with its limit
    and reported as before. A run with a larger limit tries both slow files again (a smaller one
    does not), and stages the new limit."""
    slow, page = "http://gov.test/ndbg/slow.pdf", "http://gov.test/ndbg/page.pdf"
    with RawStore(tmp_path / "raw") as store:
        store.begin_crawl("test")
        _record(store, slow, slow_pdf(2023), content_type="application/pdf", fmt="pdf")
        _record(store, page, slow_pdf(2024), content_type="application/pdf", fmt="pdf")
        _record(store, "http://gov.test/ndbg/page-attachment.txt", next(SEEDS_DIR.glob("003_*.txt")).read_bytes(),
                kind="attachment", parent=page)
        for path in sorted(SEEDS_DIR.glob("00[0-2]_*.txt")):
            _record(store, f"http://gov.test/ndbg/{path.stem}.txt", path.read_bytes())
        started = time.monotonic()
        lines: list[str] = []
        staged = stage(store, tmp_path / "frames", progress=lines.append, workers=2, timeout=2)
        assert time.monotonic() - started < 60  # each slow file alone would take minutes
        assert sorted(line.split(": ")[1] for line in lines if "timeout" in line) == [page, slow]
        assert staged.frames["reports"].height == 4  # the three seeds and the slow page's attachment
        failure = staged.failures.row(0, named=True)
        assert staged.failures.height == 1 and failure["source_url"] == slow
        assert (failure["reason"], failure["stage"]) == ("timeout", "parse")
        assert "2-second limit" in failure["message"]
        lines.clear()
        started = time.monotonic()
        again = stage(store, tmp_path / "frames", progress=lines.append, workers=2, timeout=2)
        assert (again.parsed, again.cached) == (0, 6)  # nothing parsed: the slow file's timeout is remembered
        assert time.monotonic() - started < 2
        assert again.failures.row(0, named=True) == failure
        assert again.frames["reports"].height == 4
        assert any("2 documents that timed out on an earlier run were not tried again" in line for line in lines)
        smaller = stage(store, tmp_path / "frames", workers=2, timeout=1)
        assert (smaller.parsed, smaller.cached) == (0, 6)
        larger = stage(store, tmp_path / "frames", workers=2, timeout=3)
        assert (larger.parsed, larger.cached) == (2, 4)  # the two slow files; the slow page's attachment is staged
        assert larger.frames["reports"].height == 4
        assert "3-second limit" in larger.failures.row(0, named=True)["message"]
        after = stage(store, tmp_path / "frames", workers=2, timeout=3)
        assert (after.parsed, after.cached) == (0, 6)  # the new limit is the one remembered


def test_workers_that_cannot_start_stop_the_run_with_a_clear_error(tmp_path: Path) -> None:
    """A script that starts a pool outside a `__main__` guard: each spawned worker re-runs it and
    dies starting. That is the environment's fault, not one document's: the caller gets an error."""
    script = tmp_path / "unguarded.py"
    script.write_text("from pipeline.workers import WorkerPool\n"
                      "from pipeline.warehouse.parsing import parse_stored\n"
                      "with WorkerPool(parse_stored, 1) as pool:\n"
                      "    pool.submit('job', ('missing', None))\n"
                      "    pool.next_done()\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "WorkerStartError: a worker process exited (code 1) before it could take a job" in result.stderr
