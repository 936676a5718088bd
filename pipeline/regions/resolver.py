"""Decide a report's region from the portal, the agency name, the title, the signature and the
preamble, in that order of trust; leave it null with a finding rather than guess."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from pipeline.contract import OCR_CONFUSABLE_CHARACTERS
from pipeline.record import Finding, Region, Report
from pipeline.regions import names
from pipeline.regions.gazetteer import DIVISION_LEVELS, Lexicon, Place, lexicon_for
from pipeline.regions.scan import Reading, anchors, read_bare, read_name

WINDOW = 600  # characters of text read at each end: the preamble and the signature
SIGNATURE_LINE_MAX = 40  # a signature names the agency on a short line of its own
SIGNATURE_LINES = 6  # among the last non-empty lines (agency, date, attachment notes)
MESSAGE_PLACES = 6  # candidates named in a finding's message before "and N more"
# Findings a new resolution replaces. Not `agency_name_corrected`: once corrected, the agency
# resolves as its division, and the finding is the only record of the name the document printed.
REGION_RULES = ("ambiguous_region", "unknown_region", "portal_region_conflict")


@dataclass
class Resolution:
    region: Region
    findings: list[Finding]
    agency: str | None = None  # the agency's name corrected (`_misnamed`), None when it stands as printed


class Source(NamedTuple):
    """One place in the document that can say where the agency is."""

    method: str  # the Region.region_method value when this source decides
    reading: Reading | None  # read as an agency name, None when it names no agency
    places: list[Place]  # divisions it names, for confirming or narrowing another source


def title_agency(title: str) -> str:
    """The lead of a report title, which names the agency: 雄关街道2024年… → 雄关街道, and
    2023年度樟树市人民政府政府信息公开… → 樟树市人民政府."""
    if lead := names.TITLE_YEAR_LEAD.match(title):  # a match and a slice: cheaper than sub()
        title = title[lead.end() :]
    cut = names.TITLE_AGENCY_END.search(title)
    return title[: cut.start()] if cut else title


def _signature(text: str, lexicon: Lexicon) -> Source:
    """The signing agency: the last short line among the closing lines that names a place, a
    portal footer's credit lines left out. The whole closing window's divisions serve to narrow
    other sources."""
    tail = text[-WINDOW:]
    closing = [raw for raw in tail.splitlines()
               if raw.strip() and not any(credit in raw for credit in names.SITE_CREDITS)][-SIGNATURE_LINES:]
    reading = None
    for line in reversed([names.unspaced(raw) for raw in closing]):
        if line and len(line) <= SIGNATURE_LINE_MAX and "《" not in line:
            candidate = read_name(line, lexicon)
            if candidate.candidates:
                reading = candidate
                break
    return Source("signature", reading, anchors(tail, lexicon)[0])


def _preamble(text: str, lexicon: Lexicon) -> Source:
    """The governments the opening cites (樟树市人民政府网站); the innermost of each branch is where
    a body with no place in its own name sits."""
    places, governments = anchors(text[:WINDOW], lexicon)
    reading = None
    if governments:
        innermost = [p for p in governments if not any(q.within(p) and q.key != p.key for q in governments)]
        reading = Reading(innermost, True, "", "", [], [p.name for p in innermost])
    return Source("preamble", reading, places)


def _distinct(places: list[Place]) -> list[Place]:
    seen: dict[tuple[str | None, ...], Place] = {}
    for place in places:
        seen.setdefault(place.key, place)
    return list(seen.values())


def _narrow(candidates: list[Place], places: list[Place]) -> list[Place]:
    """Candidates lying inside a place the source names. Only a place above the candidate counts:
    a text repeating the ambiguous name itself (白云区) says nothing about which one."""
    return [c for c in candidates if any(c.within(p) and p.ident != c.ident for p in places)]


def _labels(places: list[Place]) -> str:
    shown = ", ".join(p.label() for p in places[:MESSAGE_PLACES])
    return shown + (f" and {len(places) - MESSAGE_PLACES} more" if len(places) > MESSAGE_PLACES else "")


class Naming(NamedTuple):
    """The agency's name around its places: `body` after the last (人民政府办公室, 公安分局),
    `words` after the first, where a zone's type shows (广州开发区管理委员会)."""

    body: str
    words: str


