"""The `progress` logger `xxgk run` configures: the assets' own messages on stderr, one per line."""

import logging
import sys

import dagster as dg


class _ProgressFormatter(logging.Formatter):
    """The message an asset logged, without Dagster's job/run/step prefix."""

    def format(self, record: logging.LogRecord) -> str:
        return "  " + record.dagster_meta.get("orig_message", record.getMessage()).replace("\n", "\n  ")


class _UserMessages(logging.Filter):
    """Only what the assets log: Dagster's own events (step start, materialization ...) stay in the UI."""

    def filter(self, record: logging.LogRecord) -> bool:
        meta = getattr(record, "dagster_meta", {})
        return meta.get("dagster_event") is None


@dg.logger(description="One line per progress message the assets log; Dagster's own events stay in the UI.")
def progress_logger(_init_context) -> logging.Logger:
    log = logging.getLogger("xxgk.progress")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_ProgressFormatter())
    handler.addFilter(_UserMessages())
    log.handlers = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    return log
