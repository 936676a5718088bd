"""The division map of one year, loaded from `data/divisions/` and indexed by every name form.

Loading and indexing happen once per process and year (`atlas_for`); a lookup afterwards is a
dict access, which keeps resolution cheap enough to run on every parsed report.
"""

from __future__ import annotations

import atexit
import csv
import gc
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import NamedTuple, TypeVar

from pipeline.regions import names

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "divisions"

DIVISION_LEVELS = ("province", "city", "county")

# How much a matched name can be trusted on its own.
FULL = "full"  # an official full name or its everyday typed form (宽城县)
SHORT = "short"  # a bare stem (金塔, 宽城): only where an agency name starts or continues
TOWNSHIP = "township"  # a name from the township list (3,902 repeat): needs the document to confirm


@dataclass(frozen=True, eq=False)
class Place:
    """One named unit in one year's map; `parent` is the unit it belongs to, None for a province."""

    code: str
    name: str
    level: str  # province | city | county | zone | township
    parent: Place | None = field(default=None, repr=False)

    @cached_property
    def lineage(self) -> tuple[Place, ...]:
        """This place and its ancestors, nearest first."""
        chain: list[Place] = []
        node: Place | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return tuple(chain)

    @cached_property
    def ident(self) -> tuple[str, str]:
        """(code, name): what identifies a unit across the years' maps."""
        return self.code, self.name

    @cached_property
    def ancestry(self) -> frozenset[tuple[str, str]]:
        """The `ident` of this place and each ancestor, so `within` is one set lookup: it runs for
        every pair of candidates a reading compares."""
        return frozenset(node.ident for node in self.lineage)

    def within(self, other: Place) -> bool:
        """True when `other` is this place or one of its ancestors (compared by code and name,
        so the same unit found through a neighbouring year's map still counts)."""
        return other.ident in self.ancestry

    def division(self, level: str) -> Place | None:
        """The province, city or county this place belongs to (itself included); a municipality is
        its own city."""
        for node in self.lineage:
            if node.level == level:
                return node
        if level == "city":
            province = self.division("province")
            if province is not None and province.code in names.MUNICIPALITY_CODES:
                return province
        return None

    @cached_property
    def divisions(self) -> tuple[Place | None, Place | None, Place | None]:
        """The province, city and county (`division` of each of DIVISION_LEVELS), kept: every
        resolved report fills its region from them."""
        province, city, county = (self.division(level) for level in DIVISION_LEVELS)
        return province, city, county

    @cached_property
    def key(self) -> tuple[str | None, str | None, str | None]:
        """The (province, city, county) codes: places with the same key resolve identically."""
        province, city, county = self.divisions
        return (
            province.code if province else None,
            city.code if city else None,
            county.code if county else None,
        )

    def label(self) -> str:
        """Full path for messages: 吉林省长春市朝阳区 (220104)."""
        parts = [p.name for p in reversed(self.lineage) if p.level != "township" or p is self]
        return "".join(dict.fromkeys(parts)) + (f" ({self.code})" if self.code else "")


class Entry(NamedTuple):
    place: Place
    strength: str


class DivisionRow(NamedTuple):
    code: str
    level: str
    name: str
    parent_code: str
    valid_from: int
    valid_to: int


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def _divisions() -> tuple[DivisionRow, ...]:
    return tuple(
        DivisionRow(r["code"], r["level"], r["name"], r["parent_code"], int(r["valid_from"]), int(r["valid_to"]))
        for r in _rows("divisions.csv")
    )


