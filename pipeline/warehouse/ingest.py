"""From the raw store to staged frames: each current document parsed once per parser version and
division data.

Staging lives in `<frames_dir>/parser-<PARSER_VERSION>-divisions-<digest>/` as Parquet: one file
per fact table, `failures.parquet` (documents that yielded no report), `tried.parquet` (every
failed parse, including a report page whose attachment then parsed) and `documents.parquet`
mapping each parsed (url, sha256) to its report. A re-run reuses the rows of every document whose
bytes and URL are unchanged and parses only the rest; a parser upgrade starts a new folder, so
everything is parsed again by the new code. So does new division data (`data/divisions/`): staged
reports carry the regions resolved from it. Once the new folder is written, the folders of earlier
versions are removed: nothing reads them, and each holds a full copy of the facts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

import pipeline.parse
from pipeline.crawl.store import RawStore, StoredDocument
from pipeline.errors import DocumentError, ParseError
from pipeline.frames import reports_to_frames
from pipeline.record import Report
from pipeline.regions.gazetteer import DATA_DIR as DIVISIONS_DIR
from pipeline.validate import validate_frames
from pipeline.warehouse.schema import FACT_TABLES, RUN_TABLES

Frames = dict[str, pl.DataFrame]
FAILURE_SCHEMA = {c: pl.String for c in RUN_TABLES["parse_failures"]}
_DOCUMENTS_SCHEMA = {"url": pl.String, "sha256": pl.String, "report_id": pl.String}


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
    return {"source_url": doc.url, "portal": doc.portal, "region_code": doc.region_code, "kind": doc.kind,
            "title": doc.title, "sha256": doc.sha256, "stage": stage, "reason": reason,
            "message": message.splitlines()[0] if message else reason, "parser_version": parser_version()}


def parse_document(data: bytes, doc: StoredDocument) -> Report:
    """Parse one stored document and resolve its region with the portal's code first, as the
    crawl knows it: it places a 街道 name shared by several counties, while an agency name that
    names a place outside the portal (a reposted report) keeps its own place with a finding."""
    report = pipeline.parse.parse_bytes(data, doc.url, content_type=doc.content_type,
                                        portal_region_code=doc.region_code)
    if report.year is None:
        raise ParseError("no_year", "the statistics year could not be read")
    return report


def _parse_or_fail(store: RawStore, doc: StoredDocument) -> Report | dict:
    try:
        return parse_document(store.get(doc.sha256), doc)
    except DocumentError as err:
        return _failure(doc, err.stage, err.reason, err.message)
    except Exception as err:  # a parser bug must cost one document, not the run
        return _failure(doc, "parse", "internal_error", f"{type(err).__name__}: {err}")


def _empty_frames() -> Frames:
    return _as_dict(reports_to_frames([]))


def _as_dict(frames) -> Frames:
    return {table: getattr(frames, table) for table in FACT_TABLES}


def _read_cache(folder: Path) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], dict], Frames]:
    if not (folder / "documents.parquet").exists():
        return {}, {}, _empty_frames()
    documents = pl.read_parquet(folder / "documents.parquet")
    ok = {(r["url"], r["sha256"]): r["report_id"] for r in documents.iter_rows(named=True)}
    failed = {(r["source_url"], r["sha256"]): r for r in pl.read_parquet(folder / "tried.parquet").iter_rows(named=True)}
    frames = {t: pl.read_parquet(folder / f"{t}.parquet") for t in FACT_TABLES}
    return ok, failed, frames


def _write(folder: Path, name: str, frame: pl.DataFrame) -> None:
    """Write then rename, so a killed run never leaves a half-written staging file."""
    target = folder / f"{name}.parquet"
    tmp = folder / f".{name}.parquet.tmp"
    frame.write_parquet(tmp)
    os.replace(tmp, target)


def stage(store: RawStore, frames_dir: Path, progress: Callable[[str], None] | None = None) -> Staged:
    """Parse the current documents (reusing staged results) and write the new staging."""
    folder = staging_dir(frames_dir)
    cached_ok, cached_failed, cached_frames = _read_cache(folder)
    documents = current_documents(store)
    new_reports: list[Report] = []
    kept_cached: list[str] = []
    staged_documents: list[dict] = []
    failures: list[dict] = []
    every_failure: list[dict] = []
    parsed = cached = 0
    for index, group in enumerate(_groups(d for d in documents if d.sha256), start=1):
        tried = []
        for doc in group:
            key = (doc.url, doc.sha256)
            if key in cached_ok:
                cached += 1
                kept_cached.append(cached_ok[key])
                staged_documents.append({"url": doc.url, "sha256": doc.sha256, "report_id": cached_ok[key]})
                break
            if key in cached_failed:
                cached += 1
                outcome = cached_failed[key]
            else:
                parsed += 1
                outcome = _parse_or_fail(store, doc)
            if isinstance(outcome, Report):
                new_reports.append(outcome)
                staged_documents.append({"url": doc.url, "sha256": doc.sha256, "report_id": outcome.report_id})
                break
            tried.append(outcome)
            every_failure.append(outcome)
        else:
            failures.extend(tried)
        if progress is not None and index % 100 == 0:
            progress(f"parse: {parsed} parsed, {cached} from staging, {len(failures)} failed")
    fresh = _as_dict(validate_frames(reports_to_frames(new_reports)))
    frames = {
        t: pl.concat([cached_frames[t].filter(pl.col("report_id").is_in(kept_cached)), fresh[t]], how="vertical_relaxed")
        for t in FACT_TABLES
    }
    failure_frame = pl.DataFrame(failures, schema=FAILURE_SCHEMA)
    folder.mkdir(parents=True, exist_ok=True)
    for table, frame in frames.items():
        _write(folder, table, frame)
    _write(folder, "failures", failure_frame)
    _write(folder, "tried", pl.DataFrame(every_failure, schema=FAILURE_SCHEMA))
    _write(folder, "documents", pl.DataFrame(staged_documents, schema=_DOCUMENTS_SCHEMA))
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
    frames = {t: pl.read_parquet(folder / f"{t}.parquet") for t in FACT_TABLES}
    return Staged(frames, pl.read_parquet(folder / "failures.parquet"))
