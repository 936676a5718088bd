"""The dashboard (`pipeline.dashboard`) as an asset after the exports, so the nightly run refreshes
it, and the `xxgk dashboard` / `xxgk serve-dashboard` commands.

The site is written beside the exports: `<data>/dashboard/` for `<data>/exports/`.
"""

import argparse
import sys
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.ingest import DUCKDB_POOL
from assets.resources import DATA, DEFAULT_DB, StoragePaths, warehouse_snapshot
from pipeline.dashboard import Site, build_dashboard
from pipeline.crawl.demo_server import serve_forever
from pipeline.warehouse.snapshot import reading


def dashboard_dir(exports_dir: Path) -> Path:
    return Path(exports_dir).parent / "dashboard"


def _summary(site: Site) -> str:
    return f"dashboard: {site.root}/index.html ({site.files} files, {site.bytes / 1e6:.1f} MB)"


@dg.asset(
    group_name="exports",
    deps=[dg.AssetKey("dashboard_exports")],
    pool=DUCKDB_POOL,
    description="The static dashboard (coverage, requests, quality, metric dictionary) built from the exports "
                "into dashboard/ beside them; open dashboard/index.html or `xxgk serve-dashboard`.",
)
def dashboard(context: dg.AssetExecutionContext, paths: StoragePaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    exports = Path(paths.exports_dir)
    with warehouse_snapshot(duckdb) as con:
        site = build_dashboard(con, exports, dashboard_dir(exports))
    context.log.info(_summary(site))
    return dg.MaterializeResult(metadata={"path": str(site.root), "files": site.files, "bytes": site.bytes})


def dashboard_command(args: argparse.Namespace) -> int:
    """`xxgk dashboard` builds the site from the exports and the warehouse; `xxgk serve-dashboard`
    serves it. Exit 1 when there is nothing to build from (or to serve)."""
    if args.command == "serve-dashboard":
        # the demo portal's static server: it rewrites only the demo's origin in .html/.json, which
        # the site's pages do not hold (its data files, with the reports' URLs, are .js)
        return serve_forever(args.port, args.dir or dashboard_dir(DATA / "exports"), "the dashboard")
    db = args.db or DEFAULT_DB
    if not db.exists():
        print(f"xxgk dashboard: no warehouse at {db}: run `xxgk demo` or `xxgk run` first", file=sys.stderr)
        return 1
    with reading(db) as con:
        site = build_dashboard(con, DATA / "exports", args.out or dashboard_dir(DATA / "exports"))
    print(_summary(site) + "; serve it with `xxgk serve-dashboard`")
    return 0
