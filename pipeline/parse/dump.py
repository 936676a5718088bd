"""Text dumps: a page's whole body on one line (or a few), its tables' cells run together.

Archive crawlers and `get_text()` keep a page's text but not its markup: the tables come out as
one stream in which a row label runs straight into its digits and the digits into the next label
(`一、本年新收政府信息公开申请数量120000012二、上年结转…`), with or without some of the spaces
between cells. Nothing in it is at a line start, so the line-based reading of `sections.py` finds
neither headings nor rows. Here the sections are found inside the line, and each section becomes
label cells and, for each run of digits, one value cell per space-separated token, closed by a
BREAK; `template.py` then cuts the tokens into cells by the template's arithmetic (`runs=True`).
"""

from __future__ import annotations

import re

from pipeline import contract
from pipeline.parse.cells import BREAK, LABEL, UNITS, VALUE, Cell, label_key, normalize, parse_number
from pipeline.parse.template import PROACTIVE_ROWS

_ANCHOR = contract.SECTION_ANCHORS["applications"]
# Row-label fragments that can sit inside a line (the anchored patterns name bare "其他"/"总计").
_FRAGMENTS_RE = re.compile("|".join(f"(?P<{item}>{pattern})" for item, pattern in contract.ITEM_PATTERNS.items()
                                    if "^" not in pattern))
_MIN_ROWS_ON_LINE = 8  # section-三 rows named on the anchor's line: prose names a few, a table all
_WINDOW = 3000  # how far along the anchor's line they are looked for
_HEAD_WINDOW = 600  # how far before the first row a section-三 heading is looked for

# Section headings inside the line: a number and its 、 or ".", then words without digits or a
# full stop up to the heading's key word (the row "四、结转下年度继续办理" is no section-四 heading).
_APPLICATIONS_RE = re.compile(r"[三3]\s*[、.]\s*[^\d。]{0,20}?收到和处理")
_PROACTIVE_RE = re.compile(r"[二2]\s*[、.]\s*[^\d。]{0,20}?主动公开")
_REVIEW_RE = re.compile(r"[四4]\s*[、.]\s*(?:(?!结转)[^\d。]){0,30}?(?:行政复议|行政诉讼|复议)")
_END_RE = re.compile(r"[五六]\s*[、.]")
_PROACTIVE_START = contract.SECTION_ANCHORS["proactive"]

_UNIT = f"(?:{'|'.join(UNITS)})"
# A count or amount with any commas between its digits ("1,203"; "1032,5523" where separated
# numbers ran together, which then reads as no number), or a null token standing apart from the
# words around it ("—", "/" but not the one of "增/减"; "无" but not the one of "无法提供").
_CJK = "\u4e00-\u9fff"
_NULLS = "|".join(rf"{re.escape(t)}(?![{_CJK}])" if re.fullmatch(f"[{_CJK}]+", t) else re.escape(t)
                  for t in sorted(contract.NULL_TOKENS, key=len, reverse=True) if not re.fullmatch("-+", t))
_NUMBER = (rf"(?:[-+]?\d(?:[\d,]*\d)?(?:\.\d+)?{_UNIT}?"
           rf"|(?<![{_CJK}])(?:{_NULLS}|-{{1,2}}(?![\d-])))")
_NUMBER_RE = re.compile(_NUMBER)
_RUN_RE = re.compile(rf"{_NUMBER}(?:\s*{_NUMBER})*")
_PROSE_AFTER = frozenset("年月日号%")  # "2021年我局未收到…": digits of a sentence, not cells
_NUMBERING = frozenset(".、")
# Where a label stream opens a new label: a template list number (（一）, 一、, 1.).
_OPENER_RE = re.compile(r"(?=\([一二三四五六七八九十]{1,2}\))|(?=(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,2}、)"
                        r"|(?=\d[.、][^\d\s])")
_PROACTIVE_ROW_RE = re.compile(
    "(?:" + "|".join(sorted({*PROACTIVE_ROWS["2021"], *PROACTIVE_ROWS["2019"], *contract.PROACTIVE_ROW_ALIASES},
                            key=len, reverse=True)) + ")$")


