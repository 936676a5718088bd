"""The same values, flattened every way portals flatten them, parse back exactly."""

from __future__ import annotations

import copy

import pytest

from pipeline import contract
from pipeline.extract.document import Document
from pipeline.parse import parse_document
from tests import parse_builders as b
from tests.parse_builders import parse_text


def assert_values(report, values):
    assert report.agency == values["agency"] and report.year == values["year"]
    assert report.template == values["template"] and report.published_on == values["published_on"]
    assert report.proactive == values["proactive"]
    assert report.applications == values["applications"]
    assert report.review_litigation == values["review_litigation"]


@pytest.mark.parametrize("layout", list(b.LAYOUTS))
@pytest.mark.parametrize("template", ["2021", "2019"])
def test_layout_parses_exactly(layout, template):
    values = b.consistent_values(template)
    report = parse_text(b.report_text(values, layout))
    assert_values(report, values)
    assert report.findings == []


@pytest.mark.parametrize("layout", ["pipes", "cells", "tabs"])
@pytest.mark.parametrize("separator", [",", "，"])
def test_thousands_separators_and_fullwidth_digits(layout, separator):
    values = b.consistent_values()
    text = b.fullwidth(b.report_text(values, layout, thousands=separator))
    assert "１，２００" in text or "１,２００" in text
    assert_values(parse_text(text), values)


@pytest.mark.parametrize("layout", ["pipes", "tabs", "cells", "cells_pipe", "markdown", "spaces"])
def test_blank_cells_and_null_tokens(layout):
    values = b.consistent_values()
    printed = copy.deepcopy(values)
    printed["applications"]["denied_state_secret"] = ["—", 0, "/", 0, 0, 0, "无"]
    if layout != "spaces":  # a row printed with spaces has no blank cells, only tokens
        printed["review_litigation"]["review"][0] = None  # blank first cell of the section-四 row
        printed["applications"]["unable_unclear"] = [0, None, 0, 0, 0, 0, 0]
        printed["applications"]["not_processed_duplicate"] = [0, 0, 0, 0, 0, 0, None]
        printed["applications"]["carried_over"][0] = None
    printed["review_litigation"]["litigation_after_review"] = ["-", 0, 0, 0, None if layout != "spaces" else 0]
    report = parse_text(b.report_text(printed, layout))
    want = copy.deepcopy(printed)
    want["applications"]["denied_state_secret"] = [None, 0, None, 0, 0, 0, None]
    want["review_litigation"]["litigation_after_review"][0] = None
    assert report.applications == want["applications"]
    assert report.review_litigation == want["review_litigation"]
    assert report.raw_tokens == {"denied_state_secret.natural_person": "—",
                                 "denied_state_secret.research_institution": "/",
                                 "denied_state_secret.total": "无", "litigation_after_review.upheld": "-"}


def _with_row(values: dict, item: str, counts: list[int]) -> dict:
    """Values with `item` set to `counts`, the totals and the balance kept consistent."""
    apps = values["applications"]
    delta = [c - o for c, o in zip(counts, apps[item])]
    apps[item] = counts
    for affected in ("total_processed", "new_received"):
        apps[affected] = [a + d for a, d in zip(apps[affected], delta)]
    return values


def _run_together(text: str, item: str, printed: str) -> str:
    """The pipes row of `item` with its cells replaced by `printed` (separators lost)."""
    label = contract.ITEM_LABELS[item]
    start = text.index(label + " | ")
    end = text.index("\n", start)
    return text[:start] + f"{label} | {printed} |" + text[end:]


def test_run_together_digits_with_one_split_are_recovered():
    values = _with_row(b.consistent_values(), "partially_granted", [12, 0, 3, 0, 0, 0, 15])
    # "12 0 3 0 0 0 15" extracted as "1203 | 0 | 0 | 015": of every cut into 7 numbers, only one adds up.
    text = _run_together(b.report_text(values, "pipes"), "partially_granted", "1203 | 0 | 0 | 015")
    report = parse_text(text)
    assert report.applications["partially_granted"] == [12, 0, 3, 0, 0, 0, 15]
    assert report.findings == []


def test_run_together_digits_settled_by_the_column_rules():
    values = _with_row(b.consistent_values(), "denied_third_party", [1, 10, 0, 0, 0, 0, 11])
    # "1100000 | 11" adds up as 1,10,0,0,0,0,11 and as 11,0,0,0,0,0,11; only the first keeps rule 2.
    text = _run_together(b.report_text(values, "pipes"), "denied_third_party", "1100000 | 11")
    report = parse_text(text)
    assert report.applications == values["applications"]
    assert report.findings == []


def test_ambiguous_run_together_digits_become_a_finding():
    values = _with_row(b.consistent_values(), "denied_third_party", [1, 10, 0, 0, 0, 0, 11])
    values = _with_row(values, "denied_internal_affairs", [11, 0, 0, 0, 0, 0, 11])
    text = b.report_text(values, "pipes")
    for item in ("denied_third_party", "denied_internal_affairs"):
        text = _run_together(text, item, "1100000 | 11")  # two rows in one equation: neither is settled
    text = _run_together(text, "granted", "6001000 | 601")  # no cut adds up at all
    report = parse_text(text)
    unread = {"denied_third_party", "denied_internal_affairs", "granted"}
    assert unread.isdisjoint(report.applications)
    assert {(f.rule, f.item) for f in report.findings} == {("ambiguous_row", item) for item in unread}
    assert report.applications["unable_no_info"] == values["applications"]["unable_no_info"]


