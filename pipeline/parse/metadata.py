"""Who published the report, on which year, and when: read from title, chrome, preamble, signature.

The statistics year comes from the title or the statistics-period sentence, never from the
publication date (a 2023 report is published in 2024). The agency is the fullest form the
document gives: titles often shorten it (雄关街道) where the signature spells it out
(嘉峪关市人民政府雄关街道办事处).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import contract
from pipeline.parse.cells import label_key, normalize

# Read on the raw text (normalising prose costs more than the whole table parse), so every
# pattern accepts full-width digits, brackets and colons; matched pieces are normalised after.
_CJK = r"\u4e00-\u9fff"
_D = "[0-9０-９]"
_S = r"[\s\u3000]*"
_TITLE_RE = re.compile(rf"([12１２]{_D}{{3}}){_S}年{_S}(?:度{_S})?{contract.REPORT_TITLE_PATTERN}")
_AGENCY_BEFORE_RE = re.compile(rf"[{_CJK}()（）]{{1,40}}[ \t\u3000\xa0]*\Z")  # on the title's line (\Z: not before its "\n")
_PERIOD_RE = re.compile(contract.STATISTICS_PERIOD_PATTERN.replace(r"\d", _D))
_DATE = rf"({_D}{{4}}){_S}[-－年/.．]{_S}({_D}{{1,2}}){_S}[-－月/.．]{_S}({_D}{{1,2}})"
_LABELED_DATE_RE = re.compile(rf"(?:{'|'.join(contract.DATE_LABELS)}){_S}[:：]?{_S}{_DATE}")
# Line-start patterns begin with a literal "\n" (searched in "\n" + text), so the regex engine
# skips ahead to line starts instead of trying every position.
_LINE_DATE_RE = re.compile(rf"(?m)\n[ \t\u3000\xa0]*{_DATE}(?:日|[ \t]|$)")
_CN_DIGITS = "〇零一二三四五六七八九"
_CN = f"[{_CN_DIGITS}十]"
_CN_VALUES = {c: max(i - 1, 0) for i, c in enumerate(_CN_DIGITS)}  # 〇 and 零 are 0, 一 is 1, …
# Signatures write the date in Arabic or in Chinese numerals (二〇二五年一月十六日).
_SIGNATURE_DATE_RE = re.compile(
    rf"{_S}({_D}{{4}}|[{_CN_DIGITS}]{{4}}){_S}年{_S}({_D}{{1,2}}|{_CN}{{1,3}}){_S}月{_S}({_D}{{1,2}}|{_CN}{{1,3}}){_S}日{_S}"
)
_AGENCY_LINE_RE = re.compile(rf"[{_CJK}()（）]{{2,40}}(?:{'|'.join(contract.AGENCY_SUFFIXES)})")
_CONTACT_RE = re.compile(rf"与{_S}([{_CJK}()（）]{{4,40}}?){_S}联系")
_FIRST_SECTION_RE = re.compile(r"\n[ \t\u3000\xa0]*一\s*[、.．]")
# An archive crawler's header line naming the publishing body ("发布机构: 区行政审批局"), often empty.
_PUBLISHER_RE = re.compile(rf"(?m)^发布机构{_S}[:：][ \t\u3000\xa0]*([^\n]*?)[ \t\u3000\xa0]*$")
_CRAWLER_HEAD = 1000  # the crawler's header lines come first
_BREADCRUMB_ENDS = ">»›|:："
_HEAD_LIMIT = 4000  # title, chrome and preamble live here
_TAIL_CHARS = 1500  # signature
_TAIL_LINES = 8
_PERIOD_WINDOW = 40


@dataclass
class Title:
    text: str
    agency: str | None
    year: int


@dataclass
class Metadata:
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published_on: str | None = None
    title_found: bool = False  # the text names itself a 政府信息公开(工作)年度报告


def _number(text: str) -> int:
    """An Arabic or Chinese-numeral number: "2025", "２０２５", "二〇二五", "十六", "二十", "三十一"."""
    if text.isascii() and text.isdigit():  # the usual case: normalising ASCII digits changes nothing
        return int(text)
    text = normalize(text)
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int("".join(str(_CN_VALUES[c]) for c in text))
    tens, _, units = text.partition("十")
    return (_number(tens) if tens else 1) * 10 + (_number(units) if units else 0)


def _iso(m: re.Match[str]) -> str | None:
    year, month, day = (_number(m.group(i)) for i in (1, 2, 3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _title(text: str) -> Title | None:
    """The first "{agency}{year}年政府信息公开工作年度报告" that starts a line (or follows a
    breadcrumb "首页 > …"): mentions in sentences (…公布本机关2024年政府信息公开工作年度报告) and
    in other titles (关于做好2024年…年度报告编制发布有关事项的通知) are not the title. The agency
    is the run of Chinese characters right before the year. A markdown heading's "#" may open it."""
    for m in _TITLE_RE.finditer(text):
        before = _AGENCY_BEFORE_RE.search(text, max(m.start() - 48, 0), m.start())
        agency = before.group(0).strip() if before else ""
        start = before.start() if before else m.start()
        prefix = text[text.rfind("\n", 0, start) + 1 : start].strip()
        if "关于" not in agency and (not prefix.strip("#") or prefix[-1] in _BREADCRUMB_ENDS):
            return Title(normalize(text[start : m.end()]).strip(), normalize(agency) or None,
                         int(normalize(m.group(1))))
    return None


