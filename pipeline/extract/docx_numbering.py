"""Word's automatic list numbering, rendered as the text Word displays before a paragraph.

A numbered heading ("一、总体情况") or row label ("（一）予以公开") keeps its number out of the
runs: Word computes it from `word/numbering.xml` each time the document is shown. The reader
has to compute it the same way or the labels the parser matches on arrive without their prefix.

Counting follows Word, not one list per `w:num`: every `w:num` pointing at the same abstract
definition shares its running counts (that is how a list continues after an interruption), and
a `w:startOverride` restarts the shared count where its `w:num` is first used at that level.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from xml.etree import ElementTree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_VAL = f"{_W}val"
_P, _PPR, _NUMPR = f"{_W}p", f"{_W}pPr", f"{_W}numPr"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_LEVELS = 9  # w:ilvl 0..8, the placeholders %1..%9
_PLACEHOLDER = re.compile(r"%([1-9])")
_STYLE_DEPTH = 10  # basedOn / numStyleLink hops followed before a chain counts as a loop
_OFF = ("0", "false", "off")

# Numeral tables of the formats Chinese reports use (not field labels: those live in contract.py).
_CHINESE_DIGITS = "〇一二三四五六七八九"
_CHINESE_UNITS = ("", "十", "百", "千")
_CHINESE_GROUPS = ("", "万", "亿")
_LEGAL_SIMPLIFIED_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_TRADITIONAL_DIGITS = "零壹貳參肆伍陸柒捌玖"
_LEGAL_UNITS = ("", "拾", "佰", "仟")
_JAPANESE_GROUPS = ("", "万", "億")
_LETTERS_LIMIT = 780  # thirty Zs
_GROUPED_LIMIT = 10**12  # past 亿's groups a count is shown in decimal
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
# Unicode runs of enclosed numbers: (first value, last value, code point of the first).
_CIRCLED = ((1, 20, 0x2460), (21, 35, 0x3251), (36, 50, 0x32B1))
_SUFFIXES = {"tab": "\t", "space": " ", "nothing": ""}


def _grouped(value: int, digits: str, units: tuple[str, ...], groups: tuple[str, ...], zero: str) -> str:
    """Positional reading in groups of four digits (一万零一十): `zero` stands for the zero
    positions between two written digits, except those closing a group (一百万一千)."""
    chunks = []
    while value:
        chunks.append(value % 10000)
        value //= 10000
    parts: list[str] = []
    owed = False
    for index in reversed(range(len(chunks))):
        chunk = chunks[index]
        for position in reversed(range(4)):
            digit = chunk // 10**position % 10
            if digit == 0:
                owed = owed or bool(parts)
                continue
            if owed:
                parts.append(zero)
            parts.append(digits[digit] + units[position])
            owed = False
        if chunk:
            parts.append(groups[index])
            owed = False
    return "".join(parts)


def _chinese(value: int, digits: str = _CHINESE_DIGITS, units: tuple[str, ...] = _CHINESE_UNITS,
             short_ten: bool = True) -> str:
    """一…十, 十一…十九, 二十, 一百零一; legal numerals keep the one of 壹拾."""
    if value == 0:
        return digits[0]
    if value >= _GROUPED_LIMIT:
        return str(value)
    text = _grouped(value, digits, units, _CHINESE_GROUPS, "零")
    if short_ten and text.startswith(digits[1] + units[1]):
        return text[1:]
    return text


def _japanese(value: int) -> str:
    """Japanese counting writes no 零 and no 一 before 十, 百 and 千 (百一, 千十)."""
    if value == 0:
        return _CHINESE_DIGITS[0]
    if value >= _GROUPED_LIMIT:
        return str(value)
    text = _grouped(value, _CHINESE_DIGITS, _CHINESE_UNITS, _JAPANESE_GROUPS, "")
    return re.sub(r"一(?=[十百千])", "", text)


def _enclosed(value: int, runs: tuple[tuple[int, int, int], ...]) -> str:
    for first, last, code in runs:
        if first <= value <= last:
            return chr(code + value - first)
    return str(value)


def _cycle(value: int, symbols: str) -> str:
    return symbols[value - 1] if 1 <= value <= len(symbols) else str(value)


def _letters(value: int, first: str) -> str:
    """A, B … Z, AA, BB …: Word repeats the letter rather than counting in base 26 (up to 780,
    thirty Zs; a damaged start far beyond is shown in decimal, not as a billion letters)."""
    if not 1 <= value <= _LETTERS_LIMIT:
        return str(value)
    return chr(ord(first) + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _roman(value: int) -> str:
    if not 1 <= value <= 3999:
        return str(value)
    parts = []
    for amount, numeral in _ROMAN:
        count, value = divmod(value, amount)
        parts.append(numeral * count)
    return "".join(parts)


_FORMATS = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "taiwaneseCounting": _chinese,
    "taiwaneseCountingThousand": _chinese,
    "chineseLegalSimplified": lambda n: _chinese(n, _LEGAL_SIMPLIFIED_DIGITS, _LEGAL_UNITS, short_ten=False),
    "ideographLegalTraditional": lambda n: _chinese(n, _LEGAL_TRADITIONAL_DIGITS, _LEGAL_UNITS, short_ten=False),
    "japaneseCounting": _japanese,
    "ideographDigital": lambda n: "".join(_CHINESE_DIGITS[int(d)] for d in str(n)),
    "taiwaneseDigital": lambda n: "".join(_CHINESE_DIGITS[int(d)] for d in str(n)),
    "ideographTraditional": lambda n: _cycle(n, _HEAVENLY_STEMS),
    "ideographZodiac": lambda n: _cycle(n, _EARTHLY_BRANCHES),
    "upperLetter": lambda n: _letters(n, "A"),
    "lowerLetter": lambda n: _letters(n, "a"),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "decimalEnclosedCircle": lambda n: _enclosed(n, _CIRCLED),
    "decimalEnclosedCircleChinese": lambda n: _enclosed(n, _CIRCLED),
    "decimalEnclosedFullstop": lambda n: _enclosed(n, ((1, 20, 0x2488),)),
    "decimalEnclosedParen": lambda n: _enclosed(n, ((1, 20, 0x2474),)),
    "ideographEnclosedCircle": lambda n: _enclosed(n, ((1, 10, 0x3280),)),
    "none": lambda n: "",
}


def format_number(value: int, number_format: str) -> str:
    """`value` in a `w:numFmt`; a format Word has that this does not know is shown in decimal."""
    if value < 0:
        return str(value)
    return _FORMATS.get(number_format, str)(value)


@dataclass(frozen=True)
class Level:
    """One `w:lvl`: what its number looks like and when its count restarts."""

    start: int = 0  # ECMA-376: an absent w:start starts at zero
    number_format: str = "decimal"
    text: str = ""  # w:lvlText, "%1、"
    restart: int | None = None  # w:lvlRestart: restart after levels above this one-based level; 0 never
    legal: bool = False  # w:isLgl: every placeholder in decimal
    suffix: str = "\t"
    style: str | None = None  # w:pStyle: the paragraph style this level belongs to


_NO_LEVEL = Level()
Levels = Mapping[int, Level]


@dataclass
class Counters:
    """Running counts of one abstract numbering definition, by level; an absent level has not
    started (or was restarted) and next shows its start value."""

    values: dict[int, int] = field(default_factory=dict)

    def next_value(self, level: int, levels: Levels, restart_at: int | None = None) -> int:
        if restart_at is not None:
            return restart_at
        current = self.values.get(level)
        return levels.get(level, _NO_LEVEL).start if current is None else current + 1

    def advance(self, level: int, levels: Levels, restart_at: int | None = None) -> None:
        """Count one paragraph at `level`; deeper levels restart unless their w:lvlRestart says not."""
        self.values[level] = self.next_value(level, levels, restart_at)
        for deeper in [other for other in self.values if other > level]:
            rule = levels.get(deeper, _NO_LEVEL).restart
            if level < (deeper if rule is None else min(rule, deeper)):
                del self.values[deeper]

    def label(self, level: int, levels: Levels) -> str:
        """The level's w:lvlText with each %n in level n-1's format (decimal under w:isLgl), then
        its suffix; a bullet or an empty text shows nothing."""
        definition = levels.get(level, _NO_LEVEL)
        if definition.number_format == "bullet":
            return ""

        def number(match: re.Match[str]) -> str:
            other = int(match[1]) - 1
            other_level = levels.get(other, _NO_LEVEL)
            value = self.values.get(other, other_level.start)
            return format_number(value, "decimal" if definition.legal else other_level.number_format)

        text = _PLACEHOLDER.sub(number, definition.text)
        return text + definition.suffix if text else ""


@dataclass(frozen=True)
class _Num:
    abstract: str
    starts: dict[int, int]  # w:lvlOverride/w:startOverride by level
    levels: dict[int, Level]  # w:lvlOverride/w:lvl replacing the abstract's level


@dataclass(frozen=True)
class _Style:
    based_on: str | None
    num_id: str | None
    level: int | None


def _int(element: ElementTree.Element | None, default: int | None = None) -> int | None:
    if element is None:
        return default
    try:
        return int(element.get(_VAL, ""))
    except ValueError:
        return default


def _val(element: ElementTree.Element | None) -> str | None:
    return None if element is None else element.get(_VAL)


def _level_index(element: ElementTree.Element) -> int | None:
    try:
        index = int(element.get(f"{_W}ilvl", ""))
    except ValueError:
        return None
    return index if 0 <= index < _LEVELS else None


def _level(element: ElementTree.Element) -> Level:
    legal = element.find(f"{_W}isLgl")
    return Level(
        start=_int(element.find(f"{_W}start"), 0) or 0,
        number_format=_val(element.find(f"{_W}numFmt")) or "decimal",
        text=_val(element.find(f"{_W}lvlText")) or "",
        restart=_int(element.find(f"{_W}lvlRestart")),
        legal=legal is not None and (legal.get(_VAL) or "1").lower() not in _OFF,
        suffix=_SUFFIXES.get(_val(element.find(f"{_W}suff")) or "tab", "\t"),
        style=_val(element.find(f"{_W}pStyle")),
    )


def _levels(parent: ElementTree.Element) -> dict[int, Level]:
    levels = {}
    for element in parent.findall(f"{_W}lvl"):
        index = _level_index(element)
        if index is not None:
            levels[index] = _level(element)
    return levels


def _xml(data: bytes | None) -> ElementTree.Element | None:
    """The part's root, or None when it is absent or damaged: numbering is decoration the text
    can do without, so a broken part costs the numbers, never the document."""
    if not data:
        return None
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None


class _Definitions:
    """numbering.xml and styles.xml, resolved to what one paragraph's number needs."""

    def __init__(self, numbering: ElementTree.Element | None, styles: ElementTree.Element | None) -> None:
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.links: dict[str, str] = {}  # abstractNumId -> numbering style (w:numStyleLink)
        self.nums: dict[str, _Num] = {}
        self.styles: dict[str, _Style] = {}
        self.default_style: str | None = None
        self._style_numbering: dict[str | None, tuple[str | None, int | None]] = {}
        if numbering is not None:
            for abstract in numbering.iter(f"{_W}abstractNum"):
                key = abstract.get(f"{_W}abstractNumId")
                if key is not None:
                    self.abstracts[key] = _levels(abstract)
                    if link := _val(abstract.find(f"{_W}numStyleLink")):
                        self.links[key] = link
            for num in numbering.iter(f"{_W}num"):
                self._add_num(num)
        if styles is not None:
            for style in styles.iter(f"{_W}style"):
                self._add_style(style)

    def _add_num(self, num: ElementTree.Element) -> None:
        key, abstract = num.get(f"{_W}numId"), _val(num.find(f"{_W}abstractNumId"))
        if key is None or abstract is None:
            return
        starts, levels = {}, {}
        for override in num.findall(f"{_W}lvlOverride"):
            index = _level_index(override)
            if index is None:
                continue
            start = _int(override.find(f"{_W}startOverride"))
            if start is not None:
                starts[index] = start
            replaced = override.find(f"{_W}lvl")
            if replaced is not None:
                levels[index] = _level(replaced)
        self.nums[key] = _Num(abstract, starts, levels)

    def _add_style(self, style: ElementTree.Element) -> None:
        key = style.get(f"{_W}styleId")
        if key is None:
            return
        properties = style.find(f"{_W}pPr")
        numbering = properties.find(_NUMPR) if properties is not None else None
        num_id = _val(numbering.find(f"{_W}numId")) if numbering is not None else None
        level = _int(numbering.find(f"{_W}ilvl")) if numbering is not None else None
        self.styles[key] = _Style(_val(style.find(f"{_W}basedOn")), num_id, level)
        if style.get(f"{_W}type") == "paragraph" and (style.get(f"{_W}default") or "").lower() in ("1", "true", "on"):
            self.default_style = key

    def _style_chain(self, style_id: str | None) -> Iterator[_Style]:
        seen: set[str] = set()
        while style_id is not None and style_id not in seen and len(seen) < _STYLE_DEPTH:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                return
            yield style
            style_id = style.based_on

    def style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """The numId and level a paragraph style gives, each from the nearest style in its
        w:basedOn chain that sets it (asked for every paragraph, hence kept)."""
        if style_id in self._style_numbering:
            return self._style_numbering[style_id]
        num_id = level = None
        for style in self._style_chain(style_id):
            num_id = style.num_id if num_id is None else num_id
            level = style.level if level is None else level
        self._style_numbering[style_id] = num_id, level
        return num_id, level

    def abstract_of(self, num_id: str) -> str | None:
        """The abstract definition a numId counts in, through w:numStyleLink to the numbering
        style's own list (the style carries a numId whose abstract holds the levels)."""
        abstract = self.nums[num_id].abstract if num_id in self.nums else None
        for _ in range(_STYLE_DEPTH):
            if abstract not in self.links:
                break
            linked_num, _level = self.style_numbering(self.links[abstract])
            if linked_num is None or linked_num not in self.nums:
                return None
            abstract = self.nums[linked_num].abstract
        return abstract if abstract in self.abstracts else None