def _region(place: Place, method: str, naming: Naming | None) -> Region:
    """The region of `place`; the body's level and kind when its name is known (None when only a
    preamble placed a body the document never names)."""
    province, city, county = place.divisions
    zone = naming is not None and _is_zone(place)
    return Region(
        province=province.name if province else None,
        province_code=province.code if province else None,
        city=city.name if city else None,
        city_code=city.code if city else None,
        county=county.name if county else None,
        county_code=county.code if county else None,
        agency_level=_level(naming, place, zone) if naming is not None else None,
        agency_kind=_kind(naming, zone) if naming is not None else None,
        region_method=method,
    )


def _is_zone(place: Place | None) -> bool:
    return place is not None and (place.level == "zone" or (place.level == "township" and names.is_zone_name(place.name)))


def _kind(naming: Naming, in_zone: bool) -> str:
    """The body's kind (the contract: government is 人民政府 and its 办公厅/办公室, department a body
    of a government, zone a zone's committee); `in_zone` when its place is a zone (`_is_zone`, known
    to the caller). A zone's bodies divide like a government's: its committee is the zone, the
    committee's office is government, every other body a department."""
    if in_zone or names.is_zone_name(naming.words):
        body = names.zone_body(naming.body if in_zone else naming.words)
        if names.ZONE_COMMITTEE.match(body):
            return "zone"
        return "government" if names.ZONE_OFFICE.match(body) else "department"
    if names.GOVERNMENT_BODY.match(naming.body) or names.TOWNSHIP_BODY.match(naming.body):
        return "government"
    return "department"


def _level(naming: Naming, place: Place, in_zone: bool) -> str:
    """A zone belongs to the government above it (金塔工业集中区 → county), whatever list it is in
    (`in_zone`: `_is_zone(place)`)."""
    if not in_zone and (place.level == "township" or names.TOWNSHIP_BODY.match(naming.body)):
        return "township"
    for node in place.lineage:
        if node.level in DIVISION_LEVELS:
            return node.level
    return place.level


def _unplaced(naming: Naming, candidates: list[Place]) -> Region:
    """No region, but what the agency's name still says: its kind, and its level when it is a
    township body (洋湖乡人民政府 is a township wherever it is)."""
    township = bool(candidates) and all(c.level == "township" and not _is_zone(c) for c in candidates)
    return Region(
        agency_level="township" if township or names.TOWNSHIP_BODY.match(naming.body) else None,
        agency_kind=_kind(naming, False) if naming.body or naming.words else None,
    )


def _near_misses(name: str, suffix: str, lexicon: Lexicon) -> list[Place]:
    """The divisions of the report's year one character off `name` (沐阳县 → 沭阳县, 泗阳县, 汝阳县 …):
    the same length and type suffix, the stem different in one character. A one-character stem
    (X县) has no character left in common, so it has no near misses."""
    stem = len(name) - len(suffix)
    if stem < 2:
        return []
    return [place for place in lexicon.atlases[0].places.values()
            if place.level in DIVISION_LEVELS[1:] and len(place.name) == len(name) and place.name.endswith(suffix)
            and sum(a != b for a, b in zip(place.name[:stem], name[:stem])) == 1]


_CONFUSABLE = {(a, b) for group in OCR_CONFUSABLE_CHARACTERS for a in group for b in group if a != b}


def _misread(name: str, misses: list[Place]) -> list[Place]:
    """The near misses `name` is an OCR misreading of: their one different character is one OCR
    takes for the printed one (沐 for 沭). Only a single such division confirms anything."""
    found = [place for place in misses
             if all(a == b or (a, b) in _CONFUSABLE for a, b in zip(name, place.name))]
    return found if len(found) == 1 else []


