"""Nightly refresh: the whole graph at 02:00 China time, every statistics year in one run.

One run (not one per year) so the crawl happens once; the partition range tags hand every year to
the single-run backfill policy of the fact tables.
"""

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.partitions import statistics_years

everything = dg.define_asset_job("refresh_everything", selection=dg.AssetSelection.all(),
                                 description="Crawl, parse, load every statistics year, model and export.")


def all_years_tags(keys: list[str]) -> dict[str, str]:
    """Run tags that put every partition in `keys` into one run."""
    return {ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]}


@dg.schedule(
    job=everything,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def nightly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    keys = statistics_years.get_partition_keys(current_time=context.scheduled_execution_time)
    return dg.RunRequest(tags=all_years_tags(keys))
