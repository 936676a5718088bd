"""The raw document store: every byte a portal served, kept forever under its sha256.

Bytes go to `root/objects/<sha[:2]>/<sha256>` (written to a temp file and renamed, so a killed
crawl never leaves a half object under a real name). What was fetched, when and how it went is in
`root/crawl.sqlite` (WAL, so a SIGKILL loses at most the row being written):

- `crawls(crawl_id, portal, started_at, finished_at)`: one row per crawl run. A run that never
  finished (killed, interrupted) is resumed by the next crawl of the same portal.
- `fetch_log`: one row per (crawl_id, url): the outcome of fetching that URL in that crawl, after
  retries (`attempts` counts them). Keyed on (crawl_id, url) and upserted, so a resumed crawl that
  retries a failed URL replaces its row instead of adding one, and a URL fetched before the
  interruption is not fetched again. Each new crawl adds its own rows (that history is the point).
  `bytes` is what was received: 0 for a 304, whose row keeps the sha256, content type and charset
  of the body it confirmed. `charset` is the HTTP header's (None when only the page's meta says).
- `documents`: the reports found (report pages and their attachments), one row per URL, upserted
  with `first_seen` kept and `last_seen` moved on.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pipeline.contract import SOURCE_FORMATS

# The formats a stored document can have: the readable ones, or 'unsupported' (kept, not read).
_FORMAT_CHECK = "source_format IN ({})".format(", ".join(f"'{f}'" for f in (*SOURCE_FORMATS, "unsupported")))
_DOCUMENTS = f"""CREATE TABLE IF NOT EXISTS documents (
    url TEXT PRIMARY KEY, final_url TEXT, portal TEXT, region_code TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('report_page', 'attachment')), parent_url TEXT, title TEXT,
    published_on TEXT, sha256 TEXT, content_type TEXT, charset TEXT,
    source_format TEXT CHECK ({_FORMAT_CHECK}),
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL
);"""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS crawls (
    crawl_id TEXT PRIMARY KEY, portal TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT
);
CREATE TABLE IF NOT EXISTS fetch_log (
    crawl_id TEXT NOT NULL, url TEXT NOT NULL, final_url TEXT, status INTEGER, content_type TEXT,
    charset TEXT, etag TEXT, last_modified TEXT, sha256 TEXT, bytes INTEGER, fetched_at TEXT NOT NULL,
    error TEXT, attempts INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (crawl_id, url)
);
CREATE INDEX IF NOT EXISTS fetch_log_url ON fetch_log (url, fetched_at);
""" + _DOCUMENTS

FETCH_LOG_COLUMNS = ("url", "final_url", "status", "content_type", "charset", "etag", "last_modified",
                     "sha256", "bytes", "fetched_at", "error")


@dataclass(frozen=True)
class StoredDocument:
    url: str
    final_url: str | None
    portal: str | None
    region_code: str | None
    kind: str  # report_page | attachment
    parent_url: str | None
    title: str | None
    published_on: str | None
    sha256: str | None
    content_type: str | None
    charset: str | None  # the encoding the page was decoded with (HTML), else None
    source_format: str | None  # one of contract.SOURCE_FORMATS, or unsupported
    first_seen: str
    last_seen: str


@dataclass(frozen=True)
class FetchRecord:
    """One fetch outcome as the crawler logs it; `sha256` is None when nothing was received."""

    url: str
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    charset: str | None = None  # the HTTP Content-Type charset, None when the header had none
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    bytes: int | None = None
    error: str | None = None  # a reason code, e.g. "timeout", "http_404", "too_large"
    attempts: int = 1


