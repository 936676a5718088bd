"""A crawl killed with SIGKILL mid-way, then run again: it resumes instead of starting over.

The crawl runs as a real `xxgk crawl` subprocess against the demo portal served by this test, so
the server's request log shows exactly what each run asked for.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.crawl.demo_server import DEMO_ROOT, serving_demo
from pipeline.crawl.store import RawStore

REPO = Path(__file__).resolve().parents[1]
EXPECTED = {d["path"] for d in json.loads((DEMO_ROOT / "manifest.json").read_text(encoding="utf-8"))["documents"]}


def crawl_command(portals: Path, raw: Path) -> list[str]:
    return [sys.executable, "-m", "assets.cli", "crawl", "--portal", "county", "--portals-file", str(portals),
            "--raw-dir", str(raw)]


def logged(raw: Path, ok: bool = True) -> set[str]:
    """URLs the crawl has fetched (or failed to) and logged so far (read beside the writer: WAL allows it)."""
    where = "error IS NULL AND sha256 IS NOT NULL" if ok else "error IS NOT NULL"
    with contextlib.closing(sqlite3.connect(f"file:{raw / 'crawl.sqlite'}?mode=ro", uri=True)) as db:
        try:
            rows = db.execute(f"SELECT url FROM fetch_log WHERE {where}").fetchall()
        except sqlite3.OperationalError:  # the crawl has not created its tables yet
            return set()
    return {url for (url,) in rows}


@pytest.mark.slow
def test_killed_crawl_resumes_without_refetching_or_duplicating(tmp_path: Path) -> None:
    requests: list[dict] = []
    raw = tmp_path / "raw"
    with serving_demo(request_log=requests) as base:
        portals = tmp_path / "portals.toml"
        portals.write_text(f'[portal.county]\nregion_code = "130827"\nstart_urls = ["{base}/"]\n'
                           f'allowed_domains = ["127.0.0.1"]\n[portal.county.rate]\nmin_delay = 0.08\n'
                           f"retries = 1\nbackoff_base = 0.05\n", encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        first = subprocess.Popen(crawl_command(portals, raw), cwd=REPO, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if (raw / "crawl.sqlite").exists() and len(logged(raw)) >= 15:
                break
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert first.returncode == -signal.SIGKILL
        before_kill = {r["path"] for r in requests}
        done_before = logged(raw)
        failed_before = {url[len(base):] for url in logged(raw, ok=False)}  # these are tried again
        assert 15 <= len(done_before) < 40, "the kill must land mid-way"
        requests.clear()

        second = subprocess.run(crawl_command(portals, raw), cwd=REPO, env=env, capture_output=True, text=True,
                                timeout=120)
        assert second.returncode == 0, second.stderr
        assert "(resumed)" in second.stderr
        after_kill = [r["path"] for r in requests]

    fetched_before = {url[len(base):] for url in done_before}
    assert not fetched_before & set(after_kill), "a URL fetched before the kill was fetched again"
    assert len(after_kill) == len(set(after_kill))
    # besides failures, only what was in flight at the kill (at most the per-host concurrency) is asked twice
    assert len((before_kill & set(after_kill)) - failed_before) <= 2

    store = RawStore(raw)
    (crawl,) = store.crawls()
    assert crawl["finished_at"] is not None
    rows = store.fetch_log()
    assert len(rows) == len({r["url"] for r in rows}) == len(before_kill | set(after_kill))
    assert {d.url[len(base):] for d in store.documents()} == EXPECTED
    shas = {r["sha256"] for r in rows}
    assert set(store.object_shas()) == shas
    assert not list((raw / "objects").glob("*/.*.tmp"))
