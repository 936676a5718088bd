"""Bad input gives one clear ParseError (or a partial report with findings), never a traceback."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import contract
from pipeline.errors import DocumentError, ParseError
from pipeline.parse import parse_bytes
from tests import parse_builders as b
from tests.parse_builders import parse_text


def reason_of(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_text(text)
    assert "\n" not in info.value.message
    return info.value


@pytest.mark.parametrize("data", [b"", b"\x00\xff\xfe\x01" * 300 + bytes(range(256))])
def test_empty_and_binary_bytes_raise_a_document_error(data):
    with pytest.raises(DocumentError) as info:
        parse_bytes(data, "junk.txt")
    assert info.value.reason and "\n" not in info.value.message


def test_empty_text_is_not_a_report():
    assert reason_of("  \n\n ").reason == "not_a_report"


def test_government_work_report_is_not_a_report():
    text = "2024年宽城满族自治县人民政府工作报告\n各位代表：现在，我代表县人民政府向大会报告工作，请予审议。\n一、2023年工作回顾\n全县生产总值增长6.5%。"
    error = reason_of(text)
    assert error.reason == "not_a_report" and "政府工作报告" in error.message


def test_rule_of_law_report_is_not_a_report():
    assert reason_of("某市2023年法治政府建设年度报告\n一、主要举措\n全面推进依法行政。").reason == "not_a_report"


def test_report_without_tables_has_no_statistics_table():
    text = "某县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开信息100条。\n五、存在的主要问题及改进情况\n无。"
    assert reason_of(text).reason == "no_statistics_table"


def test_pre_2019_report_is_an_unsupported_template():
    values = b.consistent_values()
    values["year"] = 2017
    error = reason_of(b.report_text(values, "pipes"))
    assert error.reason == "unsupported_template" and "2017" in error.message and "pre-2019" in error.message


@pytest.mark.parametrize("layout", ["pipes", "tabs", "cells", "cells_pipe"])
def test_table_cut_off_mid_way_is_truncated(layout):
    text = b.report_text(b.consistent_values(), layout)
    inside_label = text.index(contract.ITEM_LABELS["unable_need_creation"]) + 4
    error = reason_of(text[:inside_label])
    assert error.reason == "truncated"
    assert error.message.startswith("table truncated at row unable_need_creation (2.没有现成信息需要另行制作)")
    inside_row = text.index("400", text.index(contract.ITEM_LABELS["unable_no_info"])) + 3
    assert reason_of(text[:inside_row]).message.startswith("table truncated at row unable_no_info")


def test_missing_section_two_gives_a_partial_report():
    values = b.consistent_values()
    report = parse_text(b.report_text(values, "pipes", sections=("三", "四")))
    assert report.applications == values["applications"] and report.proactive == {}
    assert [(f.rule, f.item) for f in report.findings] == [("missing_section", "proactive")]


def test_missing_section_four_gives_a_partial_report():
    values = b.consistent_values()
    report = parse_text(b.report_text(values, "cells", sections=("二", "三")))
    assert report.applications == values["applications"] and report.review_litigation == {}
    assert [(f.rule, f.item) for f in report.findings] == [("missing_section", "review_litigation")]


def _drop_column(values: dict, column: int) -> dict:
    for item, counts in values["applications"].items():
        values["applications"][item] = counts[:column] + counts[column + 1 :]
    return values


def test_table_missing_a_column_keeps_the_report_with_findings():
    values = _drop_column(b.consistent_values(), 5)
    report = parse_text(b.report_text(values, "pipes"))
    assert report.applications == {}
    assert {f.rule for f in report.findings} == {"column_count"}
    assert {f.item for f in report.findings} == set(values["applications"])
    assert report.review_litigation and report.proactive  # the other tables are still read


def test_extra_column_rows_are_findings_and_other_rows_stay():
    values = b.consistent_values()
    for item in ("granted", "unable_no_info"):
        values["applications"][item] = values["applications"][item] + [0]
    report = parse_text(b.report_text(values, "pipes"))
    assert {(f.rule, f.item) for f in report.findings} == {("column_count", "granted"), ("column_count", "unable_no_info")}
    assert report.applications["new_received"] == values["applications"]["new_received"]
    assert "granted" not in report.applications


def test_missing_section_two_row_is_a_finding():
    values = b.consistent_values()
    text = b.report_text(values, "pipes")
    row = next(line for line in text.splitlines() if line.startswith("行政事业性收费 |"))
    report = parse_text(text.replace(row + "\n", ""))
    assert "fees_10k_yuan" not in report.proactive and report.proactive["penalty_decisions"] == 37
    assert [(f.rule, f.item) for f in report.findings] == [("missing_row", "fees_10k_yuan")]


_TEXTS = [b.report_text(b.consistent_values(t), layout) for t in ("2021", "2019") for layout in b.LAYOUTS]


@settings(max_examples=120, deadline=None)
@given(which=st.integers(0, len(_TEXTS) - 1), cut=st.floats(0, 1), drop=st.floats(0, 1),
       insert=st.sampled_from(["", "|", "\t", "\n", "0", "12", "—", " ", "（", "三、", "\n\n"]), at=st.floats(0, 1))
def test_mutilated_text_gives_a_report_or_a_parse_error(which, cut, drop, insert, at):
    text = _TEXTS[which]
    lines = text.split("\n")
    del lines[int(drop * (len(lines) - 1))]
    text = "\n".join(lines)
    pos = int(at * len(text))
    text = (text[:pos] + insert + text[pos:])[: max(1, int(cut * len(text) * 1.2))]
    try:
        report = parse_text(text)
    except ParseError as error:
        assert error.reason in {"not_a_report", "no_statistics_table", "truncated", "unsupported_template"}
        assert "\n" not in error.message
    else:
        assert all(len(v) == 7 for v in report.applications.values())


@pytest.mark.parametrize("layout", ["pipes", "cells", "tabs"])
def test_a_column_the_header_leaves_out_is_null_and_the_rest_is_read(layout):
    values = _drop_column(b.consistent_values(), 5)  # no "其他" (other_org) column at all
    text = b.report_text(values, layout)
    header_other = {"pipes": " | 其他 |", "cells": "\n\n其他\n\n", "tabs": "\t其他\t"}[layout]
    assert text.count(header_other) == 1
    text = text.replace(header_other, {"pipes": " |", "cells": "\n\n", "tabs": "\t"}[layout])
    report = parse_text(text)
    want = {item: counts[:5] + [None] + counts[5:] for item, counts in values["applications"].items()}
    assert report.applications == want
    assert [(f.rule, f.applicant) for f in report.findings] == [("missing_column", "other_org")]
