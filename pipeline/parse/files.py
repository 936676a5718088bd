"""One file to its report, or how it failed: the job a parse worker runs.

A worker process imports only this and the parser (not Polars and pandera: 0.6 s more per worker
start, measured with `python -X importtime`). Every exception comes back as data, because a parser
bug must cost one document, not the batch, and an exception does not always survive pickling.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from pipeline.crawl.config import RateSettings
from pipeline.errors import DocumentError, ParseError
from pipeline.extract import read_document
from pipeline.parse import parse_document
from pipeline.record import Report
from pipeline.regions import apply_region

Failed = tuple[str, str, str]  # (stage, reason, message) of a document that gave no report
# The largest file read: the crawler's default download cap, so a file the crawl would keep is one
# `xxgk parse` reads. A bigger one (or a device such as /dev/zero, which never ends) is refused
# before it is read whole.
MAX_FILE_BYTES = RateSettings.max_bytes


def attempt(parse: Callable[[], Report]) -> Report | Failed:
    """`parse()`'s report, or the (stage, reason, message) of its failure; a bug is `internal_error`."""
    try:
        return parse()
    except DocumentError as err:
        return err.stage, err.reason, err.message
    except Exception as err:
        return "parse", "internal_error", f"{type(err).__name__}: {err}"


def shown_path(path: str) -> str:
    """A path as one printable line of valid UTF-8: a newline, another control character or a byte
    that is not UTF-8 in a file name is written as its escape (`\\n`, `\\x1b`, `\\xff`), so a script
    reading one line per file, or JSON, never breaks on a name."""
    out = []
    for ch in path:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(ch.encode("unicode_escape").decode("ascii"))
        elif ch == "\\":
            out.append("\\\\")
        else:
            out.append(ch)
    return "".join(out)


def read_file(path: str) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES. Raises DocumentError
    `unreadable_file` (missing, a folder, no permission, a device) or `too_large`."""
    try:
        if not stat.S_ISREG(Path(path).stat().st_mode):  # before opening: a pipe's open() waits for a writer
            raise DocumentError("unreadable_file", "not a regular file (a folder, device or pipe)")
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise DocumentError("unreadable_file", error.strerror or str(error)) from error
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError("too_large", f"the file is larger than {MAX_FILE_BYTES:,} bytes, the download cap")
    return data


def parse_path(path: str) -> Report | Failed:
    """The report in the file at `path` (its name, escaped, is the report's source). A page whose
    statistics are in an attachment it links says so, since the attachment is the file to parse."""
    def parse() -> Report:
        document = read_document(read_file(path), shown_path(path))
        try:
            report = parse_document(document)
        except ParseError as error:
            if error.reason == "no_statistics_table" and document.attachments:
                names = ", ".join(a.text or a.url for a in document.attachments[:3])
                raise ParseError(error.reason, f"{error.message}; the page links its report as an attachment "
                                 f"({names}): parse the attachment's file") from error
            raise
        return apply_region(report)

    return attempt(parse)
