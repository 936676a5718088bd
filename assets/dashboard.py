"""The dashboard (`pipeline.dashboard`) as an asset after the exports, so the nightly run refreshes
it, and the `xxgk dashboard` / `xxgk serve-dashboard` commands.

The site is written beside the exports: `<data>/dashboard/` for `<data>/exports/`.
"""

import argparse
import sys
from pathlib import Path

import dagster as dg
import duckdb

from assets.ingest import DUCKDB_POOL
from assets.resources import DATA, StoragePaths
from pipeline.dashboard import Site, build_dashboard
from pipeline.crawl.demo_server import serve_forever


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
def dashboard(context: dg.AssetExecutionContext, paths: StoragePaths) -> dg.MaterializeResult:
    exports = Path(paths.exports_dir)
    with duckdb.connect() as con:  # views over the exports: the warehouse file is not read
        site = build_dashboard(con, exports, dashboard_dir(exports))
    context.log.info(_summary(site))
    return dg.MaterializeResult(metadata={"path": str(site.root), "files": site.files, "bytes": site.bytes})


def dashboard_command(args: argparse.Namespace) -> int:
    """`xxgk dashboard` builds the site from the exports; `xxgk serve-dashboard`
    serves it. Exit 1 when there is nothing to build from (or to serve)."""
    if args.command == "serve-dashboard":
        # the demo portal's static server: it rewrites only the demo's origin in .html/.json, which
        # the site's pages do not hold (its data files, with the reports' URLs, are .js)
        return serve_forever(args.port, args.dir or dashboard_dir(DATA / "exports"), "the dashboard")
    exports = DATA / "exports"
    if not (exports / "csv").is_dir():
        print(f"xxgk dashboard: no exports in {exports}: run `xxgk demo` or `xxgk run` first", file=sys.stderr)
        return 1
    with duckdb.connect() as con:
        try:
            site = build_dashboard(con, exports, args.out or dashboard_dir(exports))
        except FileNotFoundError as missing:
            print(f"xxgk dashboard: {missing}: run `xxgk run` to export every mart", file=sys.stderr)
            return 1
    print(_summary(site) + "; serve it with `xxgk serve-dashboard`")
    return 0
