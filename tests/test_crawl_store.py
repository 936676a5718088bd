"""The raw store: content addressing, atomic objects, the fetch log's keys and document upserts."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from pipeline.crawl.store import FetchRecord, RawStore


def doc(store: RawStore, url: str, sha: str, title: str | None) -> None:
    store.record_document(url=url, final_url=url, portal="p", region_code="130827", kind="report_page",
                          parent_url=None, title=title, published_on=None, sha256=sha, content_type="text/html",
                          charset="utf-8", source_format="html")


def test_bytes_are_stored_once_under_their_sha256(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    sha = store.put(b"report")
    assert sha == hashlib.sha256(b"report").hexdigest()
    assert store.put(b"report") == sha
    assert store.get(sha) == b"report"
    assert (tmp_path / "objects" / sha[:2] / sha).read_bytes() == b"report"
    assert store.object_shas() == [sha]


def test_a_half_written_object_from_a_killed_crawl_is_cleared(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    sha = store.put(b"kept")
    leftover = tmp_path / "objects" / sha[:2] / f".{sha}.abc.tmp"
    leftover.write_bytes(b"ke")
    store.close()
    assert RawStore(tmp_path).object_shas() == [sha]
    assert not leftover.exists()


def test_one_fetch_log_row_per_crawl_and_url(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    crawl, resumed = store.begin_crawl("p")
    assert not resumed
    store.log_fetch(crawl, FetchRecord(url="http://a/x", error="timeout", attempts=3))
    assert store.logged(crawl) == {}  # a failure is fetched again on resume
    sha = store.put(b"x")
    store.log_fetch(crawl, FetchRecord(url="http://a/x", status=200, sha256=sha, bytes=1, etag='"e"'))
    rows = store.fetch_log()
    assert len(rows) == 1 and (rows[0]["status"], rows[0]["error"], rows[0]["attempts"]) == (200, None, 4)
    assert store.logged(crawl)["http://a/x"].sha256 == sha


def test_an_unfinished_crawl_is_resumed_and_a_finished_one_is_not(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    first, _ = store.begin_crawl("p")
    store.close()
    store = RawStore(tmp_path)
    assert store.begin_crawl("p") == (first, True)
    assert store.begin_crawl("other")[1] is False
    store.finish_crawl(first)
    second, resumed = store.begin_crawl("p")
    assert second != first and not resumed


def test_validators_come_from_the_last_good_fetch_in_any_crawl(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    first, _ = store.begin_crawl("p")
    sha = store.put(b"v1")
    store.log_fetch(first, FetchRecord(url="http://a/x", status=200, sha256=sha, etag='"v1"',
                                       last_modified="Mon, 06 Jan 2025 08:00:00 GMT"))
    store.finish_crawl(first)
    second, _ = store.begin_crawl("p")
    store.log_fetch(second, FetchRecord(url="http://a/x", error="timeout"))
    validators = store.validators()["http://a/x"]
    assert (validators.etag, validators.sha256) == ('"v1"', sha)
    assert store.validators("http://a/x") == {"http://a/x": validators}
    assert store.validators("http://a/never") == {}


def test_documents_are_upserted_keeping_first_seen(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    doc(store, "http://a/r.html", "1" * 64, "年报")
    first = store.documents()[0]
    doc(store, "http://a/r.html", "2" * 64, None)
    (again,) = store.documents()
    assert (again.sha256, again.title, again.first_seen) == ("2" * 64, "年报", first.first_seen)
    assert again.last_seen >= first.last_seen


def test_the_database_is_plain_sqlite_in_wal_mode(tmp_path: Path) -> None:
    RawStore(tmp_path).close()
    with sqlite3.connect(tmp_path / "crawl.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = [r[1] for r in db.execute("PRAGMA table_info(fetch_log)")]
    for name in ("url", "final_url", "status", "content_type", "charset", "etag", "last_modified", "sha256",
                 "bytes", "fetched_at", "error"):
        assert name in columns
