"""Word 97 list numbers (.doc): the text Word shows before a numbered paragraph.

As in DOCX (`docx_numbering`), a numbered heading ("一、总体情况") or row label ("（一）予以公开")
keeps its number out of the text. A paragraph names its list with sprmPIlfo (a 1-based index into
the PlfLfo: a list and its overrides) and its level with sprmPIlvl; the lists' levels (start, number
format, the number text with one placeholder character per level) are in the PlfLst. Counting
follows the DOCX reader's `Counters`: one running count per list, shared by every LFO naming it,
and an LFO's start-at override restarts the count where that LFO is first used at that level.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from pipeline.extract.docx_numbering import Counters, Level

_LEVELS = 9
_NO_LIST = 0xF801  # sprmPIlfo value meaning "not numbered, whatever the style says"
# MSONFC number formats by their OOXML names (the ones Chinese reports use; others read as decimal).
_FORMATS = {0x00: "decimal", 0x01: "upperRoman", 0x02: "lowerRoman", 0x03: "upperLetter", 0x04: "lowerLetter",
            0x0A: "ideographDigital", 0x12: "decimalEnclosedCircle", 0x16: "decimalZero", 0x17: "bullet",
            0x1A: "decimalEnclosedFullstop", 0x1B: "decimalEnclosedParen", 0x1C: "decimalEnclosedCircleChinese",
            0x1D: "ideographEnclosedCircle", 0x1E: "ideographTraditional", 0x1F: "ideographZodiac",
            0x25: "chineseCounting", 0x26: "chineseLegalSimplified", 0x27: "chineseCountingThousand",
            0x28: "chineseCounting", 0xFF: "none"}
_SUFFIXES = {0: "\t", 1: " ", 2: ""}
_F_LEGAL, _F_NO_RESTART = 0x04, 0x08
_F_SIMPLE_LIST = 0x01
_F_START_AT = 0x10


@dataclass
class _Override:
    list_id: int
    starts: dict[int, int] = field(default_factory=dict)  # level -> start-at override
    used: set[int] = field(default_factory=set)  # levels this LFO has numbered (an override applies once)


class DocNumbering:
    """Labels of numbered paragraphs, asked in document order."""

    def __init__(self, table: bytes, lists: tuple[int, int], overrides: tuple[int, int]) -> None:
        self._levels = _lists(table, *lists)
        self._overrides = _overrides(table, *overrides)
        self._counters: dict[int, Counters] = {}

    def label(self, ilfo: int, ilvl: int) -> str:
        """The number text of the next paragraph of LFO `ilfo` (1-based) at level `ilvl`, with its
        suffix; "" where the paragraph is not numbered or its list is unknown."""
        if ilfo <= 0 or ilfo == _NO_LIST or ilfo > len(self._overrides) or not 0 <= ilvl < _LEVELS:
            return ""
        override = self._overrides[ilfo - 1]
        levels = self._levels.get(override.list_id)
        if levels is None:
            return ""
        restart = override.starts.get(ilvl) if ilvl not in override.used else None
        override.used.add(ilvl)
        counters = self._counters.setdefault(override.list_id, Counters())
        counters.advance(ilvl, levels, restart)
        return counters.label(ilvl, levels)


def _lists(table: bytes, at: int, size: int) -> dict[int, dict[int, Level]]:
    """Each list's levels by its lsid: the PlfLst's LSTFs, then (after the PlfLst) their LVLs in
    order, one for a simple list, nine otherwise."""
    if size < 2:
        return {}
    (count,) = struct.unpack_from("<h", table, at)
    lists: list[tuple[int, int]] = []
    for index in range(max(count, 0)):
        lsid = struct.unpack_from("<i", table, at + 2 + index * 28)[0]
        flags = table[at + 2 + index * 28 + 26]
        lists.append((lsid, 1 if flags & _F_SIMPLE_LIST else _LEVELS))
    position = at + size
    found: dict[int, dict[int, Level]] = {}
    for lsid, level_count in lists:
        levels: dict[int, Level] = {}
        for level in range(level_count):
            levels[level], position = _level(table, position)
        found[lsid] = levels
    return found


def _level(table: bytes, at: int) -> tuple[Level, int]:
    """One LVL at `at` and where the next begins: the LVLF, its paragraph and character sprms
    (skipped), then the number text, whose characters 0-8 stand for the levels' numbers."""
    start, number_format, flags = struct.unpack_from("<iBB", table, at)
    follow, character_size, paragraph_size = table[at + 15], table[at + 24], table[at + 25]
    text_at = at + 28 + paragraph_size + character_size
    (length,) = struct.unpack_from("<H", table, text_at)
    raw = table[text_at + 2 : text_at + 2 + length * 2]
    if len(raw) < length * 2:
        raise ValueError("a list level's number text runs past the table stream")
    text = "".join(f"%{ord(char) + 1}" if ord(char) < _LEVELS else char for char in raw.decode("utf-16-le"))
    level = Level(start=start, number_format=_FORMATS.get(number_format, "decimal"), text=text,
                  restart=0 if flags & _F_NO_RESTART else None, legal=bool(flags & _F_LEGAL),
                  suffix=_SUFFIXES.get(follow, ""))
    return level, text_at + 2 + length * 2


def _overrides(table: bytes, at: int, size: int) -> list[_Override]:
    """The PlfLfo: each LFO's list, then (after all LFOs) each one's LFOData: a CP and its level
    overrides, of which the start-at ones count here (a full LVL after one is skipped)."""
    if size < 4:
        return []
    (count,) = struct.unpack_from("<I", table, at)
    count = min(count, (size - 4) // 16)
    entries = [struct.unpack_from("<iIIB", table, at + 4 + index * 16) for index in range(count)]
    overrides = [_Override(lsid) for lsid, _unused1, _unused2, _levels in entries]
    position = at + 4 + count * 16
    for override, (_lsid, _unused1, _unused2, level_count) in zip(overrides, entries):
        position += 4  # the LFOData's CP
        for _ in range(level_count):
            start, flags = struct.unpack_from("<iI", table, position)
            position += 8
            level = flags & 0x0F
            if flags & _F_START_AT and level < _LEVELS:
                override.starts[level] = start
            if flags & 0x20:  # fFormatting: a whole LVL follows
                _replaced, position = _level(table, position)
    return overrides
