"""From the raw store to staged frames: each current document parsed once per parser version and
division data.

Staging lives in `<frames_dir>/parser-<PARSER_VERSION>-divisions-<digest>/` as Parquet: one file
per fact table, `failures.parquet` (documents that yielded no report), `tried.parquet` (every
failed parse, including a report page whose attachment then parsed) and `documents.parquet`
mapping each parsed (url, sha256, inputs) to its report. A re-run reuses the rows of every
document whose bytes, URL and other parse inputs (content type, the portal's region code:
`parsing.inputs_key`) are unchanged and parses only the rest; a parser upgrade starts a new folder, so
everything is parsed again by the new code. So does new division data (`data/divisions/`): staged
reports carry the regions resolved from it. Once the new folder is written, the folders of earlier
versions are removed: nothing reads them, and each holds a full copy of the facts. While a run
parses, what it has parsed is checkpointed in the folder's `checkpoints/` every minute, so a run
stopped midway loses at most that minute; the complete staging replaces the checkpoints.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

import pipeline.parse
from pipeline.crawl.store import RawStore, StoredDocument
from pipeline.frames import reports_to_frames
from pipeline.record import Report
from pipeline.regions.gazetteer import DATA_DIR as DIVISIONS_DIR
from pipeline.validate import validate_frames
from pipeline.parse.files import Failed
from pipeline.warehouse.parsing import inputs_key, parse_stored, source_url
from pipeline.warehouse.schema import STAGED_TABLES, RUN_TABLES
from pipeline.workers import DEFAULT_TIMEOUT, FAULT_REASONS, Fault, WorkerPool, default_workers

Frames = dict[str, pl.DataFrame]
FAILURE_SCHEMA = {c: pl.String for c in RUN_TABLES["parse_failures"]}
# A staged outcome is reused for a document whose URL, bytes and other parse inputs
# (`parsing.inputs_key`) are unchanged; the failures tried carry the same key.
_DOCUMENTS_SCHEMA = {"url": pl.String, "sha256": pl.String, "inputs": pl.String, "report_id": pl.String}
_TRIED_SCHEMA = FAILURE_SCHEMA | {"url": pl.String, "inputs": pl.String}
StagingKey = tuple[str, str, str]
CHECKPOINTS = "checkpoints"  # folder in the staging for the parts of a run not yet complete
CHECKPOINT_SECONDS = 60.0


@dataclass
class Staged:
    """What the parse stage hands the warehouse: frames of the kept reports and the failures."""

    frames: Frames
    failures: pl.DataFrame
    documents: int = 0
    parsed: int = 0
    cached: int = 0

    def years(self) -> list[int]:
        return sorted(self.frames["reports"]["year"].unique().to_list())


def parser_version() -> str:
    """Read at call time, so staging follows the parser that is actually loaded."""
    return str(pipeline.parse.PARSER_VERSION)


@cache
def division_data_digest() -> str:
    """A short digest of the division tables the region resolver reads: part of the staging key,
    because a staged report's region came from them."""
    digest = hashlib.sha256()
    for path in sorted(DIVISIONS_DIR.glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def staging_version() -> str:
    """What a staged parse depends on: the parser's version and the division data's digest."""
    return f"{parser_version()}-divisions-{division_data_digest()}"


def staging_dir(frames_dir: Path) -> Path:
    return Path(frames_dir) / f"parser-{staging_version()}"


def current_documents(store: RawStore) -> list[StoredDocument]:
    """The documents each portal's latest productive crawl saw.

    A URL an earlier crawl found but the latest did not (moved, withdrawn, or served from another
    address) is left out, so one report never loads twice. A crawl that saw no document at all
    (portal down, robots.txt unreachable) does not count: the portal keeps its last good crawl
    rather than vanishing from the warehouse.
    """
    documents = store.documents()
    last_seen: dict[str, str] = {}
    for d in documents:
        last_seen[d.portal or ""] = max(last_seen.get(d.portal or "", ""), d.last_seen)
    since: dict[str, str] = {}
    for crawl in store.crawls():
        portal = crawl["portal"]
        if crawl["started_at"] <= last_seen.get(portal, ""):
            since[portal] = max(since.get(portal, ""), crawl["started_at"])
    return [d for d in documents if d.last_seen >= since.get(d.portal or "", "")]


def _groups(documents: Iterable[StoredDocument]) -> list[list[StoredDocument]]:
    """A report page followed by its attachments; an attachment whose page is gone stands alone."""
    documents = list(documents)
    pages = {d.url: [d] for d in documents if d.kind == "report_page"}
    orphans = []
    for d in documents:
        if d.kind == "attachment":
            if d.parent_url in pages:
                pages[d.parent_url].append(d)
            else:
                orphans.append([d])
    return list(pages.values()) + orphans


def _failure(doc: StoredDocument, stage: str, reason: str, message: str) -> dict:
    return {"source_url": source_url(doc), "url": doc.url, "inputs": inputs_key(doc), "portal": doc.portal, "region_code": doc.region_code, "kind": doc.kind,
            "title": doc.title, "sha256": doc.sha256, "stage": stage, "reason": reason,
            "message": message.splitlines()[0] if message else reason, "parser_version": parser_version()}


def _outcome(doc: StoredDocument, result: Report | Failed | Fault) -> Report | dict:
    if isinstance(result, Report):
        return result
    if isinstance(result, Fault):
        return _failure(doc, "parse", result.reason, result.message)
    return _failure(doc, *result)


@dataclass
class _Settled:
    """How a group ended: the document whose report is kept (parsed now, or `staged_id` from the
    staging) and the failures tried on the way."""

    tried: list[dict] = field(default_factory=list)
    doc: StoredDocument | None = None
    report: Report | None = None
    staged_id: str | None = None
    parsed: int = 0
    cached: int = 0

    def document_row(self) -> dict | None:
        """The staged documents' row of the document that gave the report."""
        if self.doc is None:
            return None
        report_id = self.staged_id or self.report.report_id  # type: ignore[union-attr]
        return {"url": self.doc.url, "sha256": self.doc.sha256, "inputs": inputs_key(self.doc), "report_id": report_id}

    def remembered(self) -> list[dict]:
        """The failures to stage as tried. A fault of the worker, not of the file, is worth another
        try, unless the report came from another of the group's documents: then the next run
        would only pay the time limit again."""
        return [failure for failure in self.tried if self.doc is not None or failure["reason"] not in FAULT_REASONS]


def _settle(group: list[StoredDocument], cached_ok: dict[StagingKey, str],
            cached_failed: dict[StagingKey, dict]) -> Generator[StoredDocument, Report | dict, _Settled]:
    """A group's documents in order until one gives a report. Yields each document that must be
    parsed and is sent its outcome, so one rule serves however the parsing is scheduled."""
    settled = _Settled()
    for doc in group:
        key = (doc.url, doc.sha256, inputs_key(doc))
        if key in cached_ok:
            settled.cached += 1
            settled.doc, settled.staged_id = doc, cached_ok[key]
            return settled
        if key in cached_failed:
            settled.cached += 1
            outcome = cached_failed[key]
        else:
            settled.parsed += 1
            outcome = yield doc
        if isinstance(outcome, Report):
            settled.doc, settled.report = doc, outcome
            return settled
        settled.tried.append(outcome)
    return settled


def _settle_all(store: RawStore, settlers: list[Generator[StoredDocument, Report | dict, _Settled]],
                workers: int, timeout: float, progress: Callable[[str], None] | None,
                on_parsed: Callable[[_Settled], None]) -> list[_Settled]:
    """Every group settled, its documents parsed in worker processes; results in group order, so
    the staging comes out the same however the workers interleave. `on_parsed` sees each group
    that parsed something, as it settles."""
    results: list[_Settled | None] = [None] * len(settlers)
    waiting: deque[tuple[int, StoredDocument]] = deque()
    done = parsed = 0

    def advance(index: int, outcome: Report | dict | None) -> None:
        nonlocal done, parsed
        try:
            waiting.append((index, settlers[index].send(outcome)))
        except StopIteration as end:
            results[index] = end.value
            done += 1
            parsed += end.value.parsed
            if end.value.parsed:
                on_parsed(end.value)
            if progress is not None and done % 100 == 0:
                progress(f"parse: {done:,} of {len(settlers):,} report pages done (with their attachments), "
                         f"{parsed:,} documents parsed")

    for index in range(len(settlers)):
        advance(index, None)
    if waiting:
        with WorkerPool(parse_stored, min(workers, len(waiting)), timeout) as pool:
            while waiting or pool.busy:
                while waiting and pool.idle:
                    index, doc = waiting.popleft()
                    pool.submit((index, doc), (str(store.path_for(doc.sha256)), doc))
                (index, doc), result = pool.next_done()
                if isinstance(result, Fault) and progress is not None:  # worth a line now, not only in the summary
                    progress(f"parse: {doc.url}: {result.reason}: {result.message}")
                advance(index, _outcome(doc, result))
    return results


def _empty_frames() -> Frames:
    return _as_dict(reports_to_frames([]))


def _as_dict(frames) -> Frames:
    return {table: getattr(frames, table) for table in STAGED_TABLES}


def _read_cache(folder: Path) -> tuple[dict[StagingKey, str], dict[StagingKey, dict], Frames]:
    """What the staging holds: the last complete staging, plus the checkpoints of a run that
    stopped before it finished. A report a later part staged again (its page's bytes changed)
    keeps only its latest rows."""
    parts = [folder] if (folder / "documents.parquet").exists() else []
    parts += _checkpoints(folder)
    if not parts:
        return {}, {}, _empty_frames()
    ok: dict[StagingKey, str] = {}
    failed: dict[StagingKey, dict] = {}
    frames: dict[str, list[pl.DataFrame]] = {t: [] for t in STAGED_TABLES}
    later: set[str] = set()
    for part in reversed(parts):  # newest first: its rows win
        documents = pl.read_parquet(part / "documents.parquet")
        for r in documents.iter_rows(named=True):
            ok.setdefault((r["url"], r["sha256"], r.get("inputs")), r["report_id"])
        for r in pl.read_parquet(part / "tried.parquet").iter_rows(named=True):
            failed.setdefault((r["url"], r["sha256"], r.get("inputs")), r)
        for t in STAGED_TABLES:
            frames[t].append(pl.read_parquet(part / f"{t}.parquet").filter(~pl.col("report_id").is_in(list(later))))
        later.update(documents["report_id"].to_list())
    return ok, failed, {t: pl.concat(frames[t][::-1], how="vertical_relaxed") for t in STAGED_TABLES}


def _write_part(folder: Path, frames: Frames, tried: list[dict], documents: list[dict]) -> None:
    """What `_read_cache` reads of a staging or a checkpoint: the fact tables, the failures
    tried, then the documents, last, so a part cut short has no `documents.parquet`."""
    for table, frame in frames.items():
        _write(folder, table, frame)
    _write(folder, "tried", pl.DataFrame(tried, schema=_TRIED_SCHEMA))
    _write(folder, "documents", pl.DataFrame(documents, schema=_DOCUMENTS_SCHEMA))


def _checkpoints(folder: Path) -> list[Path]:
    """Complete checkpoint folders, oldest first: `documents.parquet` is written last, so a
    checkpoint without it was cut short and is ignored."""
    return sorted(path.parent for path in (folder / CHECKPOINTS).glob("*/documents.parquet"))


class _Checkpointer:
    """Every `seconds`, the groups parsed since the last checkpoint go to a checkpoint folder, so
    a run stopped midway (killed, machine restarted) loses at most that much parsing: the next
    run reads the checkpoints as staging. The complete staging replaces them at the end."""

    def __init__(self, folder: Path, seconds: float) -> None:
        self.root = folder / CHECKPOINTS
        self.seconds = seconds
        self.pending: list[_Settled] = []
        self.last = time.monotonic()
        self.count = len(_checkpoints(folder))

    def add(self, group: _Settled) -> None:
        self.pending.append(group)
        if time.monotonic() - self.last >= self.seconds:
            self.write()

    def write(self) -> None:
        if self.pending:
            self.count += 1
            target = self.root / f"{self.count:05d}-{os.getpid()}"
            target.mkdir(parents=True, exist_ok=True)
            reports = [group.report for group in self.pending if group.report is not None]
            _write_part(target, _as_dict(validate_frames(reports_to_frames(reports))),
                        [failure for group in self.pending for failure in group.remembered()],
                        [row for group in self.pending if (row := group.document_row()) is not None])
            self.pending = []
        self.last = time.monotonic()


def _write(folder: Path, name: str, frame: pl.DataFrame) -> None:
    """Write then rename, so a killed run never leaves a half-written staging file."""
    target = folder / f"{name}.parquet"
    tmp = folder / f".{name}.parquet.tmp"
    frame.write_parquet(tmp)
    os.replace(tmp, target)


def stage(store: RawStore, frames_dir: Path, progress: Callable[[str], None] | None = None,
          workers: int | None = None, timeout: float = DEFAULT_TIMEOUT,
          checkpoint_seconds: float = CHECKPOINT_SECONDS) -> Staged:
    """Parse the current documents (reusing staged results) and write the new staging.

    `workers` processes parse (default: one per core), each document within `timeout` seconds.
    A document that timed out or whose worker died is reported, and tried again on the next run
    where no other document of its group (page and attachments) gave the report. What is parsed
    is checkpointed every `checkpoint_seconds`, so a run stopped midway resumes from there.
    """
    folder = staging_dir(frames_dir)
    cached_ok, cached_failed, cached_frames = _read_cache(folder)
    documents = current_documents(store)
    settlers = [_settle(group, cached_ok, cached_failed) for group in _groups(d for d in documents if d.sha256)]
    checkpoints = _Checkpointer(folder, checkpoint_seconds)
    settled = _settle_all(store, settlers, workers or default_workers(), timeout, progress, checkpoints.add)
    new_reports = [group.report for group in settled if group.report is not None]
    kept_cached = [group.staged_id for group in settled if group.staged_id is not None]
    staged_documents = [row for group in settled if (row := group.document_row()) is not None]
    failures = [failure for group in settled if group.doc is None for failure in group.tried]
    every_failure = [failure for group in settled for failure in group.remembered()]
    parsed = sum(group.parsed for group in settled)
    cached = sum(group.cached for group in settled)
    fresh = _as_dict(validate_frames(reports_to_frames(new_reports)))
    frames = {
        t: pl.concat([cached_frames[t].filter(pl.col("report_id").is_in(kept_cached)), fresh[t]], how="vertical_relaxed")
        for t in STAGED_TABLES
    }
    failure_frame = pl.DataFrame(failures, schema=FAILURE_SCHEMA)
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder, "failures", failure_frame)
    _write_part(folder, frames, every_failure, staged_documents)
    shutil.rmtree(folder / CHECKPOINTS, ignore_errors=True)  # all in the staging now
    for old in _earlier_staging(frames_dir, folder):
        shutil.rmtree(old)
        if progress is not None:
            progress(f"parse: removed the staging of an earlier version, {old.name}")
    return Staged(frames, failure_frame, len(documents), parsed, cached)


def _earlier_staging(frames_dir: Path, current: Path) -> list[Path]:
    """Staging folders of other parser versions or division data; anything else in the folder stays."""
    return sorted(path for path in Path(frames_dir).glob("parser-*") if path.is_dir() and path != current)


def read_staged(frames_dir: Path) -> Staged:
    """The staging the last `stage` wrote, for the loaders (no parsing)."""
    folder = staging_dir(frames_dir)
    if not (folder / "documents.parquet").exists():
        raise FileNotFoundError(f"no parsed staging in {folder}: materialize parsed_reports first")
    frames = {t: pl.read_parquet(folder / f"{t}.parquet") for t in STAGED_TABLES}
    return Staged(frames, pl.read_parquet(folder / "failures.parquet"))