def _misnamed(unknown: re.Match[str], naming: Naming, named: list[Place], sources: _Sources,
              portal: Place | None) -> Resolution:
    """An agency naming a government of no division (沐阳县人民政府: OCR's 沐 for 沭). Its kind and,
    by a 县/旗 suffix, its level stand. The name is corrected only when exactly one division one
    character off it (`_near_misses`) is confirmed: the portal's own division, else the only one
    lying inside the places the agency name, the portal or the document's title, signature and
    preamble name; where that leaves none or several, the only one of them (or of all near misses)
    whose different character OCR takes for the printed one (`_misread`: text converted from a scan
    spells the name so throughout). A near miss the text merely names is no confirmation (a report may name its
    neighbour 泗阳县). Otherwise every region field stays null with the near misses in the finding."""
    name, suffix = unknown.group("name"), unknown.group("suffix")
    body = naming.body[unknown.end("name") :]
    level = "county" if suffix in names.COUNTY_SUFFIXES else None
    region = Region(agency_level=level, agency_kind=_kind(Naming(body, body), False))
    misses = _near_misses(name, suffix, sources.lexicon)
    places = named + ([portal] if portal else []) + [p for m in ("title", "signature", "preamble") for p in sources[m].places]
    inside = _narrow(misses, places)
    confirmed = [c for c in misses if portal is not None and c.ident == portal.ident] or inside
    if len(confirmed) != 1:
        confirmed = _misread(name, inside or misses)
    if len(confirmed) == 1:
        place = confirmed[0]
        printed = sources.agency or ""  # corrected as printed where it can be (its spacing and asides kept)
        agency = (printed if name in printed else sources.own).replace(name, place.name, 1)
        message = (f"agency {sources.agency!r} names {name}, no division in {sources.lexicon.year}; read as "
                   f"{place.label()}, one character off and the only such unit the document confirms")
        return Resolution(_region(place, "agency_name", Naming(body, body)), [Finding("agency_name_corrected", message=message)], agency)
    near = f"; one character off: {_labels(inside or misses)}" if misses else ""
    within = f" of {_labels(named)}" if named else ""
    finding = Finding("unknown_region", message=f"{name} is not a division{within} in {sources.lexicon.year}{near}; nothing in the document decides")
    return Resolution(region, [finding])


def _portal_pick(candidates: list[Place], portal: Place, own_name: bool) -> list[Place]:
    """Candidates consistent with the portal's region. The agency's own name keeps its place even
    when the portal is deeper (a city bureau listed on a county site); other sources only refine
    the portal."""
    picked = []
    for candidate in candidates:
        if candidate.within(portal):
            picked.append(candidate)
        elif portal.within(candidate):
            picked.append(candidate if own_name else portal)
    return picked


def _narrow_by_context(
    candidates: list[Place], confirmed: bool, method: str, primary: Source, sources: _Sources
) -> tuple[list[Place], bool, str]:
    """Let the other sources, in order, pick among several candidates or confirm a township-list
    match; the method becomes the source that did (or township_alias when it confirmed one)."""
    for other in _Sources.METHODS:
        if len(candidates) == 1 and confirmed:
            break
        if other == primary.method:
            continue
        narrowed = _narrow(candidates, sources[other].places)
        if narrowed and (len(narrowed) < len(candidates) or not confirmed):
            method = other if confirmed else "township_alias"
            candidates, confirmed = narrowed, True
    return candidates, confirmed, method


class _Sources:
    """The document's sources in order of trust, each read only when the decision needs it (most
    agency names decide alone, and scanning the text windows is the costly part)."""

    METHODS = ("agency_name", "title", "signature", "preamble")

    def __init__(self, agency: str | None, own: str, title: str | None, text: str, lexicon: Lexicon) -> None:
        """`own`: the agency name as it is read (`names.bare`), which `resolve` needs too."""
        self.agency, self.own, self.title, self.text, self.lexicon = agency, own, title, text, lexicon
        self._read: dict[str, Source] = {}

    def __getitem__(self, method: str) -> Source:
        source = self._read.get(method)
        if source is None:
            source = self._read[method] = self._source(method)
        return source

    def _source(self, method: str) -> Source:
        if method == "agency_name":
            return Source(method, read_bare(self.own, self.lexicon) if self.agency else None, [])
        if method == "title":
            title = names.unspaced(self.title or "")
            reading = read_name(title_agency(title), self.lexicon) if title else None
            return Source(method, reading, anchors(title, self.lexicon)[0])
        if method == "signature":
            return _signature(self.text, self.lexicon)
        return _preamble(self.text, self.lexicon)

    def primary(self) -> Source | None:
        """The first source that names a place as the agency's."""
        for method in self.METHODS:
            source = self[method]
            if source.reading is not None and source.reading.candidates:
                return source
        return None


