"""Readers never block a write: an analyst's process holding the DuckDB file (read-only or
read-write, DuckDB's exclusive lock) while a write replaces it; the reader keeps its snapshot."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipeline.warehouse.snapshot import reading, remove_abandoned_copies, writing

READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print(con.execute("SELECT count(*) FROM t").fetchone()[0], flush=True)
sys.stdin.readline()  # hold the file until told
print(con.execute("SELECT count(*) FROM t").fetchone()[0], flush=True)
"""


def _make(db: Path, rows: int) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute(f"CREATE OR REPLACE TABLE t AS SELECT range AS i FROM range({rows})")


@pytest.mark.parametrize("mode", ["ro", "rw"])
def test_a_reader_holding_the_file_neither_blocks_a_write_nor_sees_it_change(tmp_path, mode) -> None:
    db = tmp_path / "w.duckdb"
    _make(db, 3)
    with subprocess.Popen([sys.executable, "-c", READER, str(db), mode], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as reader:
        assert reader.stdout.readline().strip() == "3"
        with pytest.raises(duckdb.IOException):  # what a run met before: the file is locked
            duckdb.connect(str(db)).close()
        started = time.perf_counter()
        with writing(db) as con:
            con.execute("INSERT INTO t SELECT 100 + range FROM range(4)")
        took = time.perf_counter() - started
        with reading(db) as con:  # a reader arriving now sees the new version
            assert con.execute("SELECT count(*) FROM t").fetchone() == (7,)
        out, _ = reader.communicate("\n", timeout=30)
    assert out.strip() == "3"  # the reader kept the version it opened
    assert took < 5
    assert sorted(p.name for p in tmp_path.iterdir()) == [".w.duckdb.lock", "w.duckdb"]  # no copy, no WAL left


def test_a_failing_write_leaves_the_file_as_it_was(tmp_path) -> None:
    db = tmp_path / "w.duckdb"
    _make(db, 3)
    before = db.read_bytes()
    with pytest.raises(duckdb.CatalogException):
        with writing(db) as con:
            con.execute("DELETE FROM t")
            con.execute("SELECT * FROM nowhere")
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".w.duckdb.lock", "w.duckdb"]


def test_a_copy_left_by_a_killed_process_is_removed_and_a_live_ones_kept(tmp_path) -> None:
    db = tmp_path / "w.duckdb"
    _make(db, 1)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = tmp_path / f".w.duckdb.{dead.stdout.strip()}.0123abcd.building"
    live = tmp_path / f".w.duckdb.{os.getpid()}.89abcdef.building"
    abandoned.write_bytes(b"half")
    live.write_bytes(b"busy")
    assert remove_abandoned_copies(db) == [abandoned]
    assert live.exists() and not abandoned.exists()


def test_two_writers_take_turns_and_neither_write_is_lost(tmp_path) -> None:
    import threading

    db = tmp_path / "w.duckdb"
    _make(db, 0)
    first_in = threading.Event()

    def write(value: int, hold: float) -> None:
        with writing(db) as con:
            first_in.set()
            con.execute(f"INSERT INTO t VALUES ({value})")
            time.sleep(hold)

    first = threading.Thread(target=write, args=(1, 1.0))
    first.start()
    first_in.wait(10)
    write(2, 0)  # copies the file only once the first write has been swapped in
    first.join()
    with reading(db) as con:
        assert con.execute("SELECT list(i ORDER BY i) FROM t").fetchone() == ([1, 2],)
