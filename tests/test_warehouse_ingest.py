"""Staging parsed documents from a real raw store: which document's report is kept, what is
recorded as a failure, and that staged results are reused until the bytes or the parser change."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pipeline.parse
from pipeline.crawl.store import RawStore
from pipeline.warehouse import ingest
from pipeline.warehouse.ingest import division_data_digest, read_staged, stage, staging_dir
from tests.seeds import SEEDS_DIR

SEEDS = SEEDS_DIR
PAGE_WITHOUT_TABLE = "<html><head><title>{title}</title></head><body><h1>{title}</h1><p>详见附件。</p></body></html>"


def _record(store: RawStore, url: str, data: bytes, kind: str = "report_page", parent: str | None = None,
            content_type: str = "text/plain; charset=utf-8", fmt: str = "text") -> None:
    store.record_document(url=url, final_url=url, portal="test", region_code="130827", kind=kind, parent_url=parent,
                          title=None, published_on=None, sha256=store.put(data), content_type=content_type,
                          charset="utf-8", source_format=fmt)


def _seed(name: str) -> bytes:
    return next(SEEDS.glob(f"{name}_*.txt")).read_bytes()


@pytest.fixture
def store(tmp_path: Path):
    with RawStore(tmp_path / "raw") as raw:
        raw.begin_crawl("test")
        page = "http://gov.test/ndbg/1.html"
        title = "汝州市钟楼街道办事处2023年政府信息公开工作年度报告"
        _record(raw, page, PAGE_WITHOUT_TABLE.format(title=title).encode(), content_type="text/html; charset=utf-8",
                fmt="html")
        _record(raw, "http://gov.test/ndbg/1.txt", _seed("001"), kind="attachment", parent=page)
        _record(raw, "http://gov.test/ndbg/2.txt", _seed("002"))
        _record(raw, "http://gov.test/news/3.txt", "县政务服务中心开展政务公开日活动。".encode())
        yield raw


def test_a_page_without_a_table_gives_way_to_its_attachment_and_failures_are_kept(store, tmp_path) -> None:
    staged = stage(store, tmp_path / "frames")
    sources = sorted(staged.frames["reports"]["source_url"].to_list())
    assert sources == ["http://gov.test/ndbg/1.txt", "http://gov.test/ndbg/2.txt"]
    assert staged.failures["source_url"].to_list() == ["http://gov.test/news/3.txt"]
    failure = staged.failures.row(0, named=True)
    assert (failure["stage"], failure["reason"], failure["region_code"]) == ("parse", "not_a_report", "130827")
    assert staged.years() == [2023]
    read_back = read_staged(tmp_path / "frames")
    assert read_back.frames["applications"].sort("report_id", "item", "applicant").equals(
        staged.frames["applications"].sort("report_id", "item", "applicant"))


def test_staged_results_are_reused_until_the_bytes_or_the_parser_change(store, tmp_path, monkeypatch) -> None:
    first = stage(store, tmp_path / "frames")
    again = stage(store, tmp_path / "frames")
    assert (again.parsed, again.cached) == (0, 4)  # the table-less page too
    for table, frame in first.frames.items():
        assert again.frames[table].sort(frame.columns).equals(frame.sort(frame.columns)), table

    _record(store, "http://gov.test/ndbg/2.txt", _seed("003"))  # the page was replaced
    changed = stage(store, tmp_path / "frames")
    assert (changed.parsed, changed.cached) == (1, 3)
    assert 2024 in changed.years()

    monkeypatch.setattr(pipeline.parse, "PARSER_VERSION", "upgraded")
    upgraded = stage(store, tmp_path / "frames")
    assert upgraded.cached == 0 and upgraded.parsed == 4
    assert staging_dir(tmp_path / "frames").name == f"parser-upgraded-divisions-{division_data_digest()}"


def test_new_division_data_stages_everything_again(store, tmp_path, monkeypatch) -> None:
    """Staged reports carry regions resolved from the division tables, so new tables start a new
    staging folder, as a parser upgrade does."""
    first = stage(store, tmp_path / "frames")
    assert first.parsed > 0
    divisions = tmp_path / "divisions"
    shutil.copytree(ingest.DIVISIONS_DIR, divisions)
    with (divisions / "zones.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    monkeypatch.setattr(ingest, "DIVISIONS_DIR", divisions)
    ingest.division_data_digest.cache_clear()
    try:
        again = stage(store, tmp_path / "frames")
        assert (again.parsed, again.cached) == (first.parsed, 0)
        assert [path.name for path in (tmp_path / "frames").iterdir()] == [staging_dir(tmp_path / "frames").name]
    finally:  # no digest of the altered copy may outlive the test (a later run's staging would disagree)
        ingest.division_data_digest.cache_clear()


def test_a_new_staging_removes_the_earlier_versions_and_nothing_else(store, tmp_path, monkeypatch) -> None:
    frames = tmp_path / "frames"
    first = staging_dir(frames)
    stage(store, frames)
    (frames / "notes").mkdir()
    (frames / "parser-stray.txt").write_text("a file, not a staging folder", encoding="utf-8")
    monkeypatch.setattr(pipeline.parse, "PARSER_VERSION", "upgraded")
    messages: list[str] = []
    stage(store, frames, progress=messages.append)
    assert not first.exists()
    assert sorted(path.name for path in frames.iterdir()) == sorted(
        ["notes", "parser-stray.txt", staging_dir(frames).name])
    assert any(first.name in message for message in messages)
    assert read_staged(frames).frames["reports"].height > 0


def test_only_documents_the_latest_crawl_saw_are_staged(store, tmp_path) -> None:
    crawl_id, _ = store.begin_crawl("test")
    store.finish_crawl(crawl_id)
    store.begin_crawl("test")
    _record(store, "http://gov.test/ndbg/2.txt", _seed("002"))
    staged = stage(store, tmp_path / "frames")
    assert staged.frames["reports"]["source_url"].to_list() == ["http://gov.test/ndbg/2.txt"]
    assert staged.failures.height == 0


def test_a_crawl_that_saw_nothing_leaves_the_last_good_crawl_in_use(store, tmp_path) -> None:
    crawl_id, _ = store.begin_crawl("test")
    store.finish_crawl(crawl_id)
    store.begin_crawl("test")  # the portal was down: nothing recorded
    staged = stage(store, tmp_path / "frames")
    assert staged.frames["reports"].height == 2


RUN_STAGE = """
import sys
from pathlib import Path
from pipeline.crawl.store import RawStore
from pipeline.warehouse.ingest import stage
if __name__ == "__main__":
    with RawStore(Path(sys.argv[1])) as store:
        stage(store, Path(sys.argv[2]), workers=1, timeout=300, checkpoint_seconds=0)
