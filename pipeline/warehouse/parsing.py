"""One stored document to its report: the job a parse worker runs.

Kept apart from `ingest` so a worker process imports only the parser, not Polars and pandera
(0.6 s more per worker start, measured with `python -X importtime`).
"""

from __future__ import annotations

from pathlib import Path

import pipeline.parse
from pipeline.crawl.store import StoredDocument
from pipeline.errors import DocumentError, ParseError
from pipeline.record import Report

Failed = tuple[str, str, str]  # (stage, reason, message) of a document that gave no report


def parse_document(data: bytes, doc: StoredDocument) -> Report:
    """Parse one stored document and resolve its region with the portal's code first, as the
    crawl knows it: it places a 街道 name shared by several counties, while an agency name that
    names a place outside the portal (a reposted report) keeps its own place with a finding."""
    report = pipeline.parse.parse_bytes(data, doc.url, content_type=doc.content_type,
                                        portal_region_code=doc.region_code)
    if report.year is None:
        raise ParseError("no_year", "the statistics year could not be read")
    return report


def parse_stored(job: tuple[str, StoredDocument]) -> Report | Failed:
    """The report in the stored file at the job's path, or how it failed. Every exception is
    caught: a parser bug must cost one document, not the run."""
    path, doc = job
    try:
        return parse_document(Path(path).read_bytes(), doc)
    except DocumentError as err:
        return err.stage, err.reason, err.message
    except Exception as err:
        return "parse", "internal_error", f"{type(err).__name__}: {err}"
