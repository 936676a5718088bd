"""One error type for a document that cannot be turned into a report.

Every stage raises a subclass with a short machine-readable `reason` and a one-line message, so
the CLI prints `<source>: <message>` and the warehouse stores (source, stage, reason, message) in
`parse_failures` without knowing which reader failed.
"""

from __future__ import annotations


class DocumentError(Exception):
    """A document that cannot be read or parsed. `reason` is a stable snake_case code."""

    stage = "document"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class ExtractError(DocumentError):
    """The bytes cannot be read: unreadable encoding, corrupt DOCX, PDF without a text layer, ..."""

    stage = "extract"


class ParseError(DocumentError):
    """The text was read but is not a parseable report: not a report, no table, truncated, ..."""

    stage = "parse"
