"""One stored document to its report: the job a staging worker runs (see `pipeline.parse.files`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pipeline.parse
from pipeline.crawl.demo_server import public_url
from pipeline.crawl.sources import DEMO_PORTAL
from pipeline.crawl.store import StoredDocument
from pipeline.errors import ParseError
from pipeline.parse.files import Failed, attempt
from pipeline.record import Report


def source_url(doc: StoredDocument) -> str:
    """The URL a document's report is named by (its id is a digest of it). The demo portal is
    served on whichever loopback port is free, so its documents are named by the portal's public
    origin: a re-run on another port keeps the same report ids."""
    return public_url(doc.url) if doc.portal == DEMO_PORTAL else doc.url


def inputs_key(doc: StoredDocument) -> str:
    """A digest of everything besides the bytes that `parse_document` reads of a document (its
    URL, content type and the portal's region code from the portal configuration): part of the
    staging key, so a corrected `region_code` in portals.toml reaches documents already staged."""
    inputs = [source_url(doc), doc.content_type, doc.region_code]
    return hashlib.sha256(json.dumps(inputs, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def parse_document(data: bytes, doc: StoredDocument) -> Report:
    """Parse one stored document and resolve its region with the portal's code first, as the
    crawl knows it: it places a 街道 name shared by several counties, while an agency name that
    names a place outside the portal (a reposted report) keeps its own place with a finding."""
    report = pipeline.parse.parse_bytes(data, source_url(doc), content_type=doc.content_type,
                                        portal_region_code=doc.region_code)
    if report.year is None:
        raise ParseError("no_year", "the statistics year could not be read")
    return report


def parse_stored(job: tuple[str, StoredDocument]) -> Report | Failed:
    """The report in the stored file at the job's path, or how it failed."""
    path, doc = job
    return attempt(lambda: parse_document(Path(path).read_bytes(), doc))
