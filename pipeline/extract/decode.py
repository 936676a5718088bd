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
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
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


def _decode(data: bytes, declared: tuple[str | None, ...]) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _try(data[len(bom):], encoding)
            if text is not None:
                return text, encoding
    tried: set[str] = set()
    for encoding in (*declared, "utf-8", "gb18030"):
        if encoding is None or encoding in tried:
            continue
        tried.add(encoding)
        text = _try(data, encoding)
        if text is not None:
            return text, encoding
    raise ExtractError("unreadable_encoding", "the bytes are neither UTF-8 nor GB18030 nor the declared charset")


def decode_html(data: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """(text, encoding) by BOM, then the HTTP header's charset, then `<meta>`, then UTF-8, then GB18030.

    A declared charset that fails to decode the bytes is skipped rather than trusted: portals often
    declare one charset and serve another.
    """
    return _decode(data, (normalize_charset(http_charset), meta_charset(data)))


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding) for plain text: BOM, then a declared charset, then UTF-8, then GB18030."""
    return _decode(data, (normalize_charset(declared),))
