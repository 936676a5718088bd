"""The SQL models as assets: one asset per file in `sql/`, its deps read from the SQL itself.

They run together (one multi-asset, no subsetting) because each `CREATE OR REPLACE` is cheap and
a mart must never be rebuilt over staging views of an older schema.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.ingest import DUCKDB_POOL
from assets.resources import warehouse
from pipeline.warehouse.models import Model, discover, run_models

MODELS = discover()
CROSS_YEAR = dg.AssetKey(["marts", "cross_year_findings"])


def model_key(name: str) -> dg.AssetKey:
    """Model `staging.x` -> key staging/x; fact table `reports` -> key reports."""
    return dg.AssetKey(name.split("."))


def _spec(model: Model) -> dg.AssetSpec:
    return dg.AssetSpec(
        model_key(model.qualified),
        group_name=model.schema,
        deps=[model_key(d) for d in model.deps],
        description=model.description,
        kinds={"duckdb", "sql"},
        metadata={"sql_file": str(model.path.relative_to(model.path.parents[2])), "materialized_as": model.kind.lower()},
    )


@dg.multi_asset(
    specs=[_spec(m) for m in MODELS],
    check_specs=[dg.AssetCheckSpec("no_cross_year_breaks", asset=CROSS_YEAR,
                                   description="Consecutive years of each agency agree (carried over, documents in force).")],
    pool=DUCKDB_POOL,
)
def sql_models(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    with warehouse(duckdb) as con:
        timings = run_models(con, MODELS)
        rows = {m.qualified: con.execute(f"SELECT count(*) FROM {m.qualified}").fetchone()[0] for m in MODELS}
        breaks = dict(con.execute("SELECT rule, count(*) FROM marts.cross_year_findings GROUP BY rule ORDER BY rule").fetchall())
    context.log.info(f"models: {len(MODELS)} built in {sum(timings.values()):.2f} s")
    for model in MODELS:
        key = model_key(model.qualified)
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={"rows": rows[model.qualified], "seconds": round(timings[model.qualified], 3)},
            check_results=[
                dg.AssetCheckResult(check_name="no_cross_year_breaks", passed=not breaks,
                                    severity=dg.AssetCheckSeverity.WARN,
                                    metadata={"breaks_by_rule": dg.MetadataValue.json(breaks)})
            ] if key == CROSS_YEAR else [],
        )
