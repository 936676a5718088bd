"""Readers never block a run, and a run never fails for them: each write goes to a copy of the
DuckDB file that is swapped in whole.

DuckDB admits one process with the file open read-write, and none beside it, so an analyst's
notebook or a dashboard holding `xxgk.duckdb` (even read-only) used to make the nightly load wait
for the lock and fail after the crawl and the parse. Here a step that writes copies the file,
writes the copy, checkpoints and closes it, and renames it over the original: one atomic rename.
Readers that had the file open keep reading the version they opened (their open file is the old
one, which lives on until they close it); the next connection sees the new version. A step that
fails leaves the original untouched. Steps that only read take a private copy the same way, so
they never wait for a reader either.

The copies sit beside the file (a rename is atomic only within one file system) as
`.<name>.<pid>.<random>.building`; one left by a process that was killed is removed by the next
write. Writers take turns on `.<name>.lock` (an advisory lock readers never take): two writers
copying the same version would otherwise each swap in their own, and the first one's write
would be lost. Dagster's `duckdb_writer` pool already serializes the runs of one instance; the
lock also covers writers on different instances.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb

_SUFFIX = ".building"


def _copy_path(db: Path) -> Path:
    return db.with_name(f".{db.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}{_SUFFIX}")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (one of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_abandoned_copies(db: Path) -> list[Path]:
    """Copies whose process is gone (killed mid-write): nothing will ever swap them in."""
    removed = []
    for path in db.parent.glob(f".{db.name}.*{_SUFFIX}"):
        pid = path.name[len(db.name) + 2:].split(".")[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _copy_of(db: Path) -> Path:
    copy = _copy_path(db)
    if db.exists():
        shutil.copyfile(db, copy)
    return copy


@contextlib.contextmanager
def writing(db: Path, config: dict | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a copy of `db`, swapped in for `db` when the block succeeds."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(f".{db.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the process dies
        remove_abandoned_copies(db)
        with _swapped_in(db, config) as con:
            yield con


@contextlib.contextmanager
def _swapped_in(db: Path, config: dict | None) -> Iterator[duckdb.DuckDBPyConnection]:
    copy = _copy_of(db)
    try:
        con = duckdb.connect(str(copy), config=config or {})
        try:
            yield con
            con.execute("CHECKPOINT")  # everything in the file itself: no WAL to carry along
        finally:
            con.close()
        os.replace(copy, db)
    finally:
        copy.unlink(missing_ok=True)
        copy.with_name(copy.name + ".wal").unlink(missing_ok=True)


@contextlib.contextmanager
def reading(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to a private copy of `db` (which must exist), removed afterwards."""
    db = Path(db)
    if not db.exists():
        raise FileNotFoundError(f"no warehouse at {db}")
    copy = _copy_of(db)
    try:
        with duckdb.connect(str(copy), read_only=True) as con:
            yield con
    finally:
        copy.unlink(missing_ok=True)
