"""Bytes to text for HTML pages and plain-text reports.

We decode ourselves and hand selectolax a `str` (or, for a page that decoded as UTF-8, its very
bytes, which are that `str` in UTF-8): its own detection treats bytes as UTF-8 by default and, even
when asked to sniff, mis-decodes GBK-only characters on `charset=gb2312` pages (see stack-findings
§6). Every GB label is widened to GB18030, a superset of GB2312 and GBK, because government pages
declare gb2312 while their editors write GBK-only characters such as 镕 and 堃.
"""

from __future__ import annotations

import codecs
import re

from pipeline.errors import ExtractError

_GB_LABELS = frozenset({"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "windows-936",
                        "euc-cn", "csgb2312", "chinese", "iso-ir-58", "gb18030", "x-euc-cn"})
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_META_WINDOW = 4096


def normalize_charset(label: str | None) -> str | None:
    """The codec to decode a declared charset with, or None when Python knows no such codec.

    GB labels map to gb18030; everything else goes through Python's codec registry so aliases such
    as `utf8` or `ISO-8859-1` resolve to one canonical name.
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def meta_charset(data: bytes) -> str | None:
    """The charset a `<meta charset>` or `http-equiv` tag declares in the first 4 KB, normalized."""
    match = _META_CHARSET.search(data, 0, _META_WINDOW)
    return normalize_charset(match.group(1).decode("ascii")) if match else None


def _try(data: bytes, encoding: str | None) -> str | None:
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


# Codecs that decode almost any bytes, so their succeeding says nothing: a label naming one is
# trusted only when the bytes are neither UTF-8 nor GB18030 (an HTTP `charset=latin-1` or
# `utf-16` on a UTF-8 page is a server's mistake, and would turn the page into mojibake).
_ANY_BYTES = frozenset({"latin-1", "iso8859-1", "cp1252", "ascii", "utf-16", "utf-16-le", "utf-16-be",
                        "utf-32", "utf-32-le", "utf-32-be", "iso8859-15", "mac-roman"})
# A decoding that had to replace bytes is still the page's when the bad sequences are few beside
# the characters that decoded (a byte flipped in transit or on disk, junk pasted in); when they
# are not, the guess of encoding is what is wrong.
_GOOD_PER_BAD = 20


def _lenient(data: bytes, encoding: str) -> tuple[str, int] | None:
    """The text with undecodable bytes replaced (U+FFFD), and how many sequences were, when few."""
    text = data.decode(encoding, errors="replace")
    replaced = text.count("\ufffd")
    decoded = len(text) - len(text.encode("ascii", "ignore")) - replaced  # non-ASCII characters that decoded
    return (text, replaced) if replaced * _GOOD_PER_BAD <= decoded else None


def _decode(data: bytes, declared: tuple[str | None, ...]) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = _try(data[len(bom):], encoding)
            if text is not None:
                return text, encoding
    labels = [e for e in declared if e is not None]
    if data.isascii():  # the same text in every label: the first one names it
        return data.decode("ascii"), labels[0] if labels else "utf-8"
    if (text := _try(data, "utf-8")) is not None:
        return text, "utf-8"  # the bytes are UTF-8 whatever a label says: GBK text almost never is
    candidates = list(dict.fromkeys([*(e for e in labels if e not in _ANY_BYTES), "utf-8", "gb18030"]))
    for encoding in candidates:
        text = _try(data, encoding)
        if text is not None:
            return text, encoding
    damaged = [(found, encoding) for encoding in candidates if (found := _lenient(data, encoding)) is not None]
    if damaged:  # the encoding needing fewest replacements; the parser records that bytes were replaced
        (text, _replaced), encoding = min(damaged, key=lambda d: d[0][1])
        return text, encoding
    for encoding in labels:
        text = _try(data, encoding)
        if text is not None:
            return text, encoding
    raise ExtractError("unreadable_encoding", "the bytes are neither UTF-8 nor GB18030 nor the declared charset")


def decode_html(data: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """(text, encoding) by BOM, then the HTTP header's charset, then `<meta>`, then UTF-8, then GB18030.

    A declared charset that fails to decode the bytes is skipped rather than trusted: portals often
    declare one charset and serve another. Bytes that are UTF-8 are read as UTF-8 whatever the
    labels say, and a page with a few damaged bytes is decoded with them replaced (U+FFFD, which the
    parser records) rather than refused.
    """
    return _decode(data, (normalize_charset(http_charset), meta_charset(data)))


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding) for plain text: BOM, then a declared charset, then UTF-8, then GB18030."""
    return _decode(data, (normalize_charset(declared),))