@cache
def _townships() -> dict[str, tuple[str, ...]]:
    """Township name (and alias) -> parent codes."""
    parents: dict[str, list[str]] = defaultdict(list)
    with (DATA_DIR / "townships.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)  # header: name,parent_code
        for name, parent_code in rows:
            if names.is_zone_name(name):
                # 开发区, 经济技术开发区: the list has a few of the country's many zones under such
                # generic names, so matching them would pick whichever one it happens to have
                continue
            for alias in (name, *names.township_aliases(name)):
                parents[alias].append(parent_code)
    return {name: tuple(dict.fromkeys(codes)) for name, codes in parents.items()}


@cache
def _zones() -> tuple[tuple[str, str, str], ...]:
    return tuple((r["code"], r["name"], r["parent_code"]) for r in _rows("zones.csv"))


@cache
def year_span() -> tuple[int, int]:
    rows = _divisions()
    return min(r.valid_from for r in rows), max(r.valid_to for r in rows)


class Atlas:
    """One year's divisions with name indexes; built by `atlas_for`, never mutated after."""

    def __init__(self, year: int) -> None:
        self.year = year
        rows = [r for r in _divisions() if r.valid_from <= year <= r.valid_to]
        by_code = {r.code: r for r in rows}
        self.places: dict[str, Place] = {}
        for row in sorted(rows, key=lambda r: DIVISION_LEVELS.index(r.level)):
            parent = self.places.get(row.parent_code) if row.parent_code else None
            if row.parent_code and parent is None and row.parent_code in by_code:
                raise ValueError(f"divisions.csv: {row.code} listed before its parent {row.parent_code}")
            self.places[row.code] = Place(row.code, row.name, row.level, parent)
        self.by_stem: dict[tuple[str, str], list[Place]] = defaultdict(list)
        self.index: dict[str, list[Entry]] = defaultdict(list)
        for place in self.places.values():
            self.by_stem[(place.code[:2], names.short_name(place.name) or place.name)].append(place)
            self.index[place.name].append(Entry(place, FULL))
            for alias in names.typed_short_names(place.name):
                self.index[alias].append(Entry(place, FULL))
            short = names.short_name(place.name)
            if short and not (place.level == "county" and place.name.endswith("区")):
                # a district's stem is too often a word or another body's name (东湖 of 南昌市东湖区
                # in 武汉's 东湖新技术开发区), so only provinces, prefectures and counties get one
                self.index[short].append(Entry(place, SHORT))
        self._townships: dict[str, tuple[Place, ...]] = {}
        for code, name, parent_code in _zones():
            parent = self.current(parent_code)
            if parent is not None:
                zone = Place(code, name, "zone", parent)
                self.places.setdefault(code, zone)
                self.index[name].append(Entry(zone, FULL))
        # the names with an entry of each strength, for the lexicons of this year and its neighbours
        by_strength: dict[str, set[str]] = defaultdict(set)
        for key, entries in self.index.items():
            for entry in entries:
                by_strength[entry.strength].add(key)
        self.full_keys, self.stem_keys = frozenset(by_strength[FULL]), frozenset(by_strength[SHORT])

    def current(self, code: str) -> Place | None:
        """The unit a code from the latest map stands for in this year: the same code, or else the
        one unit of the same name stem in that province (钢城区 370117 in 2024 → 371203 in 2017);
        None when this year has no such unit, so nothing is placed under a code of another year."""
        place = self.places.get(code)
        if place is not None:
            return place
        latest = atlas_for(year_span()[1]).places.get(code) if self.year != year_span()[1] else None
        if latest is None:
            return None
        same = self.by_stem.get((code[:2], names.short_name(latest.name) or latest.name), [])
        return same[0] if len(same) == 1 else None

    def townships(self, name: str) -> tuple[Place, ...]:
        """Every township of this name, each under this year's unit for its parent."""
        found = self._townships.get(name)
        if found is None:
            parents = (self.current(code) for code in _townships().get(name, ()))
            found = self._townships[name] = tuple(Place("", name, "township", p) for p in parents if p)
        return found

    def lookup(self, key: str) -> list[Entry]:
        entries = list(self.index.get(key, ()))
        entries += [Entry(p, TOWNSHIP) for p in self.townships(key)]
        return entries


class Lexicon:
    """Name lookups for a report year: that year's map, then the years either side for names that
    had just changed (a report on year Y is written early in Y+1, under either name)."""

    def __init__(self, year: int) -> None:
        first, last = year_span()
        self.year = min(max(year, first), last)
        self.atlases = [atlas_for(y) for y in (self.year, self.year + 1, self.year - 1) if first <= y <= last]
        township_keys, township_heads, township_words = _township_index()
        division_keys = frozenset().union(*(a.index.keys() for a in self.atlases))
        self.keys = township_keys | division_keys  # every name form
        # For agency names: name lengths by their first two characters (no name is shorter), so
        # most positions of a name cost one dict miss rather than a lookup per length.
        self.lengths_by_head = _merged_lengths(township_heads, _lengths_by_pair(division_keys, at_end=False))
        # Names whose entries `scan` must check one by one where they occur: those with a bare-stem
        # entry, and common words (城区); every entry of any other name counts wherever it is found.
        self.conditional_keys = township_words.union(
            filter(names.is_common_word, division_keys), *(a.stem_keys for a in self.atlases)
        )
        # For running text: full names only, by last character. Full names end in a type character
        # (市, 县, 区, 旗 …), so scanning from those few characters skips most of the text; the
        # lengths to try there are those of the names ending in the same two characters.
        self.full_keys = frozenset().union(*(a.full_keys for a in self.atlases))
        self.full_lengths_by_tail = _lengths_by_pair(self.full_keys, at_end=True)
        self.full_name_ends = re.compile("[" + re.escape("".join(sorted({key[-1] for key in self.full_keys}))) + "]")
        self._found: dict[str, tuple[Entry, ...]] = {}

    def lookup(self, key: str) -> tuple[Entry, ...]:
        """Entries for a name in the report's year, else in the nearest neighbouring year that
        knows it; () for a string that is no name (checked against the key set first, so the
        cache only ever holds real names). Township entries come last."""
        if key not in self.keys:
            return ()
        found = self._found.get(key)
        if found is None:
            found = next((tuple(e) for a in self.atlases if (e := a.lookup(key))), ())
            self._found[key] = found
        return found

    def place(self, code: str) -> Place | None:
        """The unit a 6-digit code stands for in the report's year (or the years either side)."""
        for atlas in self.atlases:
            if code in atlas.places:
                return atlas.places[code]
        return None


def _lengths_by_pair(keys: frozenset[str], at_end: bool) -> dict[str, tuple[int, ...]]:
    """For each first (or last) two characters, the lengths of the names with them, longest first."""
    if keys and min(map(len, keys)) < 2:
        raise ValueError(f"division data: a name is shorter than two characters: {min(keys, key=len)!r}")
    by_pair: dict[str, set[int]] = defaultdict(set)
    for key in keys:
        by_pair[key[-2:] if at_end else key[:2]].add(len(key))
    return {pair: tuple(sorted(lengths, reverse=True)) for pair, lengths in by_pair.items()}


def _merged_lengths(base: dict[str, tuple[int, ...]], more: dict[str, tuple[int, ...]]) -> dict[str, tuple[int, ...]]:
    """`_lengths_by_pair` of two key sets from the results of each."""
    merged = dict(base)
    for pair, lengths in more.items():
        merged[pair] = tuple(sorted(set(lengths).union(base.get(pair, ())), reverse=True))
    return merged


@cache
def _township_index() -> tuple[frozenset[str], dict[str, tuple[int, ...]], frozenset[str]]:
    """The township names, their `_lengths_by_pair` at the head, and those that are common words:
    the same in every year, so each year's lexicon only merges its divisions' names in."""
    keys = frozenset(_townships())
    return keys, _lengths_by_pair(keys, at_end=False), frozenset(filter(names.is_common_word, keys))


_T = TypeVar("_T")
atexit.register(gc.unfreeze)  # see _permanent


def _permanent(value: _T) -> _T:
    """Move the loaded tables out of the garbage collector's reach: they live as long as the
    process, and a batch parse would otherwise rescan their ~130,000 objects on every full
    collection (measured 44 ms each). They are handed back at exit, so interpreter shutdown
    finalizes everything as usual (extension modules report frozen objects as leaks)."""
    gc.freeze()
    return value


@cache
def atlas_for(year: int) -> Atlas:
    return _permanent(Atlas(year))


@cache
def lexicon_for(year: int | None) -> Lexicon:
    """The lexicon for a report year; None (year unknown) uses the latest map."""
    return _permanent(Lexicon(year_span()[1] if year is None else year))
