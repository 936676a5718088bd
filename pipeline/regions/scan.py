"""Find place names in a string and read an agency name as a chain of places.

Longest match over the lexicon's name set, one left-to-right pass: at each position only the name
lengths that start with that character are tried, so a 600-character window costs a few hundred
dict lookups.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from pipeline.regions import names
from pipeline.regions.gazetteer import FULL, SHORT, TOWNSHIP, Entry, Lexicon, Place


class Mention(NamedTuple):
    start: int
    end: int
    text: str
    entries: tuple[Entry, ...]
    stem: bool  # matched only as a bare stem (金塔 for 金塔县)


def _usable(entry: Entry, key: str, start: int, previous: Mention | None, agency: bool) -> bool:
    """Whether a match may count here. A bare stem (金塔) only where an agency name starts or goes
    on from another stem (甘肃金塔); common-word names (城区, 郊区) only right after a place;
    township names only in agency names, never in running text."""
    follows = previous is not None and start == previous.end
    if entry.strength == SHORT:
        return agency and (start == 0 or (follows and previous is not None and previous.stem))
    if entry.strength == TOWNSHIP and not agency:
        return False
    return follows or not names.is_common_word(key)


def _stem_holds(mention: Mention, text: str, following: Mention | None) -> bool:
    """A bare stem names a place only when a zone's name goes on from it (金塔工业集中区, 苏州工业
    园区) or another kept name does (甘肃金塔…); otherwise it is a word (公安局 is no 公安县)."""
    if following is not None and following.start == mention.end:
        return True
    return any(word in text[mention.end : mention.end + names.ZONE_NAME_REACH] for word in names.ZONE_WORDS)


def mentions(text: str, lexicon: Lexicon, *, agency: bool) -> list[Mention]:
    """Every place name in `text`, longest first at each position; `agency` enables the agency-only
    name forms (bare stems, townships)."""
    found: list[Mention] = []
    position, size = 0, len(text)
    lengths = lexicon.lengths if agency else lexicon.division_lengths
    while position < size:
        match = None
        previous = found[-1] if found else None
        for length in lengths.get(text[position], ()):
            if position + length > size:
                continue
            key = text[position : position + length]
            entries = tuple(e for e in lexicon.lookup(key) if _usable(e, key, position, previous, agency))
            if entries:
                stem = all(e.strength == SHORT for e in entries)
                match = Mention(position, position + length, key, entries, stem)
                break
        if match is None:
            position += 1
            continue
        found.append(match)
        position = match.end
    kept: list[Mention] = []
    for mention in reversed(found):
        if not mention.stem or _stem_holds(mention, text, kept[-1] if kept else None):
            kept.append(mention)
    return kept[::-1]


@dataclass
class Reading:
    """What one string says about where the agency is."""

    candidates: list[Place]  # the deepest places consistent with every name in the string
    confirmed: bool  # False when the places rest only on the township list (names repeat)
    body: str  # the words after the last place name: 人民政府办公室, 公安分局, 工业集中区管理委员会
    conflict: list[Place]  # a second, unrelated division named in the same string
    names: list[str]  # the names matched, for messages


def _strong(mention: Mention) -> bool:
    return any(e.strength != TOWNSHIP for e in mention.entries)


def read_chain(found: list[Mention], text: str) -> Reading:
    """Narrow the places a string names, outer to inner (河南省 → 汝州市 → 钟楼街道): each name
    keeps the candidates that sit inside (or contain) what the earlier names left."""
    frontier: list[Place] = []
    confirmed = False
    conflict: list[Place] = []
    for mention in found:
        places = [e.place for e in mention.entries]
        if not frontier:
            frontier, confirmed = places, _strong(mention)
            continue
        inner = [p for p in places if any(p.within(f) for f in frontier)]
        outer = [f for f in frontier if any(f.within(p) for p in places)]
        if inner:
            frontier = inner
        elif outer:
            frontier = outer
        elif _strong(mention) and confirmed:
            conflict.extend(places)
            continue
        else:
            continue
        confirmed = confirmed or _strong(mention)
    body = text[found[-1].end :] if found else text
    return Reading(frontier, confirmed, body, conflict, [m.text for m in found])


def read_name(text: str, lexicon: Lexicon) -> Reading:
    """Read an agency-like string (an agency name, a title's lead, a signature line)."""
    clean = names.NOISE.sub("", text)
    return read_chain(mentions(clean, lexicon, agency=True), clean)


def anchors(text: str, lexicon: Lexicon, *, governments_only: bool = False) -> list[Place]:
    """The divisions running text names by full name; with `governments_only`, only those followed
    by 人民政府/政府 (樟树市人民政府网站, 金塔县人民政府办公室), the governments a preamble cites."""
    clean = names.NOISE.sub("", text)
    places: list[Place] = []
    for mention in mentions(clean, lexicon, agency=False):
        if governments_only and not clean.startswith(names.GOVERNMENT_ANCHORS, mention.end):
            continue
        places.extend(e.place for e in mention.entries if e.strength == FULL)
    return places
