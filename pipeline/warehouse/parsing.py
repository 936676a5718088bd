"""One stored document to its report: the job a staging worker runs (see `pipeline.parse.files`)."""

from __future__ import annotations

from pathlib import Path

import pipeline.parse
from pipeline.crawl.store import StoredDocument
from pipeline.errors import ParseError
from pipeline.parse.files import Failed, attempt
from pipeline.record import Report


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
    """The report in the stored file at the job's path, or how it failed."""
    path, doc = job
    return attempt(lambda: parse_document(Path(path).read_bytes(), doc))
