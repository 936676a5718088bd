"""The partition write on a real DuckDB file: idempotent, year-scoped, all-or-nothing."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.warehouse.load import replace_table, replace_years, years_present
from pipeline.warehouse.schema import FACT_TABLES, ensure_schema


def _frames(year: int, report_ids: list[str], count: int | None = 1) -> dict[str, pl.DataFrame]:
    n = len(report_ids)
    years = pl.Series("year", [year] * n, dtype=pl.Int32)
    return {
        "reports": pl.DataFrame({"report_id": report_ids, "year": years, "agency": [f"agency {r}" for r in report_ids]}),
        "applications": pl.DataFrame(
            {"report_id": report_ids, "year": years, "item": ["new_received"] * n, "applicant": ["total"] * n,
             "count": pl.Series([count] * n, dtype=pl.Int64)}
        ),
    }


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


@pytest.fixture
def con(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        yield connection


def test_reloading_a_year_replaces_only_that_year_and_is_idempotent(con) -> None:
    replace_years(con, _frames(2023, ["a", "b"]), [2023])
    replace_years(con, _frames(2024, ["c"]), [2024])
    first = {t: _rows(con, t) for t in FACT_TABLES}
    written = replace_years(con, _frames(2023, ["a", "b"]), [2023])
    assert {t: _rows(con, t) for t in FACT_TABLES} == first
    assert written["reports"] == {2023: 2} and written["proactive"] == {2023: 0}

    replace_years(con, _frames(2023, ["d"], count=7), [2023])
    assert [r[0] for r in con.execute("SELECT report_id FROM reports ORDER BY 1").fetchall()] == ["c", "d"]
    assert con.execute("SELECT count FROM applications WHERE year = 2023").fetchall() == [(7,)]
    assert years_present(con) == [2023, 2024]


def test_rows_of_unselected_years_in_the_frames_are_not_written(con) -> None:
    both = {t: pl.concat([_frames(2023, ["a"])[t], _frames(2024, ["b"])[t]]) for t in ("reports", "applications")}
    replace_years(con, both, [2024])
    assert _rows(con, "reports")[0][:2] == ("b", 2024)
    assert len(_rows(con, "reports")) == 1


def test_a_failure_between_delete_and_commit_leaves_the_previous_load(con) -> None:
    replace_years(con, _frames(2023, ["a", "b"]), [2023])
    before = {t: _rows(con, t) for t in FACT_TABLES}
    broken = _frames(2023, ["x"])
    # A NULL report_id violates NOT NULL in the last table written, after reports was already replaced.
    broken["findings"] = pl.DataFrame({"report_id": [None], "year": pl.Series([2023], dtype=pl.Int32)},
                                      schema={"report_id": pl.String, "year": pl.Int32})
    with pytest.raises(duckdb.ConstraintException):
        replace_years(con, broken, [2023])
    assert {t: _rows(con, t) for t in FACT_TABLES} == before


def test_unknown_columns_and_tables_are_refused_with_their_names(con) -> None:
    frames = _frames(2023, ["a"])
    frames["reports"] = frames["reports"].with_columns(pl.lit(1).alias("surprise"))
    with pytest.raises(ValueError, match="surprise"):
        replace_years(con, frames, [2023])
    with pytest.raises(ValueError, match="nonsense"):
        replace_years(con, {"nonsense": pl.DataFrame({"year": [2023]})}, [2023])


def test_whole_run_tables_are_replaced(con) -> None:
    failures = pl.DataFrame({"source_url": ["http://x/1", "http://x/2"], "reason": ["no_table", "not_a_report"]})
    assert replace_table(con, "parse_failures", failures) == 2
    assert replace_table(con, "parse_failures", failures.head(1)) == 1
    assert con.execute("SELECT source_url, reason FROM parse_failures").fetchall() == [("http://x/1", "no_table")]


def test_schema_gains_columns_added_to_the_contract(con) -> None:
    con.execute("CREATE TABLE findings (report_id VARCHAR NOT NULL, year INTEGER NOT NULL)")
    ensure_schema(con)
    columns = [r[0] for r in con.execute("DESCRIBE findings").fetchall()]
    assert columns == list(FACT_TABLES["findings"])


KILLED_LOAD = """
import sys
import duckdb, polars as pl
from pipeline.warehouse.load import replace_years
n = 3_000_000
ids = pl.int_range(n, eager=True).cast(pl.String)
frames = {"reports": pl.DataFrame({"report_id": ids, "year": pl.Series([2023] * n, dtype=pl.Int32)}),
          "applications": pl.DataFrame({"report_id": ids, "year": pl.Series([2023] * n, dtype=pl.Int32),
                                        "item": ["granted"] * n, "applicant": ["total"] * n})}
with duckdb.connect(sys.argv[1]) as con:
    print("loading", flush=True)
    replace_years(con, frames, [2023])
    print("committed", flush=True)
"""


def test_a_load_killed_mid_transaction_leaves_the_previous_year(tmp_path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        replace_years(con, _frames(2023, ["a", "b"]), [2023])
        before = {t: _rows(con, t) for t in FACT_TABLES}
    with subprocess.Popen([sys.executable, "-c", KILLED_LOAD, str(path)], stdout=subprocess.PIPE, text=True,
                          cwd=Path(__file__).resolve().parents[1]) as child:
        assert child.stdout.readline().strip() == "loading"
        time.sleep(0.3)  # inside the transaction: 3 M rows take seconds to insert
        child.kill()
        rest = child.stdout.read()
    assert "committed" not in rest
    with duckdb.connect(str(path)) as con:
        assert {t: _rows(con, t) for t in FACT_TABLES} == before
