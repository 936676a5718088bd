"""Statistics years: 2019 (the first year of the national template) onward.

A time-window definition rather than a fixed list, so the next year appears on 1 January without a
code change; statistics year Y becomes a partition once Y has ended, which is when its reports
can exist.
"""

from __future__ import annotations

import dagster as dg

FIRST_YEAR = 2019

statistics_years = dg.TimeWindowPartitionsDefinition(
    start=str(FIRST_YEAR), cron_schedule="0 0 1 1 *", fmt="%Y"
)
