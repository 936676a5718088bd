"""Crawl and parse: the unpartitioned upstream of the warehouse (a crawl finds every year).

`parsed_reports` carries the parser's version and the division data's digest as its code_version,
so after a parser upgrade or new division data Dagster marks it and every table below it stale
until re-materialized.
"""

import time
from pathlib import Path
from urllib.parse import urlsplit

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from assets.resources import ParseSettings, PortalSource, StoragePaths, warehouse
from pipeline.crawl.command import format_summary
from pipeline.crawl.crawler import CrawlEvent, CrawlSummary, crawl_sync
from pipeline.crawl.store import RawStore
from pipeline.parse import PARSER_VERSION
from pipeline.warehouse.ingest import Staged, division_data_digest, read_staged, stage, staging_version
from pipeline.warehouse.load import replace_table
from pipeline.warehouse.schema import RUN_TABLES

INGEST = "ingest"
WAREHOUSE = "warehouse"
DUCKDB_POOL = "duckdb_writer"


# Fetch reasons meaning the host did not answer at all (pipeline.crawl.fetch), not that it refused.
UNREACHABLE = {"connection_error", "timeout", "tls_error"}
PROGRESS_SECONDS = 15.0  # a crawl shorter than this prints only its closing summary


def _crawl_progress(log: dg.DagsterLogManager, name: str):
    """A line every PROGRESS_SECONDS while a long crawl runs, marked as counts so far, so no
    count printed before the closing summary can be mistaken for it."""
    counts = {"report": 0, "attachment": 0, "failed": 0}
    last = time.monotonic()

    def progress(event: CrawlEvent) -> None:
        nonlocal last
        if event.kind in counts:
            counts[event.kind] += 1
        if time.monotonic() - last >= PROGRESS_SECONDS:
            last = time.monotonic()
            log.info(f"crawl of {name} so far: {counts['report']} reports, {counts['attachment']} attachments, "
                     f"{counts['failed']} failed")

    return progress


def _nothing_found(name: str, summary: CrawlSummary) -> str:
    if summary.failed:
        url, reason = summary.failed[0]
        return f"{name} (first failure: {url} {reason})"
    if summary.robots_unreadable:
        url, reason = summary.robots_unreadable[0]
        if reason in UNREACHABLE:  # robots.txt is only the first request to a host that is not there
            return f"{name} (cannot connect to {urlsplit(url).netloc}: {reason})"
        return f"{name} (robots.txt unreadable, so nothing on its host was fetched: {url} {reason})"
    if summary.robots_disallowed:
        return f"{name} (robots.txt disallows the report pages)"
    return f"{name} (no report links)"


@dg.asset(group_name=INGEST, description="Crawl the configured portals into the raw document store (data/raw).")
def raw_documents(context: dg.AssetExecutionContext, source: PortalSource, paths: StoragePaths) -> dg.MaterializeResult:
    metadata = {}
    empty = []
    with source.configs() as configs, RawStore(Path(paths.raw_dir)) as store:
        for config in configs:
            summary = crawl_sync(config, store, max_pages=source.max_pages,
                                 progress=_crawl_progress(context.log, config.name))
            context.log.info(format_summary(config.name, summary))
            if not summary.reports_found:
                empty.append(_nothing_found(config.name, summary))
                context.log.warning(f"crawl found no reports: {empty[-1]}; its last good crawl stays in use")
            metadata[f"{config.name}_reports"] = summary.reports_found
            metadata[f"{config.name}_failed"] = len(summary.failed)
        metadata["documents_in_store"] = len(store.documents())
    if empty and len(empty) == len(configs):
        raise dg.Failure(f"crawl found no reports: {'; '.join(empty)}")
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    group_name=INGEST,
    deps=[raw_documents],
    code_version=staging_version(),
    description="Parse each current document into validated frames, staged as Parquet keyed by URL, sha256, the portal's region code, parser version and division data.",
)
def parsed_reports(context: dg.AssetExecutionContext, paths: StoragePaths, parsing: ParseSettings) -> dg.MaterializeResult:
    with RawStore(Path(paths.raw_dir)) as store:
        staged = stage(store, Path(paths.frames_dir), progress=context.log.info, workers=parsing.workers or None,
                       timeout=parsing.timeout_seconds)
    reports = staged.frames["reports"]
    by_year = dict(reports.group_by("year").len().sort("year").iter_rows())
    context.log.info(parse_summary(staged))
    return dg.MaterializeResult(
        metadata={
            "documents": staged.documents,
            "parsed": staged.parsed,
            "from_staging": staged.cached,
            "reports": reports.height,
            "failures": staged.failures.height,
            "reports_by_year": dg.MetadataValue.json({str(y): n for y, n in by_year.items()}),
            "parser_version": PARSER_VERSION,
            "division_data": division_data_digest(),
        }
    )


FAILURES_LISTED = 20  # the rest are in the table parse_failures


def parse_summary(staged: Staged) -> str:
    """What the parse did, in words that add up: documents read now and taken from the staging
    (an attachment is not read once its page gave the report), reports kept, and each document
    that gave no report with its URL and reason, as `xxgk crawl` lists its failures."""
    failures = staged.failures
    reasons = ", ".join(f"{r} {n}" for r, n in failures.group_by("reason").len().sort("reason").iter_rows())
    lines = [f"parse: {staged.documents} documents ({staged.parsed} read now, {staged.cached} from the staging): "
             f"{staged.frames['reports'].height} reports; {failures.height} documents gave no report"
             + (f" ({reasons})" if reasons else "")]
    lines += [f"  no report: {r['source_url']} ({r['reason']}: {r['message']})"
              for r in failures.head(FAILURES_LISTED).iter_rows(named=True)]
    if failures.height > FAILURES_LISTED:
        lines.append(f"  ... and {failures.height - FAILURES_LISTED} more in the table parse_failures")
    return "\n".join(lines)


@dg.asset(
    group_name=WAREHOUSE,
    deps=[raw_documents],
    pool=DUCKDB_POOL,
    description="Every fetch the crawler made (table fetch_log), replaced from the raw store's log.",
)
def fetch_log(paths: StoragePaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    with RawStore(Path(paths.raw_dir)) as store:
        rows = store.fetch_log()
    columns = list(RUN_TABLES["fetch_log"])
    frame = pl.DataFrame([{c: r.get(c) for c in columns} for r in rows],
                         schema={c: (pl.Int64 if c in ("status", "bytes", "attempts") else pl.String) for c in columns})
    with warehouse(duckdb) as con:
        written = replace_table(con, "fetch_log", frame)
    return dg.MaterializeResult(metadata={"rows": written, "errors": frame["error"].is_not_null().sum()})


@dg.asset(
    group_name=WAREHOUSE,
    deps=[parsed_reports],
    pool=DUCKDB_POOL,
    check_specs=[dg.AssetCheckSpec("all_documents_parsed", asset="parse_failures",
                                   description="Every current document yielded a report.")],
    description="Documents that could not be parsed (table parse_failures): stage, reason code, one-line message.",
)
def parse_failures(paths: StoragePaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    failures = read_staged(Path(paths.frames_dir)).failures
    with warehouse(duckdb) as con:
        written = replace_table(con, "parse_failures", failures)
    reasons = dict(failures.group_by("reason").len().sort("reason").iter_rows()) if written else {}
    return dg.MaterializeResult(
        metadata={"rows": written, "reasons": dg.MetadataValue.json(reasons)},
        check_results=[dg.AssetCheckResult(passed=written == 0, severity=dg.AssetCheckSeverity.WARN,
                                           metadata={"failures": written, "reasons": dg.MetadataValue.json(reasons)})],
    )
