"""Converter-made markdown and text whose tables broke (PDF/OCR/LLM → markdown; corpus cases
shuyang-2025 and sh-stcsm-2024): per-row tables with invented headers, headers out of place, loose
wrapped label text, value rows without a label. Rows are read by their own labels; an unlabelled
row only where the template order leaves it exactly one place and it adds up; the rest is null
with a finding, never a guess.

The texts are built here, independently of `pipeline.render` (whose converted layouts the
round-trip and property tests cover).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import contract
from pipeline.parse import parse_bytes
from pipeline.parse.metadata import read_metadata
from pipeline.render import EXTENSIONS, render_report
from pipeline.render.markdown import CONVERTED_LAYOUTS
from tests.parse_builders import parse_text
from tests.test_property import options, report_values

AGENCY = "测试县人民政府"
INVENTED = ["类别", *(f"数据{n}" for n in range(1, 7)), "总计"]
ITEMS_2021 = [i for i in contract.ITEMS if i not in contract.ITEMS_2019_ONLY]
ITEMS_2019 = [i for i in contract.ITEMS if i not in contract.ITEMS_2021_ONLY]


def distinct_values(items: list[str]) -> dict[str, list[int]]:
    """Section 三 counts that add up, every result row different (a row put in another's place
    would read as a wrong number)."""
    results = [i for i in items if i in contract.RESULT_ITEMS]
    apps = {item: [k + 1, k % 2, 0, 0, 0, 0, k + 1 + k % 2] for k, item in enumerate(results)}
    apps["total_processed"] = [sum(apps[i][c] for i in results) for c in range(7)]
    apps["carried_forward"] = [3, 0, 0, 0, 1, 0, 4]
    apps["carried_over"] = [2, 1, 0, 0, 0, 0, 3]
    apps["new_received"] = [apps["total_processed"][c] + apps["carried_forward"][c] - apps["carried_over"][c]
                            for c in range(7)]
    return {item: apps[item] for item in items}


def line(cells: list) -> str:
    return "| " + " | ".join("" if c is None else str(c) for c in cells) + " |"


def table(header: list[str] | None, rows: list[list]) -> list[str]:
    """A markdown table; without a header its first row is taken as one (as converters do)."""
    first, rest = (header, rows) if header else (rows[0], rows[1:])
    return ["", line(first), "|" + "---|" * len(first), *map(line, rest), ""]


def document(section_three: list[str]) -> str:
    """A converter's report around the given section-三 lines: headings, section 四 per group."""
    review = ["", "## 四、政府信息公开行政复议、行政诉讼情况"]
    for group, counts in (("行政复议", [2, 1, 0, 1, 4]), ("行政诉讼（未经复议直接起诉）", [1, 0, 0, 0, 1]),
                          ("行政诉讼（复议后起诉）", [0, 0, 0, 0, 0])):
        review += [f"### {group}", *table(list(contract.OUTCOME_LABELS.values()), [counts])]
    return "\n".join([f"# {AGENCY} 2023 年 政府信息公开工作年度报告", "",
                      "本报告所列数据的统计期限从2023年1月1日至2023年12月31日止。", "",
                      "## 三、收到和处理政府信息公开申请情况", "", *section_three, *review,
                      "", "## 五、存在的主要问题及改进情况", "", "无。", "", AGENCY, "2024年1月18日", ""])


def per_row_tables(values: dict[str, list[int]]) -> list[str]:
    """Section 三 as one table per row under a heading repeating its label, invented headers."""
    lines: list[str] = []
    for item, counts in values.items():
        label = contract.ITEM_LABELS[item]
        lines += [f"### {label}", *table(INVENTED, [[label, *counts]])]
    return lines


def shattered(values: dict[str, list[int]], loose: set[str]) -> list[str]:
    """Section 三 as a converter reads a PDF: the `loose` rows' labels as loose lines of text
    (wrapped), their numbers in rows of their own; every other row labelled."""
    lines = ["申请人情况", "自然人总计", "商业企科研机社会公法律服", *table(["业", "构", "益组织", "务机构", "", "", "", ""], [])]
    for item, counts in values.items():
        label = contract.ITEM_LABELS[item]
        if item in loose:
            lines += [label[:8], label[8:], line(counts), "|" + "---|" * 7]
        else:
            lines += [line([label, *counts])]
    return lines


def section_three_findings(report) -> list:
    """The findings about section 三 (these documents have no section 二: that finding is expected)."""
    return [f for f in report.findings if f.item != "proactive"]


def unread(report) -> set[str]:
    return {item for item, counts in report.applications.items() if None in counts} | (
        set(ITEMS_2021) - set(report.applications))


