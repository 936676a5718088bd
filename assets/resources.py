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
    PortalConfig,
)
from pipeline.crawl.sources import portal_configs
from pipeline.warehouse.snapshot import reading, writing
from pipeline.workers import DEFAULT_TIMEOUT

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("XXGK_DATA", ROOT / "data"))
DEFAULT_DB = DATA / "xxgk.duckdb"


class StoragePaths(dg.ConfigurableResource):
    """The raw document store, the parsed staging and the dashboard exports."""

    raw_dir: str = str(DATA / "raw")
    frames_dir: str = str(DATA / "frames")
    exports_dir: str = str(DATA / "exports")


class ParseSettings(dg.ConfigurableResource):
    """How documents are parsed: in `workers` processes (0: one per core), each document within
    `timeout_seconds`, past which it is stopped and reported as `timeout` (and tried again on the
    next run) while the others go on."""

    workers: int = 0
    timeout_seconds: float = DEFAULT_TIMEOUT


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
        with portal_configs(self.portals, self.start_url, Path(self.portals_file), self.demo_base_url) as configs:
            yield configs


@contextlib.contextmanager
def warehouse(resource: DuckDBResource) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for a step that writes: to a copy of the resource's file, swapped in when the
    step succeeds (`pipeline.warehouse.snapshot`), so a reader holding the file never blocks it."""
    with writing(Path(resource.database), resource.connection_config) as con:
        yield con


@contextlib.contextmanager
def warehouse_snapshot(resource: DuckDBResource) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to a private copy of the resource's file, for a step that only reads."""
    with reading(Path(resource.database)) as con:
        yield con


def default_resources(db: Path = DEFAULT_DB) -> dict[str, dg.ConfigurableResource]:
    return {"duckdb": DuckDBResource(database=str(db)), "paths": StoragePaths(), "source": PortalSource(),
            "parsing": ParseSettings()}
