"""Dashboard exports of every mart (Parquet by year, CSV with BOM) under data/exports."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.ingest import DUCKDB_POOL
from assets.models import MODELS, model_key
from assets.resources import StoragePaths, warehouse_snapshot
from pipeline.warehouse.exports import export_marts
from pipeline.warehouse.models import marts


@dg.asset(
    group_name="exports",
    deps=[model_key(m.qualified) for m in marts(MODELS)],
    pool=DUCKDB_POOL,
    description="Every mart as Parquet partitioned by year (exports/parquet/<mart>/year=Y/) and CSV with a UTF-8 BOM (exports/csv/<mart>.csv).",
)
def dashboard_exports(context: dg.AssetExecutionContext, paths: StoragePaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    root = Path(paths.exports_dir)
    with warehouse_snapshot(duckdb) as con:
        written = export_marts(con, root, MODELS)
    context.log.info(f"exports: {len(written)} marts to {root}")
    return dg.MaterializeResult(metadata={"path": str(root), **{e.mart: e.rows for e in written}})
