"""Content-Encoding undone piece by piece (`pipeline/crawl/decoding.py`): exact bytes back, never a piece
larger than PIECE, and a body that is not what its header says is a DecodeFailed, not a crash."""

from __future__ import annotations

import gzip
import zlib

import pytest

from pipeline.crawl.decoding import PIECE, BodyDecoder, DecodeFailed
from pipeline.crawl.faults import gzip_bomb

TEXT = "某局2023年政府信息公开工作年度报告 ".encode() * 20_000


def decode(encoding: str | None, body: bytes, chunk: int = 997) -> bytes:
    decoder, out = BodyDecoder(encoding), []
    for start in range(0, len(body), chunk):
        out.extend(decoder.feed(body[start:start + chunk]))
    out.extend(decoder.finish())
    assert all(len(piece) <= PIECE for piece in out)
    return b"".join(out)


@pytest.mark.parametrize(("encoding", "body"), [
    (None, TEXT), ("identity", TEXT), ("gzip", gzip.compress(TEXT)), ("x-gzip", gzip.compress(TEXT)),
    ("deflate", zlib.compress(TEXT)), ("deflate", zlib.compress(TEXT)[2:-4]),  # zlib-wrapped and raw deflate
    ("gzip, gzip", gzip.compress(gzip.compress(TEXT))), ("GZIP , identity", gzip.compress(TEXT)),
])
def test_encodings_are_undone_exactly(encoding: str | None, body: bytes) -> None:
    assert decode(encoding, body) == TEXT


def test_gzip_members_follow_one_another() -> None:
    assert decode("gzip", gzip.compress(TEXT[:1000]) + gzip.compress(TEXT[1000:])) == TEXT


@pytest.mark.parametrize(("encoding", "body"), [
    ("gzip", b"<html>plain, not gzip</html>"), ("gzip", gzip.compress(TEXT)[:-200]), ("br", b"\x0b\x02"),
    ("gzip, zstd", b""),
])
def test_a_body_that_is_not_what_its_header_says_fails(encoding: str, body: bytes) -> None:
    with pytest.raises(DecodeFailed):
        decode(encoding, body)


def test_a_bomb_comes_out_one_piece_at_a_time() -> None:
    bomb = gzip_bomb(64 << 20)
    decoder, seen = BodyDecoder("gzip, gzip"), 0
    for piece in decoder.feed(bomb):
        assert len(piece) <= PIECE
        seen += len(piece)
        if seen > 1_000_000:
            break
    assert 1_000_000 < seen <= 1_000_000 + PIECE
