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

_CJK = r"\u4e00-\u9fff"
_TITLE_RE = re.compile(
    rf"(?P<agency>[{_CJK}()]*?)[ \t]*(?P<year>(?:19|20)\d{{2}})[ \t]*年[ \t]*(?:度[ \t]*)?"
    rf"(?P<kind>{contract.REPORT_TITLE_PATTERN})"
)
_PERIOD_RE = re.compile(contract.STATISTICS_PERIOD_PATTERN)
_DATE = r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
_LABELED_DATE_RE = re.compile(rf"(?:{'|'.join(contract.DATE_LABELS)})\s*:?\s*{_DATE}")
_LINE_DATE_RE = re.compile(rf"(?m)^[ \t]*{_DATE}(?:日|[ \t]|$)")
_SIGNATURE_DATE_RE = re.compile(r"\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*")
_AGENCY_LINE_RE = re.compile(rf"[{_CJK}()]{{2,40}}(?:{'|'.join(contract.AGENCY_SUFFIXES)})")
_CONTACT_RE = re.compile(rf"与\s*([{_CJK}()]{{4,40}}?)\s*联系")
_FIRST_SECTION_RE = re.compile(r"(?m)^[ \t]*一\s*[、.]")
_TITLE_SEARCH_LIMIT = 4000
_HEAD_LIMIT = 2000
_TAIL_LINES = 8


@dataclass
class Metadata:
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published_on: str | None = None
    title_found: bool = False  # the text names itself a 政府信息公开(工作)年度报告


def _iso(m: re.Match[str]) -> str | None:
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _title(text: str) -> re.Match[str] | None:
    """The first "{agency}{year}年政府信息公开工作年度报告", skipping mentions inside other titles
    (…关于做好2024年政府信息公开工作年度报告编制发布有关事项的通知)."""
    for m in _TITLE_RE.finditer(text, 0, _TITLE_SEARCH_LIMIT):
        if "关于" not in m.group("agency") and text[max(m.start() - 1, 0)] != "《":
            return m
    return None


def _tail(text: str) -> list[str]:
    lines = [line.strip() for line in text[-1500:].split("\n")]
    return [line for line in lines if line][-_TAIL_LINES:]


def _signature(text: str) -> tuple[str | None, str | None]:
    """(agency, ISO date) of the signature: a date on its own line near the end, the body above it."""
    lines = _tail(text)
    for i in range(len(lines) - 1, -1, -1):
        m = _SIGNATURE_DATE_RE.fullmatch(lines[i])
        if m:
            agency = lines[i - 1] if i and _AGENCY_LINE_RE.fullmatch(lines[i - 1]) else None
            return agency, _iso(m)
    return None, None


def _contact_agency(text: str) -> str | None:
    """The body named in the preamble's "请与…联系", without the office that takes the calls."""
    m = _CONTACT_RE.search(text, 0, _HEAD_LIMIT)
    if not m:
        return None
    name = m.group(1)
    for suffix in contract.CONTACT_OFFICE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 2:
            return name[: -len(suffix)]
    return name


def _head_date(text: str) -> str | None:
    """Publication date in the page chrome before the body (发布日期: 2024-01-26, 日期:…)."""
    first = _FIRST_SECTION_RE.search(text, 0, _HEAD_LIMIT)
    head_end = first.start() if first else _HEAD_LIMIT
    for regex in (_LABELED_DATE_RE, _LINE_DATE_RE):
        m = regex.search(text, 0, head_end)
        if m and (iso := _iso(m)):
            return iso
    return None


def _fullest(short: str | None, *others: str | None) -> str | None:
    """The longest candidate that contains the short form; the short form when none does."""
    best = short
    for other in others:
        if other and (best is None or (best in other and len(other) > len(best))):
            best = other
    return best


def read_metadata(text: str, title: str | None = None, published_on: str | None = None) -> Metadata:
    """Metadata of normalised report text; `title`/`published_on` from page metadata win when given."""
    meta = Metadata(title=title, published_on=published_on)
    m = _title(text) if title is None else (_title(title) or _title(text))
    signature_agency, signature_date = _signature(text)
    contact = _contact_agency(text)
    if m:
        meta.title_found = True
        meta.year = int(m.group("year"))
        meta.title = meta.title or text[m.start() : m.end()].strip()
        meta.agency = _fullest(m.group("agency") or None, signature_agency, contact)
    else:
        meta.agency = _fullest(None, signature_agency, contact)
    if meta.year is None and (period := _PERIOD_RE.search(text)):
        meta.year = int(period.group(1))
    meta.published_on = meta.published_on or _head_date(text) or signature_date
    return meta
