"""A report's values as a layout-free document: paragraphs and template tables with real spans.

Every layout writer (text shapes, HTML, DOCX, PDF) renders this one structure, so the tables a
test parses back are the same whatever the format and only the writers differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.contract import (
    APPLICANT_LABELS,
    APPLICANTS,
    APPLICATIONS_TABLE_LABELS,
    ITEM_GROUP_LABELS,
    ITEM_LABELS,
    ITEMS,
    OUTCOME_LABELS,
    ORGANISATION_APPLICANTS,
    OUTCOMES,
    PROACTIVE_2019_LABELS,
    PROACTIVE_2021_LABELS,
    PROACTIVE_ARTICLE_LABELS,
    PROACTIVE_CONTENT_HEADER,
    REPORT_TITLE_FORMAT,
    REVIEW_GROUP_LABELS,
    REVIEW_GROUPS,
    REVIEW_LITIGATION_LABEL,
    SECTION_TITLES,
)

# Column headers a portal's narrow cells wrap before their last two characters (商业 / 企业, 尚未 / 审结).
SPLIT_HEADERS = frozenset(label for label in (*APPLICANT_LABELS.values(), *OUTCOME_LABELS.values()) if len(label) >= 4)
# A label this short in a cell spanning rows of one column is written down that narrow column:
# 自然人, and 三、本年度办理结果 over all the result rows (pingtan-104906-html).
VERTICAL_LABEL_MAX = 9
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# The template's label numbers by list level: "一、" sections, "（一）" items under them, "1." sub-items.
_CHINESE = r"([一二三四五六七八九十]+)"
NUMBER_PREFIXES: tuple[re.Pattern[str], ...] = (re.compile(_CHINESE + "、"), re.compile(f"（{_CHINESE}）"),
                                                re.compile(r"(\d{1,2})\."))


@dataclass(frozen=True)
class RenderOptions:
    """Variations real portals show; each one is something the parser must survive."""

    split_headers: bool = False  # "结果\n维持" in one cell
    fullwidth_digits: bool = False  # ０-９ in value cells
    thousands: str = ""  # separator for counts >= 1000, e.g. "," or "，"
    ruled: bool = True  # PDF: stroke the cell borders (False: a borderless table, columns by position only)
    auto_numbering: bool = False  # DOCX: headings' and row labels' "一、"/"（一）"/"1." as Word list numbers
    unnumbered_rows: bool = False  # section 三's row labels without their "一、"/"（一）"/"1." ("其他", "总计")
    # The real TRS editor pages (pingtan-*-html) and LibreOffice's DOCX/DOC saves of them:
    vertical_labels: bool = False  # a short label spanning rows of one narrow column, a character a line (自/然/人)
    label_nbsp: bool = False  # a no-break space after every label and header line ("总计&nbsp;", "商业\xa0")
    html_paragraphs: bool = False  # HTML: each line of a cell its own <p> (<p>商业</p><p>企业</p>), not <br/>
    html_blank: str = "p_nbsp"  # HTML: a blank count's markup, a key of html.BLANK_CELLS ("br": <td><br/></td>)
    # Text dumps (the "dump" layout, see render/dump.py): how the cells of the body's one line are separated.
    dump_runs: bool = False  # no separators: labels run into numbers, a row's numbers into each other
    dump_glued: bool = False  # spaced, but a row's first or last pair of numbers glued ("20 0 0 0 02")
    dump_odd_spaces: bool = False  # U+3000 and NBSP between cells too
    dump_crawler: bool = False  # crawler header lines (标题/发布时间/原文链接) and portal chrome before the body


@dataclass(frozen=True)
class Cell:
    text: str  # "\n" marks a line break inside the cell
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Table:
    rows: list[list[Cell]]
    width: int


@dataclass
class Paragraph:
    text: str
    kind: str = "body"  # title | heading | body | signature


@dataclass
class ReportDoc:
    title: str
    blocks: list[Paragraph | Table] = field(default_factory=list)


def _number(value: float | int | None, token: str | None, options: RenderOptions) -> str:
    """A count or amount as a portal prints it; a null cell blank, or its raw token ("—", "/")."""
    if value is None:
        return token or ""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    if abs(value) < 1000 or not options.thousands:
        text = text.replace(",", "")
    else:
        text = text.replace(",", options.thousands)
    return text.translate(_FULLWIDTH) if options.fullwidth_digits else text


class _Builder:
    def __init__(self, values: dict[str, Any], options: RenderOptions) -> None:
        self.values = values
        self.options = options
        self.tokens: dict[str, str] = values.get("raw_tokens") or {}

    def header(self, text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
        if self.options.split_headers and text in SPLIT_HEADERS:
            text = f"{text[:-2]}\n{text[-2:]}"
        elif self.options.vertical_labels and rowspan > 1 and colspan == 1 and len(text) <= VERTICAL_LABEL_MAX:
            text = "\n".join(text)
        if self.options.label_nbsp:
            text = "\n".join(f"{line}\xa0" for line in text.split("\n"))
        return Cell(text, rowspan, colspan, header=True)

    def row_label(self, text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
        if self.options.unnumbered_rows:
            text = next((match.string[match.end():] for pattern in NUMBER_PREFIXES if (match := pattern.match(text))),
                        text)
        return self.header(text, rowspan, colspan)

    def value(self, value: float | int | None, key: str, colspan: int = 1) -> Cell:
        return Cell(_number(value, self.tokens.get(key), self.options), 1, colspan)

    def proactive_table(self) -> Table:
        """The 2019 columns when the values hold a 2019-only field, or say 2019 and hold no 2021-only
        field (mixed reports such as seed 000 pair a 2021 section 二 with a 2019 section 三)."""
        proactive = self.values.get("proactive") or {}
        has_2019 = any(key not in PROACTIVE_2021_LABELS for key in proactive if key in PROACTIVE_2019_LABELS)
        has_2021 = any(key not in PROACTIVE_2019_LABELS for key in proactive if key in PROACTIVE_2021_LABELS)
        if has_2019 or (self.values.get("template") == "2019" and not has_2021):
            return self._proactive(proactive, PROACTIVE_2019_LABELS, _PROACTIVE_2019_BLOCKS)
        return self._proactive(proactive, PROACTIVE_2021_LABELS, _PROACTIVE_2021_BLOCKS)

    def _proactive(self, proactive: dict[str, Any], labels: dict[str, tuple[str, str]],
                   blocks: tuple[tuple[int, tuple[str, ...]], ...]) -> Table:
        """Template section 二: per article a heading row, a column-header row, one row per subject."""
        rows: list[list[Cell]] = []
        for article, fields in blocks:
            columns = list(dict.fromkeys(labels[f][1] for f in fields))
            subjects = list(dict.fromkeys(labels[f][0] for f in fields))
            spans = [1] * len(columns)
            spans[-1] += 3 - len(columns)  # the last column fills the 3 value columns of the grid
            rows.append([self.header(PROACTIVE_ARTICLE_LABELS[article], colspan=4)])
            rows.append([self.header(PROACTIVE_CONTENT_HEADER),
                         *(self.header(column, colspan=span) for column, span in zip(columns, spans))])
            for subject in subjects:
                keys = [next(f for f in fields if labels[f] == (subject, column)) for column in columns]
                rows.append([self.header(subject),
                             *(self.value(proactive.get(key), key, span) for key, span in zip(keys, spans))])
        return Table(rows, 4)

    def applications_table(self) -> Table:
        """Template section 三: 3 label columns (a cell spanning rows AND columns) + 7 applicant columns."""
        applications = self.values.get("applications") or {}
        items = [item for item in ITEMS if item in applications]
        rows: list[list[Cell]] = [
            [self.header(APPLICATIONS_TABLE_LABELS["balance_note"], rowspan=3, colspan=3),
             self.header(APPLICATIONS_TABLE_LABELS["applicants"], colspan=7)],
            [self.header(APPLICANT_LABELS["natural_person"], rowspan=2),
             self.header(APPLICATIONS_TABLE_LABELS["organisations"], colspan=5),
             self.header(APPLICANT_LABELS["total"], rowspan=2)],
            [self.header(APPLICANT_LABELS[applicant]) for applicant in ORGANISATION_APPLICANTS],
        ]
        results = [item for item in items if item not in _FULL_WIDTH_ITEMS]
        groups = {group: [item for item in results if item.startswith(group + "_") and item != "other_processed"]
                  for group in ITEM_GROUP_LABELS}
        for item in items:
            counts = applications.get(item) or [None] * len(APPLICANTS)
            values = [self.value(count, f"{item}.{applicant}") for count, applicant in zip(counts, APPLICANTS)]
            label = APPLICATIONS_TABLE_LABELS.get(item, ITEM_LABELS[item])
            if item in _FULL_WIDTH_ITEMS:
                rows.append([self.row_label(label, colspan=3), *values])
                continue
            lead: list[Cell] = []
            if item == results[0]:
                lead.append(self.row_label(APPLICATIONS_TABLE_LABELS["results"], rowspan=len(results)))
            group = next((g for g, members in groups.items() if item in members), None)
            if group is None:
                rows.append([*lead, self.row_label(label, colspan=2), *values])
                continue
            if item == groups[group][0]:
                lead.append(self.row_label(ITEM_GROUP_LABELS[group], rowspan=len(groups[group])))
            rows.append([*lead, self.row_label(label), *values])
        return Table(rows, 10)

    def review_table(self) -> Table:
        """Template section 四: two header rows of groups, one of outcomes, one row of 15 counts."""
        review = self.values.get("review_litigation") or {}
        outcome_labels = [OUTCOME_LABELS[o] for o in OUTCOMES]
        rows = [
            [self.header(REVIEW_GROUP_LABELS["review"], colspan=5), self.header(REVIEW_LITIGATION_LABEL, colspan=10)],
            [*(self.header(text, rowspan=2) for text in outcome_labels),
             self.header(REVIEW_GROUP_LABELS["litigation_direct"], colspan=5),
             self.header(REVIEW_GROUP_LABELS["litigation_after_review"], colspan=5)],
            [self.header(text) for _ in range(2) for text in outcome_labels],
            [self.value(count, f"{group}.{outcome}")
             for group in REVIEW_GROUPS
             for count, outcome in zip(review.get(group) or [None] * len(OUTCOMES), OUTCOMES)],
        ]
        return Table(rows, 15)


# Rows whose label spans all three label columns; every other row is a 办理结果.
_FULL_WIDTH_ITEMS = ("new_received", "carried_over", "carried_forward")
# Section 二 blocks: (article item number, its fields in print order).
_PROACTIVE_2021_BLOCKS = (
    (1, ("rules_issued", "rules_repealed", "rules_in_force", "normative_issued", "normative_repealed",
         "normative_in_force")),
    (5, ("licensing_decisions",)),
    (6, ("penalty_decisions", "compulsion_decisions")),
    (8, ("fees_10k_yuan",)),
)
_PROACTIVE_2019_BLOCKS = (
    (1, ("rules_new_made", "rules_new_published", "rules_total_published", "normative_new_made",
         "normative_new_published", "normative_total_published")),
    (5, ("licensing_prev_items", "licensing_change", "licensing_decisions", "other_services_prev_items",
         "other_services_change", "other_services_decisions")),
    (6, ("penalty_prev_items", "penalty_change", "penalty_decisions", "compulsion_prev_items", "compulsion_change",
         "compulsion_decisions")),
    (8, ("fees_prev_items", "fees_change")),
    (9, ("procurement_items", "procurement_amount_yuan")),
)


def _signature(values: dict[str, Any]) -> list[Paragraph]:
    """The agency and, when the values carry one, the date (no invented date: it must parse back)."""
    lines = [Paragraph(values["agency"], "signature")]
    if published := values.get("published_on"):
        year, month, day = (int(part) for part in str(published)[:10].split("-"))
        lines.append(Paragraph(f"{year}年{month}月{day}日", "signature"))
    return lines


def build_report(values: dict[str, Any], options: RenderOptions | None = None) -> ReportDoc:
    """The full report: title, preamble with the statistics period, sections 一…六, signature."""
    options = options or RenderOptions()
    builder = _Builder(values, options)
    agency, year = values["agency"], int(values["year"])
    applications = values.get("applications") or {}
    received = (applications.get("new_received") or [None] * 7)[-1]
    received_text = f"{received}件" if received is not None else "若干件"
    p = Paragraph
    blocks: list[Paragraph | Table] = [
        p(f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
          f"要求，由{agency}编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议"
          f"和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告中所列数据的统计期限自{year}年1月1日起至"
          f"{year}年12月31日止。如对本报告有疑问，请与{agency}联系。"),
        p(SECTION_TITLES["overview"], "heading"),
        p(f"{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《条例》，围绕中心工作，"
          f"扎实推进政府信息公开工作，不断提升政务公开质量和实效。"),
        p("（一）主动公开", "heading"),
        p(f"坚持以公开为常态、不公开为例外，通过政府门户网站、政务新媒体和政务公开专栏主动公开政府信息，"
          f"重点公开政策文件、财政预决算、重大项目和民生领域信息。"),
        p("（二）依申请公开", "heading"),
        p(f"严格执行依申请公开办理流程，{year}年共收到政府信息公开申请{received_text}，均在法定期限内答复。"),
        p("（三）政府信息管理", "heading"),
        p("落实公开属性源头认定和保密审查制度，做好政府信息的动态调整和更新维护。"),
        p("（四）政府信息公开平台建设", "heading"),
        p("加强政府网站政府信息公开专栏建设，优化栏目设置，确保信息发布及时、准确、规范。"),
        p("（五）监督保障", "heading"),
        p("将政务公开工作纳入年度绩效考核，组织开展业务培训，持续强化监督检查。"),
        p(SECTION_TITLES["proactive"], "heading"),
        builder.proactive_table(),
        p(SECTION_TITLES["applications"], "heading"),
        builder.applications_table(),
        p(SECTION_TITLES["review_litigation"], "heading"),
        builder.review_table(),
        p(SECTION_TITLES["problems"], "heading"),
        p("政府信息公开工作仍存在公开内容不够全面、政策解读形式较为单一等问题。下一步将健全工作机制，"
          "拓展公开渠道，提升政策解读质量，推动政务公开工作再上新台阶。"),
        p(SECTION_TITLES["other_matters"], "heading"),
        p("依据《政府信息公开信息处理费管理办法》，本年度未收取信息处理费。本年度无其他需要报告的事项。"),
        *_signature(values),
    ]
    title = REPORT_TITLE_FORMAT.format(agency=agency, year=year)
    return ReportDoc(title, [p(title, "title"), *blocks])
