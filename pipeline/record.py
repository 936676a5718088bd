"""The parsed report: one record per document, in the contract's expected-values form.

Every stage after parsing (regions, validation, frames, warehouse, `xxgk parse` JSON) reads and
writes this one shape, so its field names are the contract's and nothing else.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

Count = int | None


@dataclass
class Finding:
    """One broken rule or unresolved question about a report; kept, never raised."""

    rule: str  # "rule1".."rule5", "ambiguous_region", "unknown_region", "ambiguous_row", ...
    item: str | None = None
    applicant: str | None = None  # applicant column, or section-四 group/outcome as "group.outcome"
    expected: float | None = None
    actual: float | None = None
    message: str = ""


@dataclass
class Region:
    """Where the agency sits; each level None when the agency is above it or it cannot be decided."""

    province: str | None = None
    province_code: str | None = None
    city: str | None = None
    city_code: str | None = None
    county: str | None = None
    county_code: str | None = None
    agency_level: str | None = None  # province | city | county | township
    agency_kind: str | None = None  # government | department | zone
    region_method: str | None = None  # how it was decided, e.g. "portal", "agency_name", "preamble"


@dataclass
class Report:
    report_id: str
    source: str
    source_format: str  # html | text | docx | pdf
    agency: str | None = None
    year: int | None = None
    published_on: str | None = None  # ISO date
    template: str = "unknown"  # "2021" | "2019" | "unknown"
    title: str | None = None
    proactive: dict[str, float | int | None] = field(default_factory=dict)
    applications: dict[str, list[Count]] = field(default_factory=dict)  # item -> 7 applicant counts
    review_litigation: dict[str, list[Count]] = field(default_factory=dict)  # group -> 5 outcomes
    raw_tokens: dict[str, str] = field(default_factory=dict)  # "item.applicant" -> "—" etc. for null cells
    region: Region = field(default_factory=Region)
    findings: list[Finding] = field(default_factory=list)
    text: str = ""  # the document's plain text, for region resolution from preamble/signature

    def to_json(self) -> dict[str, Any]:
        """The contract's expected-values form plus `source`, `source_format` and `findings`."""
        region = asdict(self.region)
        return {
            "report_id": self.report_id,
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "published_on": self.published_on,
            **region,
            "proactive": self.proactive,
            "applications": self.applications,
            "review_litigation": self.review_litigation,
            "source": self.source,
            "source_format": self.source_format,
            "findings": [asdict(f) for f in self.findings],
        }


def normalize_source(source: str) -> str:
    """Canonical form of a URL (lower-case scheme/host, no fragment) or a local path."""
    parts = urlsplit(source)
    if parts.scheme in ("http", "https"):
        path = parts.path or "/"
        return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
    return posixpath.normpath(source.replace("\\", "/"))


def report_id_for(source: str) -> str:
    """Stable id: sha256 of the normalized source URL or path, hex, first 16 characters."""
    return hashlib.sha256(normalize_source(source).encode("utf-8")).hexdigest()[:16]
