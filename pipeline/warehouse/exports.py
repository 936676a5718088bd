"""Dashboard exports: every mart as one Parquet file per year and as spreadsheet-friendly CSV.

Parquet carries the warehouse's types, so DuckDB, polars and pandas (pyarrow) read them as they
are: the files are `parquet/<mart>/<year>.parquet` with `year` inside each file as INTEGER, not
hive folders (`year=2024/`), whose readers re-type `year` from the folder name (BIGINT in DuckDB,
a dictionary in pyarrow) and move it last. CSV has no types, and every reader guesses them from
the text (GB/T 2260 codes become integers, a column blank in the first rows becomes text), so
each CSV has a `<mart>.types.json` beside it naming every column's warehouse type, for readers to
pass on (README, "Exports"). CSV carries a UTF-8 byte-order mark because Excel otherwise decodes
Chinese names as the system's ANSI code page. Column order is the mart's SELECT order,
documented in the README. Each mart's files are written beside the old ones and swapped in, so a
dashboard never reads half an export.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.warehouse.models import Model, marts

BOM = "\ufeff".encode("utf-8")


@dataclass(frozen=True)
class Export:
    mart: str
    rows: int
    parquet_dir: Path
    csv_path: Path


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def column_types(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """Column -> DuckDB type of a table or view, in column order."""
    return {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {relation}").fetchall()}


def _swap(new: Path, target: Path) -> None:
    """Put `new` where `target` is, in renames only: a reader sees the old or the new, never half."""
    if target.is_dir():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(new, target)
        shutil.rmtree(old)
    else:
        os.replace(new, target)


def export_mart(con: duckdb.DuckDBPyConnection, model: Model, root: Path) -> Export:
    """Write one mart to `root/parquet/<mart>/<year>.parquet`, `root/csv/<mart>.csv` and
    `root/csv/<mart>.types.json`."""
    parquet_dir = root / "parquet" / model.name
    csv_path = root / "csv" / f"{model.name}.csv"
    staging = parquet_dir.with_name(f".{model.name}.new")
    shutil.rmtree(staging, ignore_errors=True)  # a year no longer present must not linger in the export
    staging.mkdir(parents=True)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    rows = con.execute(f"SELECT count(*) FROM {model.qualified}").fetchone()[0]
    years = [y for (y,) in con.execute(f"SELECT DISTINCT year FROM {model.qualified} ORDER BY 1").fetchall()]
    for year in years:
        con.execute(f"COPY (SELECT * FROM {model.qualified} WHERE year = ? ORDER BY ALL) "
                    f"TO {_sql_path(staging / f'{year}.parquet')} (FORMAT parquet)", [year])
    body = csv_path.with_name(f".{model.name}.body.csv")
    con.execute(f"COPY (SELECT * FROM {model.qualified} ORDER BY ALL) TO {_sql_path(body)} (FORMAT csv, HEADER)")
    new_csv = csv_path.with_name(f".{model.name}.csv.new")
    with new_csv.open("wb") as out, body.open("rb") as data:
        out.write(BOM)
        shutil.copyfileobj(data, out)
    body.unlink()
    types = csv_path.with_name(f".{model.name}.types.json.new")
    types.write_text(json.dumps(column_types(con, model.qualified), indent=1) + "\n", encoding="utf-8")
    _swap(staging, parquet_dir)
    _swap(new_csv, csv_path)
    _swap(types, csv_path.with_name(f"{model.name}.types.json"))
    return Export(model.name, rows, parquet_dir, csv_path)


def export_marts(con: duckdb.DuckDBPyConnection, root: Path, models: list[Model] | None = None) -> list[Export]:
    """Export every mart; returns what was written."""
    return [export_mart(con, model, root) for model in marts(models)]