@dataclass(frozen=True)
class Validators:
    """What a conditional request needs from the last good fetch of a URL."""

    etag: str | None
    last_modified: str | None
    sha256: str
    content_type: str | None = None  # what the 200 said: a 304 usually does not repeat it
    charset: str | None = None


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class RawStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.objects.mkdir(parents=True, exist_ok=True)
        self._fanout = {p.name for p in self.objects.iterdir() if p.is_dir()}  # mkdir is slow; ask once
        for leftover in self.objects.glob("*/.*.tmp"):  # from a crawl killed mid-write
            leftover.unlink(missing_ok=True)
        self._db = sqlite3.connect(self.root / "crawl.sqlite", isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._allow_new_formats()

    def _allow_new_formats(self) -> None:
        """A store made before a format became readable (.doc, .rtf) checks `source_format` against the
        older list. SQLite cannot change a CHECK, so the table is copied into one with the current
        list, in one transaction: a failure leaves the store as it was."""
        (sql,) = self._db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'documents'").fetchone()
        if _FORMAT_CHECK in sql:
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("ALTER TABLE documents RENAME TO documents_before_new_formats")
            self._db.execute(_DOCUMENTS)
            self._db.execute("INSERT INTO documents SELECT * FROM documents_before_new_formats")
            self._db.execute("DROP TABLE documents_before_new_formats")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RawStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- bytes ---------------------------------------------------------------------------------
    def path_for(self, sha: str) -> Path:
        return self.objects / sha[:2] / sha

    def put(self, data: bytes) -> str:
        """Store bytes once under their sha256 and return it; storing the same bytes again is free."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha)
        if not target.exists():
            if sha[:2] not in self._fanout:
                target.parent.mkdir(exist_ok=True)
                self._fanout.add(sha[:2])
            tmp = target.parent / f".{sha}.{uuid.uuid4().hex}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return sha

    def get(self, sha: str) -> bytes:
        return self.path_for(sha).read_bytes()

    def has(self, sha: str) -> bool:
        return self.path_for(sha).exists()

    def object_shas(self) -> list[str]:
        return sorted(p.name for p in self.objects.glob("*/*") if not p.name.startswith("."))

    # -- crawls --------------------------------------------------------------------------------
    def begin_crawl(self, portal: str) -> tuple[str, bool]:
        """The crawl id to log under, and whether it resumes an interrupted crawl of this portal."""
        row = self._db.execute(
            "SELECT crawl_id FROM crawls WHERE portal = ? AND finished_at IS NULL ORDER BY started_at DESC LIMIT 1",
            (portal,)).fetchone()
        if row is not None:
            return row["crawl_id"], True
        crawl_id = uuid.uuid4().hex
        self._db.execute("INSERT INTO crawls VALUES (?, ?, ?, NULL)", (crawl_id, portal, utc_now()))
        return crawl_id, False

    def finish_crawl(self, crawl_id: str) -> None:
        self._db.execute("UPDATE crawls SET finished_at = ? WHERE crawl_id = ?", (utc_now(), crawl_id))

    def crawls(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._db.execute("SELECT * FROM crawls ORDER BY started_at")]

    # -- fetch log -----------------------------------------------------------------------------
    def log_fetch(self, crawl_id: str, record: FetchRecord) -> None:
        self._db.execute(
            "INSERT INTO fetch_log (crawl_id, url, final_url, status, content_type, charset, etag, last_modified,"
            " sha256, bytes, fetched_at, error, attempts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (crawl_id, url) DO UPDATE SET final_url=excluded.final_url, status=excluded.status,"
            " content_type=excluded.content_type, charset=excluded.charset, etag=excluded.etag,"
            " last_modified=excluded.last_modified, sha256=excluded.sha256, bytes=excluded.bytes,"
            " fetched_at=excluded.fetched_at, error=excluded.error,"
            " attempts=fetch_log.attempts + excluded.attempts",
            (crawl_id, record.url, record.final_url, record.status, record.content_type, record.charset,
             record.etag, record.last_modified, record.sha256, record.bytes, utc_now(), record.error,
             record.attempts))

    def fetch_log(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._db.execute("SELECT * FROM fetch_log ORDER BY fetched_at, url")]

    def logged(self, crawl_id: str) -> dict[str, FetchRecord]:
        """This crawl's successful fetches by URL, so a resumed crawl reuses them instead of refetching."""
        rows = self._db.execute(
            "SELECT * FROM fetch_log WHERE crawl_id = ? AND error IS NULL AND sha256 IS NOT NULL", (crawl_id,))
        return {row["url"]: FetchRecord(**{k: row[k] for k in FETCH_LOG_COLUMNS if k != "fetched_at"},
                                        attempts=row["attempts"]) for row in rows}

    def validators(self, url: str | None = None) -> dict[str, Validators]:
        """The last good fetch of each URL (or of `url`) in any crawl, for If-None-Match / If-Modified-Since."""
        where, args = ("AND url = ?", (url,)) if url is not None else ("", ())
        rows = self._db.execute(
            "SELECT url, etag, last_modified, sha256, content_type, charset FROM fetch_log WHERE error IS NULL"
            f" AND sha256 IS NOT NULL {where} ORDER BY fetched_at", args)
        return {row["url"]: Validators(row["etag"], row["last_modified"], row["sha256"], row["content_type"],
                                       row["charset"]) for row in rows}

    # -- documents -----------------------------------------------------------------------------
    def record_document(self, *, url: str, final_url: str | None, portal: str | None, region_code: str | None,
                        kind: str, parent_url: str | None, title: str | None, published_on: str | None,
                        sha256: str | None, content_type: str | None, charset: str | None,
                        source_format: str | None) -> None:
        now = utc_now()
        self._db.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (url) DO UPDATE SET"
            " final_url=excluded.final_url, portal=excluded.portal, region_code=excluded.region_code,"
            " kind=excluded.kind, parent_url=excluded.parent_url, title=COALESCE(excluded.title, documents.title),"
            " published_on=COALESCE(excluded.published_on, documents.published_on), sha256=excluded.sha256,"
            " content_type=excluded.content_type, charset=excluded.charset,"
            " source_format=excluded.source_format, last_seen=excluded.last_seen",
            (url, final_url, portal, region_code, kind, parent_url, title, published_on, sha256, content_type,
             charset, source_format, now, now))

    def documents(self) -> list[StoredDocument]:
        return [StoredDocument(**dict(r)) for r in self._db.execute("SELECT * FROM documents ORDER BY url")]