def _grid(rows: b.Rows) -> list[list[str | None]]:
    """Rows placed on a grid: numbered sub-rows sit under their group's rowspan (None first),
    other single labels span both label columns (None second); short header rows are spanned."""
    width = max(map(len, rows))
    out: list[list[str | None]] = []
    for r in rows:
        placed: list[str | None] = list(r)
        if len(r) == 8:
            placed = [None, *r] if r[0][:1].isdigit() else [r[0], None, *r[1:]]
        out.append(placed + [None] * (width - len(placed)))
    return out


@pytest.mark.parametrize("arrangement", ["one_table_per_section", "one_table", "split_by_page"])
def test_grids_with_spans_parse_exactly(arrangement):
    values = b.consistent_values()
    values["applications"]["unable_unclear"] = [0, None, 0, 0, 0, 0, 0]
    proactive, applications, review = (_grid(b.proactive_rows(values)), _grid(b.application_rows(values)),
                                       _grid(b.review_rows(values)))
    tables = {
        "one_table_per_section": [proactive, applications, review],
        "one_table": [proactive + applications + review],
        "split_by_page": [proactive, applications[:12], applications[12:], review],
    }[arrangement]
    text = "\n".join([f"{values['agency']}2023年政府信息公开工作年度报告", "正文", values["agency"], "2024年1月18日"])
    report = parse_document(Document(source="t.html", source_format="html", text=text, tables=tables))
    assert_values(report, values)
    assert report.findings == []


def test_spelling_variants_windows_newlines_and_decimal_counts():
    values = b.consistent_values()
    text = b.report_text(values, "pipes")
    text = text.replace("3.其他 |", "3、其它 |").replace("（七）总计 |", "（七）合计 |")
    text = text.replace("三、本年度办理结果 | （一）予以公开 | 600 |", "三、本年度办理结果 | （一）予以公开 | 600.0 |")
    assert all(v in text for v in ("3、其它 |", "（七）合计 |", "| 600.0 |"))
    text = text.replace("\n", "\r\n")
    report = parse_text(text)
    assert report.applications == values["applications"]
    assert report.review_litigation == values["review_litigation"] and report.findings == []

    fractional = parse_text(b.report_text(values, "pipes").replace("| 1204 |", "| 1204.5 |"))
    assert fractional.applications["new_received"][6] is None
    assert fractional.raw_tokens == {"new_received.total": "1204.5"}


@pytest.mark.parametrize("layout", ["pipes", "cells"])
def test_arabic_numbered_section_headings(layout):
    values = b.consistent_values()
    text = b.report_text(values, layout)
    for chinese, arabic in (("二、", "2、"), ("三、收到", "3、收到"), ("四、政府", "4、政府"), ("五、", "5、"), ("六、", "6、")):
        assert chinese in text
        text = text.replace(chinese, arabic, 1) if chinese != "三、收到" else text.replace(chinese, arabic)
    assert_values(parse_text(text), values)


@pytest.mark.parametrize(("layout", "after"), [("pipes", " | "), ("cells", "\n\n"), ("tabs", "\t")])
def test_row_label_wrapped_into_two_cells(layout, after):
    values = b.consistent_values()
    label = contract.ITEM_LABELS["unable_no_info"]  # 1.本机关不掌握 / 相关政府信息
    text = b.report_text(values, layout)
    assert label + after.rstrip(" ") in text
    text = text.replace(label + after.rstrip(" "), label[:8] + after + label[8:] + after.rstrip(" "))
    assert parse_text(text).applications == values["applications"]


def test_units_printed_in_cells():
    values = b.consistent_values("2019")
    text = b.report_text(values, "pipes")
    procurement = next(line for line in text.splitlines() if line.startswith("政府集中采购 |"))
    text = text.replace(procurement, "政府集中采购 | 4 | 12.5万元 |")
    text = text.replace("采购总金额(万元)", "采购总金额")  # the unit is in the cell, not the header
    text = text.replace("二、上年结转政府信息公开申请数量 | 5 |", "二、上年结转政府信息公开申请数量 | 5件 |")
    assert "5件" in text and "12.5万元" in text
    report = parse_text(text)
    assert report.proactive["procurement_amount_yuan"] == 125000.0
    assert report.applications == values["applications"]


def test_section_four_drawn_one_row_per_group():
    values = b.consistent_values()
    outcomes = list(contract.OUTCOME_LABELS.values())
    review = [["", *outcomes]] + [[contract.REVIEW_GROUP_LABELS[g], *map(str, values["review_litigation"][g])]
                                  for g in contract.REVIEW_GROUPS]
    tables = [_grid(b.proactive_rows(values)), _grid(b.application_rows(values)), [["行政复议、行政诉讼情况"], *review]]
    text = f"{values['agency']}2023年政府信息公开工作年度报告\n正文"
    report = parse_document(Document(source="t.html", source_format="html", text=text, tables=tables))
    assert report.review_litigation == values["review_litigation"]


@pytest.mark.parametrize("layout", list(b.LAYOUTS))
def test_tables_found_without_section_headings(layout):
    values = b.consistent_values()
    text = b.report_text(values, layout)
    for heading in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"):
        assert heading in text
        text = text.replace(heading, "")
    assert_values(parse_text(text), values)
