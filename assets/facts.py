"""The year-partitioned fact tables, written together: one transaction replaces a year everywhere.

One multi-asset rather than five assets, because the five tables describe the same reports and a
year must never hold the new reports beside the old applications. The checks are computed from
the frames just written and returned with the write.
"""

from pathlib import Path

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from assets.ingest import DUCKDB_POOL, WAREHOUSE, parsed_reports
from assets.partitions import statistics_years
from assets.resources import StoragePaths, warehouse
from pipeline.contract import RULES
from pipeline.warehouse.dedupe import one_report_each
from pipeline.warehouse.ingest import read_staged
from pipeline.warehouse.load import replace_years
from pipeline.warehouse.schema import FACT_TABLES

DESCRIPTIONS = {
    "reports": "One row per report: agency, year, template, source, region names and GB/T 2260 codes.",
    "proactive": "Section 二 (主动公开), one row per report, every 2021 and 2019 template field.",
    "applications": "Section 三 in long form: report x item x applicant, count null where the report left it blank.",
    "review_litigation": "Section 四 in long form: report x group x outcome.",
    "findings": "Broken consistency rules, pandera validation failures and parser doubts, one row each.",
    "reports_sources": "Every copy of a report the crawl found (URL, format, date), beside the report counted for it: kept, duplicate or superseded.",
}

# Findings from pandera's schema checks carry a rule starting with this; rule1..rule5 are the contract's.
SCHEMA_RULE_PREFIX = "schema"

CHECKS = [
    dg.AssetCheckSpec("partition_not_empty", asset="reports",
                      description="Every loaded year holds at least one report."),
    dg.AssetCheckSpec("schema_valid", asset="findings",
                      description="No pandera schema failures in the loaded years."),
    dg.AssetCheckSpec("reports_consistent", asset="findings",
                      description="No report breaks a consistency rule of the template (rule1-rule5)."),
]


def _years(context: dg.AssetExecutionContext) -> list[int]:
    return sorted(int(k) for k in context.partition_keys)


def _finding_counts(findings: pl.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    by_rule = dict(findings.group_by("rule").len().sort("rule").iter_rows()) if findings.height else {}
    consistency = {r: n for r, n in by_rule.items() if r in RULES}
    schema = {r: n for r, n in by_rule.items() if str(r).startswith(SCHEMA_RULE_PREFIX)}
    return consistency, schema


def check_results(frames: dict[str, pl.DataFrame], years: list[int]) -> list[dg.AssetCheckResult]:
    """The three checks over what was just written for `years`."""
    reports_by_year = dict(frames["reports"].group_by("year").len().iter_rows())
    empty = [y for y in years if not reports_by_year.get(y)]
    consistency, schema = _finding_counts(frames["findings"])
    warn = dg.AssetCheckSeverity.WARN
    return [
        dg.AssetCheckResult(asset_key="reports", check_name="partition_not_empty", passed=not empty, severity=warn,
                            metadata={"empty_years": dg.MetadataValue.json(empty),
                                      "reports_by_year": dg.MetadataValue.json({str(y): reports_by_year.get(y, 0) for y in years})}),
        dg.AssetCheckResult(asset_key="findings", check_name="schema_valid", passed=not schema, severity=warn,
                            metadata={"failures_by_rule": dg.MetadataValue.json(schema)}),
        dg.AssetCheckResult(asset_key="findings", check_name="reports_consistent", passed=not consistency, severity=warn,
                            metadata={"findings_by_rule": dg.MetadataValue.json(consistency)}),
    ]


@dg.multi_asset(
    specs=[dg.AssetSpec(t, group_name=WAREHOUSE, deps=[parsed_reports], description=DESCRIPTIONS[t]) for t in FACT_TABLES],
    check_specs=CHECKS,
    partitions_def=statistics_years,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DUCKDB_POOL,
)
def fact_tables(context: dg.AssetExecutionContext, paths: StoragePaths, duckdb: DuckDBResource):
    years = _years(context)
    staged = one_report_each(read_staged(Path(paths.frames_dir)).frames)
    with warehouse(duckdb) as con:
        written = replace_years(con, staged, years)
    loaded = {t: f.filter(pl.col("year").is_in(years)) for t, f in staged.items()}
    context.log.info("load: " + ", ".join(f"{y}: {written['reports'][y]} reports" for y in years))
    checks = check_results(loaded, years)
    for table in FACT_TABLES:
        yield dg.MaterializeResult(
            asset_key=table,
            metadata={"rows": sum(written[table].values()),
                      "rows_by_year": dg.MetadataValue.json({str(y): n for y, n in written[table].items()})},
            check_results=[c for c in checks if c.asset_key == dg.AssetKey(table)],
        )
