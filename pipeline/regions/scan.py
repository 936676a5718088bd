"""Find place names in a string and read an agency name as a chain of places.

Longest match over precomputed name sets, no automaton: in an agency name, each position tries
only the name lengths that start with its two characters; in running text (the 600-character
windows), only the few characters a full name can end with (市, 县, 区 …) start a lookup, of the
lengths that end with the two characters there.
"""

from __future__ import annotations

from typing import NamedTuple

from pipeline.regions import names
from pipeline.regions.gazetteer import FULL, SHORT, TOWNSHIP, Entry, Lexicon, Place


class Mention(NamedTuple):
    start: int
    end: int
    text: str
    entries: tuple[Entry, ...]
    stem: bool  # matched only as a bare stem (金塔 for 金塔县)
    strong: bool  # names a division, not only townships (which need the document to confirm)


def _usable(entry: Entry, key: str, start: int, previous: Mention | None, agency: bool) -> bool:
    """Whether a match may count here. A bare stem (金塔) only where an agency name starts or goes
    on from another stem (甘肃金塔) or from the full name of a place holding it (福建省平潭综合实验区:
    平潭 of 平潭县 in 福建省); common-word names (城区, 郊区) only right after a place; township names
    only in agency names, never in running text."""
    follows = previous is not None and start == previous.end
    if entry.strength == SHORT:
        return agency and (start == 0 or (follows and previous is not None and (
            previous.stem or any(entry.place.within(held.place) for held in previous.entries))))
    if entry.strength == TOWNSHIP and not agency:
        return False
    return follows or not names.is_common_word(key)


def _stem_holds(mention: Mention, text: str, following: Mention | None) -> bool:
    """A bare stem names a place only when a zone's name goes on from it (金塔工业集中区, 苏州工业
    园区) or another kept name does (甘肃金塔…); otherwise it is a word (公安局 is no 公安县)."""
    if following is not None and following.start == mention.end:
        return True
    return names.ZONE_WORD.search(text, mention.end, mention.end + names.ZONE_NAME_REACH) is not None


def mentions(text: str, lexicon: Lexicon) -> list[Mention]:
    """Every place name in an agency-like string, longest first at each position, in every name
    form (bare stems and townships included, under the conditions of `_usable`)."""
    found: list[Mention] = []
    position, size = 0, len(text)
    # the hot loop of every resolution: locals for the lexicon's tables, and `_usable` only for the
    # few names it can reject (`Lexicon.conditional_keys`)
    lengths, keys, conditional, lookup = lexicon.lengths_by_head, lexicon.keys, lexicon.conditional_keys, lexicon.lookup
    while position < size:
        for length in lengths.get(text[position : position + 2], ()):
            end = position + length
            key = text[position:end]
            if end > size or key not in keys:
                continue
            entries = lookup(key)
            if key in conditional:
                previous = found[-1] if found else None
                entries = tuple(e for e in entries if _usable(e, key, position, previous, True))
            if entries:
                stem = key in conditional and all(e.strength == SHORT for e in entries)
                # township entries come last in a lookup: a first one means the name is no division
                found.append(Mention(position, end, key, entries, stem, entries[0].strength != TOWNSHIP))
                position = end
                break
        else:
            position += 1
    kept: list[Mention] = []
    for mention in reversed(found):
        if not mention.stem or _stem_holds(mention, text, kept[-1] if kept else None):
            kept.append(mention)
    return kept[::-1]


class Reading(NamedTuple):
    """What one string says about where the agency is (a tuple: one is built per string read)."""

    candidates: list[Place]  # the deepest places consistent with every name in the string
    confirmed: bool  # False when the places rest only on the township list (names repeat)
    body: str  # the words after the last place name: 人民政府办公室, 公安分局, 工业集中区管理委员会
    words: str  # the words between and after the division names: a zone's type shows there

    conflict: list[Place]  # a second, unrelated division named in the same string
    names: list[str]  # the names matched, for messages


