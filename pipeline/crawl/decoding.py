"""Content-Encoding undone piece by piece, so the size cap holds for the bytes we actually keep.

httpx inflates each received chunk whole: 3,477 bytes of `Content-Encoding: gzip, gzip` became
4.1 GB in memory before the byte count was ever checked. Here every layer is inflated with zlib's
`max_length`, at most `PIECE` bytes at a time, so the caller counts decoded bytes as they appear
and stops at its cap having held at most one piece more. Only the encodings the crawler asks for
(`Accept-Encoding: gzip, deflate`) and identity are undone; anything else, or a body that does not
inflate, is a `DecodeFailed` the fetcher reports as that URL's `bad_encoding`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

PIECE = 64 * 1024
_IDENTITY = frozenset({"", "identity"})


class DecodeFailed(Exception):
    """The body is not what its Content-Encoding says, or uses an encoding we did not ask for."""


class _Inflater:
    """One gzip or deflate layer; gzip bodies of several members are read member after member."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.started = False
        self.inflate = self._new()

    def _new(self) -> zlib._Decompress:
        return zlib.decompressobj(zlib.MAX_WBITS | 16 if self.encoding == "gzip" else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self.inflate.decompress(data, PIECE)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self.started:  # raw deflate without the zlib header
                    self.inflate, self.started = zlib.decompressobj(-zlib.MAX_WBITS), True
                    continue
                raise DecodeFailed(f"{self.encoding}: {exc}") from None
            self.started = self.started or bool(data)
            if out:
                yield out
            if self.inflate.eof:  # a further gzip member follows; anything else after the end is ignored
                data = self.inflate.unused_data
                if self.encoding != "gzip" or not data.startswith(b"\x1f\x8b"):
                    return
                self.inflate = self._new()
                continue
            data = self.inflate.unconsumed_tail
            if not data and len(out) < PIECE:  # a full piece means zlib may hold more output
                return

    def finish(self) -> Iterator[bytes]:
        if not self.inflate.eof and self.started and self.encoding == "gzip":
            raise DecodeFailed("gzip: the body ends before the compressed stream does")
        tail = self.inflate.flush()
        if tail:
            yield tail


class BodyDecoder:
    """Undo `Content-Encoding: a, b` (applied a then b, so undone b then a) one piece at a time."""

    def __init__(self, content_encoding: str | None) -> None:
        names = [n.strip().lower() for n in (content_encoding or "").split(",")]
        names = [n for n in names if n not in _IDENTITY]
        unknown = [n for n in names if n not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            raise DecodeFailed(f"unsupported content encoding {unknown[0]!r}")
        self.layers = [_Inflater("gzip" if n == "x-gzip" else n) for n in reversed(names)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield from self._through(0, data)

    def finish(self) -> Iterator[bytes]:
        for index, layer in enumerate(self.layers):
            for piece in layer.finish():
                yield from self._through(index + 1, piece)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self.layers):
            if data:
                yield data
            return
        for piece in self.layers[index].feed(data):
            yield from self._through(index + 1, piece)
