"""Bounds on the memory a PDF can make pdfminer take, which nothing in pdfminer limits.

Streams: pdfminer decodes Flate, LZW and RunLength without any limit, so a PDF of a few MB whose
streams inflate a thousandfold would take gigabytes, and the crawler's download cap cannot see
that. `install` points the three decoders that `pdfminer.pdftypes` calls at bounded ones; each
charges what it produces to the budget of the document being read (`inflation_budget`) and stops
with `InflationLimit` the moment it runs out, before the rest is inflated. Real report PDFs
inflate to a few MB (content streams and embedded font subsets; images are never decoded, since
only text and rulings are read).

Width tables: a CID font's `/W` range `first last width` becomes one table entry per CID, so a
damaged range (`1 99999999999 500`, found by fuzzing: a 10 KB file took 24 GB before the kernel
killed it) is cut to the 65,536 CIDs a range can span.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from io import BytesIO
from types import SimpleNamespace

MAX_INFLATED_BYTES = 256 * 1024 * 1024  # per document, all streams together
_CHUNK = 1024 * 1024
_CID_SPAN = 0xFFFF  # CIDs are two bytes: no range covers more


class InflationLimit(Exception):
    """A document's streams inflated past its budget."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"its streams inflate past the {limit:,}-byte limit")
        self.limit = limit


class _Budget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def charge(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise InflationLimit(self.limit)


_budget: ContextVar[_Budget | None] = ContextVar("pdf_inflation_budget", default=None)


@contextmanager
def inflation_budget() -> Iterator[None]:
    """All streams decoded inside share one budget: the document being read."""
    token = _budget.set(_Budget(MAX_INFLATED_BYTES))
    try:
        yield
    finally:
        _budget.reset(token)


def _current() -> _Budget:
    """The reading document's budget; a decode outside any (pdfminer used directly) gets its own."""
    return _budget.get() or _Budget(MAX_INFLATED_BYTES)


class _BoundedDecompressor:
    """`zlib.decompressobj()` whose output is charged: pdfminer's fallback for streams with a bad
    checksum feeds one byte at a time and would otherwise grow without bound."""

    def __init__(self, budget: _Budget) -> None:
        self._inner = zlib.decompressobj()
        self._budget = budget

    def decompress(self, data: bytes) -> bytes:
        # One byte past what is left: producing it is what runs the budget out.
        out = self._inner.decompress(data, self._budget.left + 1)
        self._budget.charge(len(out))
        return out


def bounded_inflate(data: bytes) -> bytes:
    """`zlib.decompress`, in chunks charged as they come: a truncated or damaged stream still
    raises `zlib.error`, so pdfminer's own recovery runs as before."""
    budget = _current()
    inner = zlib.decompressobj()
    parts: list[bytes] = []
    pending = data
    while not inner.eof:
        part = inner.decompress(pending, _CHUNK)  # with no input left, drains what zlib still holds
        if not part and not pending:  # no input left and nothing more out: cut short
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        budget.charge(len(part))
        parts.append(part)
        pending = inner.unconsumed_tail
    return b"".join(parts)


def bounded_lzw(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    budget = _current()
    parts: list[bytes] = []
    for part in LZWDecoder(BytesIO(data)).run():
        budget.charge(len(part))
        parts.append(part)
    return b"".join(parts)


def bounded_run_length(data: bytes) -> bytes:
    """RunLengthDecode (PDF 1.7 §7.4.5): a length byte, then length+1 literal bytes (0-127) or one
    byte repeated 257-length times (129-255); 128 ends the data, as does its end."""
    budget = _current()
    out = bytearray()
    i, size = 0, len(data)
    while i < size:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            chunk = data[i + 1:i + 2 + length]
            i += 2 + length
        elif i + 1 < size:
            chunk = data[i + 1:i + 2] * (257 - length)
            i += 2
        else:
            break
        budget.charge(len(chunk))
        out += chunk
    return bytes(out)


def within_cid_space(seq: Iterable[object], group: int) -> list[object]:
    """A `/W` (`group` 3) or `/W2` (`group` 5) array with each range's last CID cut to at most
    65,535 past its first. Numbers are grouped as pdfminer groups them: a widths list ends a run,
    anything else is skipped (pdfminer skips it too, so it is left out)."""
    from pdfminer.pdftypes import resolve1

    out: list[object] = []
    numbers: list[object] = []
    for value in seq:
        value = resolve1(value)
        if isinstance(value, (int, float)):
            numbers.append(value)
            if len(numbers) == group:
                first, last = numbers[0], numbers[1]
                if isinstance(first, int) and isinstance(last, int):
                    numbers[1] = min(last, first + _CID_SPAN)
                out += numbers
                numbers = []
        elif isinstance(value, list):
            out += numbers
            out.append(value)
            numbers = []
    return out + numbers


_installed = False


def install() -> None:
    """Point pdfminer's stream decoding at the bounded decoders and its width tables at the CID
    space (once per process)."""
    global _installed
    if _installed:
        return
    from pdfminer import pdffont, pdftypes

    pdftypes.zlib = SimpleNamespace(  # type: ignore[assignment]
        decompress=bounded_inflate, decompressobj=lambda: _BoundedDecompressor(_current()), error=zlib.error)
    pdftypes.lzwdecode = bounded_lzw
    pdftypes.rldecode = bounded_run_length
    widths, widths2 = pdffont.get_widths, pdffont.get_widths2
    pdffont.get_widths = lambda seq: widths(within_cid_space(seq, 3))  # type: ignore[assignment]
    pdffont.get_widths2 = lambda seq: widths2(within_cid_space(seq, 5))  # type: ignore[assignment]
    _installed = True
