"""One file to its report, or how it failed: the job a parse worker runs.

A worker process imports only this and the parser (not Polars and pandera: 0.6 s more per worker
start, measured with `python -X importtime`). Every exception comes back as data, because a parser
bug must cost one document, not the batch, and an exception does not always survive pickling.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.errors import DocumentError
from pipeline.parse import parse_bytes
from pipeline.record import Report

Failed = tuple[str, str, str]  # (stage, reason, message) of a document that gave no report


def attempt(parse: Callable[[], Report]) -> Report | Failed:
    """`parse()`'s report, or the (stage, reason, message) of its failure; a bug is `internal_error`."""
    try:
        return parse()
    except DocumentError as err:
        return err.stage, err.reason, err.message
    except Exception as err:
        return "parse", "internal_error", f"{type(err).__name__}: {err}"


def parse_path(path: str) -> Report | Failed:
    """The report in the file at `path` (its name is the report's source)."""
    def parse() -> Report:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise DocumentError("unreadable_file", error.strerror or str(error)) from error
        return parse_bytes(data, path)

    return attempt(parse)