def _agency_above_title(head: str) -> str | None:
    """The agency of a title set on two lines: the body's name alone on the line above a line
    that starts with the year ("洪泽区人民政府" over "2023年政府信息公开工作年度报告", as WPS and
    Word title pages centre it). Only the first such title line is looked at."""
    for m in _TITLE_RE.finditer(head):
        line_start = head.rfind("\n", 0, m.start()) + 1
        if head[line_start : m.start()].strip():
            continue  # the agency, or a sentence, on the title's own line
        above = head[: max(line_start - 1, 0)].rstrip().rpartition("\n")[2].strip()
        return normalize(above) if _AGENCY_LINE_RE.fullmatch(above) else None
    return None


def _complete_name(agency: str | None) -> bool:
    """A body's full name (ends as bodies' names end), not a short form such as 雄关街道."""
    return agency is not None and agency.endswith(contract.AGENCY_SUFFIXES)


# "2024 年上海市科委政府信息公开工作" / "年度报告": the year first, the body's name after it, the
# title wrapped over lines (a PDF's centred title, as converters and text layers give it).
_YEAR_FIRST_RE = re.compile(
    rf"\n[#\s]*([12１２]{_D}{{3}}){_S}年{_S}(?:度{_S})?([{_CJK}()（）\s]{{0,30}}?){_S}"
    + re.sub(r"(?<=[\u4e00-\u9fff)?])(?=[\u4e00-\u9fff(])", lambda _m: _S, contract.REPORT_TITLE_PATTERN)
    + r"[ \t\u3000\xa0]*(?=\n|$)")


def _year_first_title(head: str, *others: str | None) -> Title | None:
    """A title that starts a line with its year ("2024 年…政府信息公开工作年度报告"). The words
    between the year and 政府信息公开 are often a short name no register knows (市科委): they are
    the agency only where the signature or the preamble (`others`) names the same body, or where
    they are a place and a department's well-known short name (`_full_name`)."""
    m = _YEAR_FIRST_RE.search("\n" + head)
    if m is None:
        return None
    words = label_key(normalize(m.group(2)))
    confirmed = any(o and (o in words or words in o) for o in others)
    agency = words if words and (confirmed or _full_name(words) != words) else None
    return Title(label_key(normalize(m.group(0))).lstrip("#"), agency, int(normalize(m.group(1))))


_SHORT_NAME_RE = re.compile(
    "(?<=[省市区县州旗盟])(" + "|".join(sorted(contract.DEPARTMENT_SHORT_NAMES, key=len, reverse=True)) + ")$")


def _full_name(agency: str) -> str:
    """A place's department named by its short form (上海市科委) under its full name
    (上海市科学技术委员会), the name the contract's agency field and the regions' lexicon know."""
    return _SHORT_NAME_RE.sub(lambda m: contract.DEPARTMENT_SHORT_NAMES[m.group(1)], agency)


def _tail(text: str) -> list[str]:
    """The last _TAIL_LINES lines with text, stripped: read from the end, so the rest of the
    tail's lines are never stripped."""
    lines: list[str] = []
    for line in reversed(text.replace("\r", "\n").split("\n")):
        if line := line.strip():
            lines.append(line)
            if len(lines) == _TAIL_LINES:
                break
    return lines[::-1]


