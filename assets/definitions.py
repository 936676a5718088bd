"""Everything Dagster loads (`dagster dev -m assets.definitions`): definitions only, no logic."""

import dagster as dg
from dagster._loggers import colored_console_logger

from assets import dashboard, exports, facts, ingest, models
from assets.jobs import step_jobs
from assets.progress import progress_logger
from assets.resources import default_resources
from assets.schedules import everything, nightly

MODULES = [ingest, facts, models, exports, dashboard]


def build_definitions(resources: dict[str, dg.ConfigurableResource]) -> dg.Definitions:
    """The graph with the given resources (`xxgk run` and the tests point it at their own files)."""
    return dg.Definitions(
        assets=dg.load_assets_from_modules(MODULES),
        asset_checks=dg.load_asset_checks_from_modules(MODULES),
        jobs=[everything, *step_jobs],
        schedules=[nightly],
        resources=resources,
        executor=dg.in_process_executor,
        # `console` is Dagster's default, kept for runs launched from the UI; `xxgk run` picks `progress`.
        loggers={"console": colored_console_logger, "progress": progress_logger},
    )


defs = build_definitions(default_resources())