def read_chain(found: list[Mention], text: str) -> Reading:
    """Narrow the places a string names, outer to inner (河南省 → 汝州市 → 钟楼街道): each name
    keeps the candidates that sit inside (or contain) what the earlier names left."""
    frontier: list[Place] = []
    confirmed = False
    conflict: list[Place] = []
    for mention in found:
        places = [e.place for e in mention.entries]
        if not frontier:
            frontier, confirmed = places, mention.strong
            continue
        if inner := _inside(places, frontier):
            frontier = inner
        elif outer := _inside(frontier, places):
            frontier = outer
        elif mention.strong and confirmed:
            conflict.extend(places)
            continue
        else:
            continue
        confirmed = confirmed or mention.strong
    body = text[found[-1].end :] if found else text
    return Reading(frontier, confirmed, body, _words(text, found), conflict, [m.text for m in found])


def _inside(places: list[Place], containers: list[Place]) -> list[Place]:
    """The places that lie within (or are) one of the containers: one set test per place."""
    idents = {c.ident for c in containers}
    return [p for p in places if not idents.isdisjoint(p.ancestry)]


def _words(text: str, found: list[Mention]) -> str:
    """The text between and after the division names (township names stay: 开发区 may be one)."""
    divisions = [m for m in found if m.strong]
    if not divisions:
        return text
    if len(divisions) == 1:  # the usual agency name (one division, then the body): a slice
        return text[divisions[0].end :]
    between = "".join([text[m.end : n.start] for m, n in zip(divisions, divisions[1:])])
    return between + text[divisions[-1].end :]


def text_mentions(text: str, lexicon: Lexicon) -> list[Mention]:
    """Full division names in running text, longest at each end position, scanning only from the
    characters a full name can end with; a match inside a longer one is dropped."""
    found: list[Mention] = []
    lengths, keys = lexicon.full_lengths_by_tail, lexicon.full_keys
    for last in lexicon.full_name_ends.finditer(text):
        end = last.end()
        # the two characters ending here (none when a name would start before the text: end 1
        # slices to "" or to one character, which no name is)
        for length in lengths.get(text[end - 2 : end], ()):
            start = end - length
            key = text[start:end]
            if start < 0 or key not in keys:
                continue
            covered = found[-1] if found and start < found[-1].end else None
            if covered is not None and start > covered.start:
                break  # overlaps the tail of a name already found: not a name here
            before = len(found) - (covered is not None)  # a covered name gives way to this one
            previous = found[before - 1] if before else None
            entries = tuple(e for e in lexicon.lookup(key) if e.strength == FULL and _usable(e, key, start, previous, False))
            if entries:
                if covered is not None:
                    found.pop()  # the longer name contains the one found inside it
                found.append(Mention(start, end, key, entries, False, True))
            break
    return found


def read_name(text: str, lexicon: Lexicon) -> Reading:
    """Read an agency-like string (an agency name, a title's lead, a signature line)."""
    return read_bare(names.bare(text), lexicon)


def read_bare(text: str, lexicon: Lexicon) -> Reading:
    """`read_name` of a string already `names.bare`."""
    return read_chain(mentions(text, lexicon), text)


def anchors(text: str, lexicon: Lexicon) -> tuple[list[Place], list[Place]]:
    """The divisions running text names by full name, and of those the ones followed by
    人民政府/政府 (樟树市人民政府网站, 金塔县人民政府办公室): the governments a preamble cites."""
    clean = names.unspaced(text)
    places: list[Place] = []
    governments: list[Place] = []
    for mention in text_mentions(clean, lexicon):
        found = [e.place for e in mention.entries]
        places.extend(found)
        after = mention.end
        if clean.startswith(names.GOVERNMENT_ANCHORS, after) and not clean.startswith(names.REGULATION_AFTER_PLACE, after):
            governments.extend(found)
    return places, governments