def _signature(text: str) -> tuple[str | None, str | None]:
    """(agency, ISO date) of the signature: a date on its own line near the end, the body above it."""
    lines = _tail(text)
    for i in range(len(lines) - 1, -1, -1):
        m = _SIGNATURE_DATE_RE.fullmatch(lines[i])
        if m:
            agency = normalize(lines[i - 1]) if i and _AGENCY_LINE_RE.fullmatch(lines[i - 1]) else None
            return agency, _iso(m)
    return None, None


def _contact_agency(text: str) -> str | None:
    """The body named in the preamble's "请与…联系", without the office that takes the calls."""
    m = _CONTACT_RE.search(text)
    if not m:
        return None
    name = normalize(m.group(1))
    for suffix in contract.CONTACT_OFFICE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 2:
            return name[: -len(suffix)]
    return name


def _publisher(head: str) -> str | None:
    """The body a crawler's header lines name as publisher, when it reads as a body's name: the
    fallback for a title without the agency (the field is often empty, short or another site's)."""
    m = _PUBLISHER_RE.search(head, 0, _CRAWLER_HEAD)
    name = normalize(m.group(1)) if m else ""
    return name if _AGENCY_LINE_RE.fullmatch(name) else None


def _head_date(text: str) -> str | None:
    """Publication date in the page chrome before the body (发布日期: 2024-01-26, 日期:…)."""
    lines = "\n" + text  # every line start, the first one too, follows a "\n"
    first = _FIRST_SECTION_RE.search(lines)
    head_end = first.start() + 1 if first else len(lines)  # `lines` positions are one past `text`'s
    m = _labeled_date(lines, head_end)
    if m and (iso := _iso(m)):
        return iso
    m = _LINE_DATE_RE.search(lines, 0, head_end)
    return _iso(m) if m else None


def _labeled_date(text: str, end: int) -> re.Match[str] | None:
    """`_LABELED_DATE_RE.search(text, 0, end)`, trying only where a label starts: a match starts
    with one, and the alternation tried at every position is the cost of the search."""
    starts: set[int] = set()
    for label in contract.DATE_LABELS:
        at = text.find(label, 0, end)
        while at >= 0:
            starts.add(at)
            at = text.find(label, at + 1, end)
    for start in sorted(starts):
        if m := _LABELED_DATE_RE.match(text, start, end):
            return m
    return None


def _fullest(short: str | None, *others: str | None) -> str | None:
    """The longest candidate that contains the short form; the short form when none does."""
    best = short
    for other in others:
        if other and (best is None or (best in other and len(other) > len(best))):
            best = other
    return best


def _period_year(head: str, raw: str) -> int | None:
    """Year of the statistics-period sentence, in the head or anywhere in the raw text."""
    m = _PERIOD_RE.search(head)
    if m is None and (at := raw.find("统计期限", _HEAD_LIMIT)) >= 0:
        m = _PERIOD_RE.search(raw, at, at + _PERIOD_WINDOW)
    return int(normalize(m.group(1))) if m else None


def read_metadata(raw: str, title: str | None = None, published_on: str | None = None) -> Metadata:
    """Metadata of report text; `title`/`published_on` from page metadata win when given (the
    page title only when it names the report: portals often title every page with their own name).

    Only the head (title, chrome, preamble) and the tail (signature) are read: the prose between
    is most of a report and holds nothing needed here."""
    head, tail = raw[:_HEAD_LIMIT], raw[-_TAIL_CHARS:]
    meta = Metadata(title=title and normalize(title), published_on=published_on)
    from_page = _title(title) if title else None
    signature_agency, signature_date = _signature(tail)
    contact = _contact_agency(head)
    m = from_page or _title(head) or _year_first_title(head, signature_agency, contact)
    if m:
        meta.title_found = True
        meta.year = m.year
        if from_page is None:
            meta.title = m.text
        # The preamble's contact office only fills in a short form: a full name in the title is
        # the publisher's own (洪泽区人民政府, whose office is 淮安市洪泽区人民政府办公室).
        agency = m.agency or _agency_above_title(head)
        meta.agency = _fullest(agency, signature_agency, None if _complete_name(agency) else contact)
    else:
        meta.agency = _fullest(None, signature_agency, contact)
    meta.agency = meta.agency or _publisher(head)
    if meta.agency:
        meta.agency = _full_name(meta.agency)
    if meta.year is None:
        meta.year = _period_year(head, raw)
    meta.published_on = meta.published_on or _head_date(head) or signature_date
    return meta
