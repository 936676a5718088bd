"""What a reader recovers from one file, before any knowledge of the report template.

The parser consumes only this, so each format's reader is independent of the template and the
template logic is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.contract import REPORT_TITLE_MARKERS

# A table placed on its grid: rows of cells. A cell is its text ("" when blank); a position
# covered by another cell's rowspan/colspan is None, so merged gaps are never mistaken for blanks.
Grid = list[list[str | None]]


@dataclass(frozen=True)
class Attachment:
    url: str
    text: str


@dataclass
class Document:
    source: str
    source_format: str  # html | text | docx | pdf
    text: str  # plain text in reading order; each table row on one line, cells joined by " | "
    tables: list[Grid] = field(default_factory=list)  # empty for plain text: the parser reads `text`
    title: str | None = None
    published_on: str | None = None  # ISO date when page metadata gives one
    attachments: list[Attachment] = field(default_factory=list)
    encoding: str | None = None  # the charset the bytes were decoded with
    replaced: int = 0  # byte sequences (or NULs) that were not the encoding's, read as U+FFFD


def title_line(lines: list[str]) -> str | None:
    """The title of a document without title markup (DOCX, PDF): an early short line naming an
    annual report. Short, because the preamble sentence names the report too."""
    for line in lines[:10]:
        if len(line) <= 60 and " | " not in line and any(marker in line for marker in REPORT_TITLE_MARKERS):
            return line
    return lines[0] if lines else None