def _table_anchor(text: str) -> int | None:
    """Where section 三's first row starts when the table sits inside one line: the anchor whose
    line names most of the section's rows after it. None for every other layout."""
    at = text.find(_ANCHOR)
    while at >= 0:
        end = text.find("\n", at)
        line = text[at : min(end if end >= 0 else len(text), at + _WINDOW)]
        if len({m.lastgroup for m in _FRAGMENTS_RE.finditer(line)}) >= _MIN_ROWS_ON_LINE:
            return at
        at = text.find(_ANCHOR, at + 1)
    return None


def _last(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """The last match in text[start:end]: the heading nearest before the table it heads."""
    match = None
    for match in pattern.finditer(text, max(start, 0), end):
        pass
    return match


def dump_regions(text: str) -> tuple[dict[str, str], bool] | None:
    """The text of each section's table in a dump (normalised), and whether section 三 runs to the
    end of the text; None when the text is no dump."""
    if _table_anchor(text) is None:  # looked for on the raw text first: other layouts are never normalised
        return None
    text = normalize(text)
    anchor = _table_anchor(text)
    if anchor is None:
        return None
    heading = _last(_APPLICATIONS_RE, text, anchor - _HEAD_WINDOW, anchor)
    applications = heading.start() if heading else anchor
    starts = {"applications": applications}
    proactive = _last(_PROACTIVE_RE, text, 0, applications)
    table = text.find(_PROACTIVE_START, proactive.start() if proactive else 0, applications)
    if table >= 0 or proactive:
        starts["proactive"] = table if table >= 0 else proactive.start()
    review = _REVIEW_RE.search(text, anchor)
    if review:
        starts["review_litigation"] = review.start()
    end = _END_RE.search(text, review.end() if review else anchor)
    stop = end.start() if end else len(text)
    order = sorted(starts, key=starts.get)
    regions = {name: text[starts[name] : starts[order[k + 1]] if k + 1 < len(order) else stop]
               for k, name in enumerate(order)}
    return regions, review is None and end is None


def _labels(text: str, out: list[Cell], row_suffix: bool) -> None:
    """Label cells of the words between two runs of digits, cut where a list number opens the next
    label; with `row_suffix`, a section-二 row name ending the words is a label of its own (the
    column headers run into it: "…现行有效件数规章")."""
    pieces = [piece for piece in _OPENER_RE.split(text) if piece.strip()]
    if row_suffix and pieces:
        key = label_key(pieces[-1])
        m = _PROACTIVE_ROW_RE.search(key)
        if m and m.start() > 0:
            pieces[-1:] = [key[: m.start()], m.group()]
    out += [(LABEL, label_key(piece), None) for piece in pieces]


def dump_cells(region: str, row_suffix: bool = False) -> list[Cell]:
    """Label cells, and for each run of digits its space-separated tokens as value cells followed
    by a BREAK. The last digit before "." or "、" and a word is the next label's number
    ("00000002.其他法律…"); digits before 年/月/日 belong to a sentence."""
    out: list[Cell] = []
    label_from = pos = 0
    while (m := _RUN_RE.search(region, pos)) is not None:
        start, end = m.span()
        pos = end
        if region[end : end + 1] in _PROSE_AFTER:
            continue
        if region[end : end + 1] in _NUMBERING and not region[end + 1 : end + 2].isdigit() \
                and region[end - 1].isdigit():
            end -= 1
        run = region[start:end]
        tokens = _NUMBER_RE.findall(run)
        if not tokens:
            continue
        _labels(region[label_from:start], out, row_suffix)
        out += [(VALUE, token, parse_number(token)) for token in tokens]
        out.append((BREAK, "", None))
        label_from = pos = end
    _labels(region[label_from:], out, row_suffix)
    return out


def dump_sections(text: str) -> tuple[dict[str, list[Cell]], bool] | None:
    """Cells of each table section of a dump, and whether section 三 runs to the end of the text;
    None when the text is no dump (its tables are read line by line)."""
    found = dump_regions(text)
    if found is None:
        return None
    regions, runs_to_end = found
    return {name: dump_cells(region, name == "proactive") for name, region in regions.items()}, runs_to_end