class Numbering:
    """The numbers of a document's paragraphs; `label` must see them in document order, since
    each number depends on the paragraphs numbered before it."""

    def __init__(self, numbering_xml: bytes | None, styles_xml: bytes | None) -> None:
        self._definitions = _Definitions(_xml(numbering_xml), _xml(styles_xml))
        self._counters: dict[str, Counters] = {}
        self._used: set[tuple[str, int]] = set()  # (numId, level) pairs already shown
        self._levels: dict[str, dict[int, Level]] = {}  # by numId: its abstract's levels and its overrides

    @property
    def has_lists(self) -> bool:
        return bool(self._definitions.nums)

    def label(self, paragraph: ElementTree.Element) -> str:
        """The number text Word shows before this paragraph (with its suffix), "" if none."""
        found = self._numbering(paragraph)
        if found is None:
            return ""
        num_id, level, abstract = found
        num = self._definitions.nums[num_id]
        levels = self._levels.get(num_id)
        if levels is None:
            levels = self._levels[num_id] = {**self._definitions.abstracts[abstract], **num.levels}
        if level not in levels:
            return ""
        restart = num.starts.get(level) if (num_id, level) not in self._used else None
        self._used.add((num_id, level))
        counters = self._counters.setdefault(abstract, Counters())
        counters.advance(level, levels, restart)
        return counters.label(level, levels)

    def _numbering(self, paragraph: ElementTree.Element) -> tuple[str, int, str] | None:
        """(numId, level, abstract) from the paragraph's own w:numPr, else its style's; numId 0
        is Word's "numbering removed"."""
        definitions = self._definitions
        properties = paragraph.find(_PPR)
        direct = properties.find(_NUMPR) if properties is not None else None
        style = _val(properties.find(f"{_W}pStyle")) if properties is not None else None
        style = style or definitions.default_style
        num_id, level = definitions.style_numbering(style)
        if direct is not None:
            num_id = _val(direct.find(f"{_W}numId")) or num_id
            level = _int(direct.find(f"{_W}ilvl"), level)
        if num_id is None or num_id == "0" or num_id not in definitions.nums:
            return None
        abstract = definitions.abstract_of(num_id)
        if abstract is None:
            return None
        if level is None:  # a style's list level is the one whose w:pStyle names the style
            linked = (index for index, lvl in definitions.abstracts[abstract].items() if style and lvl.style == style)
            level = next(linked, 0)
        return (num_id, level, abstract) if 0 <= level < _LEVELS else None


def paragraph_labels(body: ElementTree.Element, numbering_xml: bytes | None,
                     styles_xml: bytes | None) -> dict[ElementTree.Element, str]:
    """Every numbered paragraph under `body` (table cells included, `mc:Fallback` copies not)
    with the number Word shows before it."""
    numbering = Numbering(numbering_xml, styles_xml)
    if not numbering.has_lists:
        return {}
    copies = {paragraph for fallback in body.iter(_FALLBACK) for paragraph in fallback.iter(_P)}
    labels = {}
    for paragraph in body.iter(_P):  # document order
        if paragraph not in copies and (label := numbering.label(paragraph)):
            labels[paragraph] = label
    return labels