def assert_no_wrong_cell(report, values: dict[str, list[int]]) -> None:
    for item, counts in report.applications.items():
        for got, want in zip(counts, values[item]):
            assert got is None or got == want, item


def test_per_row_tables_with_invented_headers_read_every_row():
    values = distinct_values(ITEMS_2021)
    report = parse_text(document(per_row_tables(values)))
    assert report.applications == values
    assert section_three_findings(report) == []


def test_a_header_out_of_place_is_not_a_row():
    """Converters put a header made of other rows' names (本年新收…, 予以公开, 结转下年度) over the last
    rows: its words name items, yet it holds no number and is no row."""
    values = distinct_values(ITEMS_2021)
    misplaced = ["项目", "本年新收件数", "上年结转件数", "予以公开", "部分公开", "不予公开", "结转下年度", "总计"]
    tail = ITEMS_2021[-4:]
    lines = per_row_tables({i: v for i, v in values.items() if i not in tail})
    lines += table(misplaced, [[contract.ITEM_LABELS[i], *values[i]] for i in tail])
    report = parse_text(document(lines))
    assert report.applications == values
    assert section_three_findings(report) == []


def test_placeholder_tables_of_dashes_do_not_name_the_columns():
    """Empty applicant-header tables ('| 商业企业 | … | 其他 |' over '| - | … |') name five columns;
    the rows are read in the seven columns of the table that holds them."""
    values = distinct_values(ITEMS_2021)
    names = [contract.APPLICANT_LABELS[a] for a in contract.ORGANISATION_APPLICANTS]
    lines = ["### 申请人情况", *table(names, [["-"] * 5]), *per_row_tables(values)]
    report = parse_text(document(lines))
    assert report.applications == values
    assert not [f for f in report.findings if f.rule == "missing_column"]


def test_a_header_table_of_its_own_names_the_columns():
    """A header cut off into a table of its own right above the rows still names the columns: a
    table printed without "其他" is read in six columns, that one null with a finding."""
    values = distinct_values(ITEMS_2021)
    six = [a for a in contract.APPLICANTS if a != "other_org"]
    header = ["项目", *(contract.APPLICANT_LABELS[a] for a in six)]
    rows = [[contract.ITEM_LABELS[i], *(v for a, v in zip(contract.APPLICANTS, c) if a != "other_org")]
            for i, c in values.items()]
    report = parse_text(document([*table(header, []), *table(None, rows[:12]), *table(None, rows[12:])]))
    assert report.applications == {i: [*c[:5], None, c[6]] for i, c in values.items()}
    assert [f.applicant for f in report.findings if f.rule == "missing_column"] == ["other_org"]


def test_unlabelled_rows_take_the_one_place_the_template_leaves():
    """sh-stcsm-2024's shape: wrapped labels pulled out as loose text (and the loose line right
    above a row is another row's label), their numbers left unlabelled; placed by template order."""
    values = distinct_values(ITEMS_2021)
    loose = {"partially_granted", "denied_law_prohibited", "denied_internal_affairs", "unable_no_info",
             "unable_need_creation", "unable_unclear", "not_processed_excessive", "not_processed_confirm",
             "other_no_correction", "other_unpaid_fee"}
    lines = shattered(values, loose)
    # the loose label of the next wrapped row printed above this row's numbers, as in the PDF
    at = lines.index(line(values["denied_internal_affairs"]))
    lines.insert(at, contract.ITEM_LABELS["unable_no_info"])
    report = parse_text(document(lines))
    assert report.applications == values
    assert section_three_findings(report) == []


@pytest.mark.parametrize(("cells", "read"), [
    (lambda counts: ["", *counts], True),  # the label column left empty: the seven counts
    (lambda counts: [*counts, "", ""], True),  # a wider table's padding
    (lambda counts: ["", *counts[:6], ""], False),  # label column or blank total: not sure
])
def test_empty_cells_past_the_template_width(cells, read):
    values = distinct_values(ITEMS_2021)
    lines = shattered(values, {"denied_internal_affairs"})
    counts = values["denied_internal_affairs"]
    lines[lines.index(line(counts))] = line(cells(counts))
    report = parse_text(document(lines))
    assert_no_wrong_cell(report, values)
    assert (report.applications.get("denied_internal_affairs") == counts) is read


def test_an_unlabelled_row_without_a_sure_place_stays_null():
    """One of three unlabelled rows lost: three template rows, two rows of numbers. Which two they
    are is not sure, so all three are null with findings; the labelled rows are still read."""
    values = distinct_values(ITEMS_2021)
    unable = {"unable_no_info", "unable_need_creation", "unable_unclear"}
    lines = shattered(values, unable)
    del lines[lines.index(line(values["unable_need_creation"]))]
    report = parse_text(document(lines))
    assert_no_wrong_cell(report, values)
    assert unread(report) == unable
    assert {f.item for f in report.findings if f.rule == "missing_row"} == unable
    assert all(report.applications[i] == values[i] for i in set(values) - unable)