def resolve(
    agency: str | None,
    title: str | None,
    text: str,
    year: int | None,
    portal_region_code: str | None = None,
) -> Resolution:
    """Where the agency sits: province/city/county names and codes in the report year's map."""
    lexicon = lexicon_for(year)
    findings: list[Finding] = []
    portal = lexicon.place(portal_region_code.ljust(6, "0")) if portal_region_code else None
    if portal_region_code and portal is None:
        findings.append(Finding("unknown_region", message=f"portal region code {portal_region_code} is not a division in {lexicon.year}"))
    own = names.bare(agency or "")
    sources = _Sources(agency, own, title, text, lexicon)
    naming = Naming(own, own)
    primary = sources.primary()
    if own and (primary is None or primary.method != "agency_name"):
        # A government of a division no map knows is no body placed by its context: the name is
        # misspelt (or the map is behind), so no other source may place it under that name.
        unknown = names.UNKNOWN_DIVISION_GOVERNMENT.match(own)
        if unknown and not names.is_zone_name(unknown.group("name")):
            misnamed = _misnamed(unknown, naming, [], sources, portal)
            return Resolution(misnamed.region, findings + misnamed.findings, misnamed.agency)
    if primary is None or primary.reading is None:
        if portal is None:
            findings.append(Finding("unknown_region", message=f"neither agency {agency!r} nor its title, signature or preamble says which province, city or county it serves"))
            return Resolution(_unplaced(naming, []), findings)
        return Resolution(_region(portal, "portal", naming), findings)

    reading = primary.reading
    if primary.method == "agency_name" or (not own and primary.method != "preamble"):
        # the agency's own name, or the title or signature standing in for a missing one
        naming = Naming(title_agency(reading.body), title_agency(reading.words))
    unnamed = not naming.body and primary.method == "preamble"  # placed by its context, body never named
    candidates, method, confirmed = _distinct(reading.candidates), primary.method, reading.confirmed
    unknown = names.UNKNOWN_DIVISION_GOVERNMENT.match(naming.body) if primary.method == "agency_name" else None
    if unknown and not names.is_zone_name(unknown.group("name")):
        misnamed = _misnamed(unknown, naming, candidates, sources, portal)
        return Resolution(misnamed.region, findings + misnamed.findings, misnamed.agency)
    if reading.conflict:
        findings.append(Finding("ambiguous_region", message=f"{primary.method} names unrelated places: {_labels(candidates + _distinct(reading.conflict))}"))
        return Resolution(_unplaced(naming, candidates), findings)
    if portal is not None:
        picked = _distinct(_portal_pick(candidates, portal, primary.method == "agency_name"))
        if not picked and primary.method == "agency_name" and len(candidates) == 1 and confirmed:
            # A report reposted on another region's portal still belongs to the body that signs
            # it: its own name, naming one place outright, outranks where it was found.
            findings.append(Finding("portal_region_conflict", message=f"agency_name names {_labels(candidates)}, outside the portal's region {portal.label()}; the agency's own name is kept"))
            return Resolution(_region(candidates[0], "agency_name", naming), findings)
        if not picked:
            findings.append(Finding("ambiguous_region", message=f"{primary.method} names {_labels(candidates)} but the portal's region is {portal.label()}"))
            return Resolution(_unplaced(naming, candidates), findings)
        if len(picked) < len(candidates) or not confirmed:
            method = "portal" if confirmed else "township_alias"
        candidates, confirmed = picked, True
    candidates, confirmed, method = _narrow_by_context(candidates, confirmed, method, primary, sources)
    if len(candidates) > 1:
        findings.append(Finding("ambiguous_region", message=f"{'/'.join(dict.fromkeys(reading.names))} could be {_labels(candidates)}; nothing in the document decides"))
        return Resolution(_unplaced(naming, candidates), findings)
    place = candidates[0]
    if not confirmed:
        findings.append(Finding("unknown_region", message=f"{place.name} is listed only under {place.label()}, but the document names no county or city to confirm it"))
        return Resolution(_unplaced(naming, candidates), findings)
    return Resolution(_region(place, method, None if unnamed else naming), findings)


def apply_region(report: Report, portal_region_code: str | None = None) -> Report:
    """The report with its region resolved; earlier region findings are replaced, so resolving
    again with the portal's code (after a first pass without it) leaves one verdict."""
    resolution = resolve(report.agency, report.title, report.text, report.year, portal_region_code)
    kept = [f for f in report.findings if f.rule not in REGION_RULES]
    # dataclasses.replace(report, …) builds the same Report at twice the cost (it walks fields())
    fields = {**vars(report), "region": resolution.region, "findings": kept + resolution.findings}
    if resolution.agency is not None:
        fields["agency"] = resolution.agency
    return Report(**fields)
