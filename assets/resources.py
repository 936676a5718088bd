"""Where the pipeline reads and writes, and which portals it crawls, as Dagster resources.

Defaults point at the repository's git-ignored `data/` folder (or `$XXGK_DATA`) so `dagster dev`
from a fresh clone works; `xxgk run` and the tests pass their own.
"""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import duckdb

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.crawl.config import (
    DEFAULT_PORTALS_FILE,
    ConfigError,
    PortalConfig,
    demo_portal_config,
    load_portals,
    portal_from_start_url,
)
from pipeline.crawl.demo_server import DEMO_PORT, serving_demo

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("XXGK_DATA", ROOT / "data"))
DEFAULT_DB = DATA / "xxgk.duckdb"
DEMO_PORTAL = "demo"


class StoragePaths(dg.ConfigurableResource):
    """The raw document store, the parsed staging and the dashboard exports."""

    raw_dir: str = str(DATA / "raw")
    frames_dir: str = str(DATA / "frames")
    exports_dir: str = str(DATA / "exports")


class PortalSource(dg.ConfigurableResource):
    """What to crawl: named portals of the portals file (all when empty) or one start URL.

    The demo portal is served on loopback for the crawl's duration unless `demo_base_url` says
    where it already runs.
    """

    portals: list[str] = []
    start_url: Optional[str] = None
    portals_file: str = str(DEFAULT_PORTALS_FILE)
    demo_base_url: Optional[str] = None
    max_pages: Optional[int] = None

    @contextlib.contextmanager
    def configs(self) -> Iterator[list[PortalConfig]]:
        if self.start_url:
            yield [portal_from_start_url(self.start_url)]
            return
        known = load_portals(Path(self.portals_file))
        names = self.portals or sorted(known)
        missing = [n for n in names if n not in known]
        if missing:
            raise ConfigError(f"{self.portals_file}: no portal named {missing[0]!r} (known: {', '.join(sorted(known))})")
        with contextlib.ExitStack() as stack:
            configs = []
            for name in names:
                if name == DEMO_PORTAL:
                    base = self.demo_base_url or stack.enter_context(serving_demo(DEMO_PORT, any_port_if_taken=True))
                    configs.append(demo_portal_config(base, Path(self.portals_file)))
                else:
                    configs.append(known[name])
            yield configs


@contextlib.contextmanager
def warehouse(resource: DuckDBResource) -> Iterator[duckdb.DuckDBPyConnection]:
    """The resource's connection, closed even when the step fails.

    DuckDBResource closes it only on success; a leaked connection keeps the file open in this
    process, and the next connection with another configuration is refused.
    """
    with resource.get_connection() as con:
        try:
            yield con
        finally:
            con.close()


def default_resources(db: Path = DEFAULT_DB) -> dict[str, dg.ConfigurableResource]:
    return {"duckdb": DuckDBResource(database=str(db)), "paths": StoragePaths(), "source": PortalSource()}
