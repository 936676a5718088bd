"""Dashboard exports: every mart as year-partitioned Parquet and as spreadsheet-friendly CSV.

CSV carries a UTF-8 byte-order mark because Excel otherwise decodes Chinese names as the
system's ANSI code page. Column order is the mart's SELECT order, documented in the README.
"""

from __future__ import annotations

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


def export_mart(con: duckdb.DuckDBPyConnection, model: Model, root: Path) -> Export:
    """Write one mart to `root/parquet/<mart>/year=Y/*.parquet` and `root/csv/<mart>.csv`."""
    parquet_dir = root / "parquet" / model.name
    csv_path = root / "csv" / f"{model.name}.csv"
    if parquet_dir.exists():
        shutil.rmtree(parquet_dir)  # a year no longer present must not linger in the export
    parquet_dir.mkdir(parents=True)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    rows = con.execute(f"SELECT count(*) FROM {model.qualified}").fetchone()[0]
    con.execute(
        f"COPY (SELECT * FROM {model.qualified}) TO {_sql_path(parquet_dir)} "
        "(FORMAT parquet, PARTITION_BY (year), OVERWRITE_OR_IGNORE)"
    )
    body = csv_path.with_suffix(".body.csv")
    con.execute(f"COPY (SELECT * FROM {model.qualified} ORDER BY ALL) TO {_sql_path(body)} (FORMAT csv, HEADER)")
    with csv_path.open("wb") as out, body.open("rb") as data:
        out.write(BOM)
        shutil.copyfileobj(data, out)
    body.unlink()
    return Export(model.name, rows, parquet_dir, csv_path)


def export_marts(con: duckdb.DuckDBPyConnection, root: Path, models: list[Model] | None = None) -> list[Export]:
    """Export every mart; returns what was written."""
    return [export_mart(con, model, root) for model in marts(models)]