"""


def test_a_run_killed_midway_resumes_from_its_checkpoints(store, tmp_path) -> None:
    """The run is killed for real (its process group, while a slow PDF parses) after it has
    checkpointed a changed page; the next run takes that page from the checkpoint, parses only what
    is left, and the report whose bytes changed is staged once, with its new values."""
    from test_workers import slow_pdf

    frames = tmp_path / "frames"
    first = stage(store, frames)
    _record(store, "http://gov.test/ndbg/2.txt", _seed("003"))  # new bytes, same report id
    _record(store, "http://gov.test/ndbg/slow.pdf", slow_pdf(2023), content_type="application/pdf", fmt="pdf")
    script = tmp_path / "run_stage.py"
    script.write_text(RUN_STAGE, encoding="utf-8")
    run = subprocess.Popen([sys.executable, str(script), str(tmp_path / "raw"), str(frames)], start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not list((staging_dir(frames) / "checkpoints").glob("*/documents.parquet")):
            assert run.poll() is None and time.monotonic() < deadline, "the run ended or stalled before a checkpoint"
            time.sleep(0.05)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    resumed = stage(store, frames, timeout=1)
    assert (resumed.parsed, resumed.cached) == (1, 4)  # the slow PDF only; 2.txt from the checkpoint
    reports = resumed.frames["reports"]
    assert reports["report_id"].n_unique() == reports.height == first.frames["reports"].height
    assert 2024 in resumed.years()  # seed 003's year: the checkpointed rows, not the first run's
    assert not (staging_dir(frames) / "checkpoints").exists()
    applications = resumed.frames["applications"]
    assert applications.height == applications.unique(["report_id", "item", "applicant"]).height


def test_a_corrected_portal_region_reaches_documents_already_staged(tmp_path) -> None:
    """The staging key covers the portal configuration a document was parsed with, not only its
    bytes: fixing `region_code` in portals.toml re-parses the portal's documents on the next run."""
    data = _seed("002")
    for place in ("河北省", "承德市", "宽城满族自治县", "宽城县"):  # nothing in the text places it
        data = data.replace(place.encode(), b"")
    with RawStore(tmp_path / "raw") as raw:
        raw.begin_crawl("test")
        url = "http://gov.test/ndbg/2.txt"

        def record(region_code: str | None) -> None:
            raw.record_document(url=url, final_url=url, portal="test", region_code=region_code, kind="report_page",
                                parent_url=None, title=None, published_on=None, sha256=raw.put(data),
                                content_type="text/plain; charset=utf-8", charset="utf-8", source_format="text")

        record(None)
        before = stage(raw, tmp_path / "frames")
        assert "unknown_region" in before.frames["findings"]["rule"].to_list()
        record("130827")  # the portal's code corrected; the page's bytes are the same
        after = stage(raw, tmp_path / "frames")
    assert (after.parsed, after.cached) == (1, 0)
    assert after.frames["reports"]["county_code"].to_list() == ["130827"]
    assert "unknown_region" not in after.frames["findings"]["rule"].to_list()