def test_an_unlabelled_row_that_does_not_add_up_is_not_placed():
    values = distinct_values(ITEMS_2021)
    broken = dict(values, denied_internal_affairs=[5, 0, 0, 0, 0, 0, 9])
    report = parse_text(document(shattered(broken, {"denied_internal_affairs"})))
    assert "denied_internal_affairs" in unread(report)
    assert [f.item for f in report.findings if f.rule == "missing_row"] == ["denied_internal_affairs"]
    assert_no_wrong_cell(report, values)


def test_labelled_rows_out_of_template_order_place_no_unlabelled_row():
    """Rows out of place: the labels still name their rows, but the order no longer tells where a
    row without a label belongs."""
    values = distinct_values(ITEMS_2021)
    lines = shattered(values, {"unable_need_creation"})
    a, b = (lines.index(line([contract.ITEM_LABELS[i], *values[i]])) for i in ("granted", "denied_state_secret"))
    lines[a], lines[b] = lines[b], lines[a]
    report = parse_text(document(lines))
    assert unread(report) == {"unable_need_creation"}
    assert report.applications["granted"] == values["granted"]
    assert_no_wrong_cell(report, values)


@pytest.mark.parametrize(("template", "items"), [("2021", ITEMS_2021), ("2019", ITEMS_2019)])
def test_the_template_variant_follows_from_the_count_of_unlabelled_rows(template, items):
    """No labelled row tells the variant where every (六) row is unlabelled: three rows there can
    only be the 2021 sub-rows, one only the 2019 (六)其他处理."""
    values = distinct_values(items)
    six = {"other_no_correction", "other_unpaid_fee", "other_other", "other_processed"} & set(items)
    report = parse_text(document(shattered(values, six)))
    assert report.applications == values


def test_bare_labels_must_agree_with_the_place():
    """A row labelled only '其他' is the (六)3 row; placed where the template says another row
    goes, it is not read."""
    values = distinct_values(ITEMS_2021)
    lines = shattered(values, {"other_unpaid_fee", "other_other"})
    at = lines.index(line(values["other_unpaid_fee"]))
    lines[at] = line(["其他", *values["other_unpaid_fee"]])
    report = parse_text(document(lines))
    assert {"other_unpaid_fee", "other_other"} <= unread(report)
    assert_no_wrong_cell(report, values)


def test_markdown_heading_title_with_spaced_year():
    meta = read_metadata(f"# {AGENCY} 2025 年 政府信息公开工作年度报告\n\n正文")
    assert (meta.year, meta.agency, meta.title_found) == (2025, AGENCY, True)


def test_year_first_title_wrapped_over_lines():
    """'2024 年上海市科委政府信息公开工作' / '年度报告': the year; the words between are the agency
    where they are a place's well-known short department name (expanded), or where the signature
    or the preamble names the same body."""
    meta = read_metadata("正文\n2024 年上海市科委政府信息公开工作\n年度报告\n根据《条例》，市科委编制了 2024 年度报告。\n")
    assert (meta.year, meta.agency, meta.title_found) == (2024, "上海市科学技术委员会", True)
    unknown = read_metadata("正文\n2024 年上海市某某办政府信息公开工作\n年度报告\n根据《条例》，编制了 2024 年度报告。\n")
    assert (unknown.year, unknown.agency) == (2024, None)
    signed = read_metadata(f"2023 年{AGENCY[:5]}\n{AGENCY[5:]}政府信息公开工作年度报告\n正文\n{AGENCY}\n2024年1月18日\n")
    assert (signed.year, signed.agency) == (2023, AGENCY)
    assert read_metadata("正文\n经研究，2024 年上海市科委政府信息公开工作\n年度报告\n").year is None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=report_values(), layout=st.sampled_from(CONVERTED_LAYOUTS), render_options=options)
def test_random_reports_in_converted_layouts_never_read_a_wrong_number(values, layout, render_options):
    """Any valid report in the converter layouts reads back exactly, or a cell is null with a
    finding naming its row; never another number."""
    report = parse_bytes(render_report(values, layout, render_options),
                         source=f"http://demo.example.gov.cn/ndbg/r{EXTENSIONS[layout]}")
    flagged = {f.item for f in report.findings}
    for item, counts in values["applications"].items():
        got = report.applications.get(item, [None] * len(counts))
        assert all(g is None or g == want for g, want in zip(got, counts)), item
        assert got == counts or item in flagged, item
    assert (report.year, report.agency, report.review_litigation) == (
        values["year"], values["agency"], values["review_litigation"])
