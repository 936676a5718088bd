"""Idempotent writes: a year's rows of every fact table are replaced in one transaction.

DELETE of the year and INSERT of the new rows commit together or not at all, so a re-run gives
the same rows and a run that dies mid-load leaves the previous load in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import polars as pl

from pipeline.warehouse.schema import FACT_TABLES, RUN_TABLES, TABLES, ensure_schema, quoted


def _check_columns(table: str, frame: pl.DataFrame) -> None:
    unknown = [c for c in frame.columns if c not in TABLES[table]]
    if unknown:
        raise ValueError(f"frame for table {table} has columns the warehouse does not know: {', '.join(unknown)}")


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Insert through the view `_load_<table>`, registered before the transaction began."""
    if frame.height:
        columns = ", ".join(quoted(c) for c in frame.columns)
        con.execute(f"INSERT INTO {quoted(table)} ({columns}) SELECT {columns} FROM _load_{table}")


def _in_transaction(con: duckdb.DuckDBPyConnection, frames: Mapping[str, pl.DataFrame], writes) -> None:
    """Run `writes` in one transaction with each frame registered as `_load_<table>`.

    Registration happens outside the transaction: DuckDB refuses to unregister inside an aborted one.
    """
    for table, frame in frames.items():
        _check_columns(table, frame)
        con.register(f"_load_{table}", frame)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            writes()
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        for table in frames:
            con.unregister(f"_load_{table}")


def replace_years(
    con: duckdb.DuckDBPyConnection, frames: Mapping[str, pl.DataFrame], years: Iterable[int]
) -> dict[str, dict[int, int]]:
    """Replace the given years' rows of every fact table with `frames`' rows for those years.

    Tables missing from `frames` are emptied for those years too: a year's load is the whole truth
    about that year. Returns rows written per table and year.
    """
    unknown = set(frames) - set(FACT_TABLES)
    if unknown:
        raise ValueError(f"not fact tables: {', '.join(sorted(unknown))}")
    selected = sorted(set(years))
    ensure_schema(con)
    kept = {
        table: frames[table].filter(pl.col("year").is_in(selected)) if table in frames else None
        for table in FACT_TABLES
    }

    def writes() -> None:
        for table, frame in kept.items():
            con.execute(f"DELETE FROM {quoted(table)} WHERE year IN (SELECT unnest(?::INTEGER[]))", [selected])
            if frame is not None:
                _insert(con, table, frame)

    _in_transaction(con, {t: f for t, f in kept.items() if f is not None}, writes)
    return {
        table: {y: (0 if frame is None else frame.filter(pl.col("year") == y).height) for y in selected}
        for table, frame in kept.items()
    }


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Replace a whole-run table (fetch_log, parse_failures) in one transaction; returns rows written."""
    if table not in RUN_TABLES:
        raise ValueError(f"not a whole-run table: {table}")
    ensure_schema(con)

    def writes() -> None:
        con.execute(f"DELETE FROM {quoted(table)}")
        _insert(con, table, frame)

    _in_transaction(con, {table: frame}, writes)
    return frame.height


def years_present(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Statistics years that have reports in the warehouse."""
    ensure_schema(con)
    return [r[0] for r in con.execute("SELECT DISTINCT year FROM reports ORDER BY year").fetchall()]
