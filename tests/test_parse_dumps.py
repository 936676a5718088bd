"""Crawler and `get_text()` text dumps: the whole body on one line, the tables' cells run together.

Each sub-class the corpus's pingtan-* dumps show gets a test here on a dump written the way those
pages come out (the corpus test reads the real ones): sections inside the line, labels running
into digits, rows whose digits run together, partly spaced rows with a glued first or last cell,
U+3000 and NBSP, split header words, missing cells, reports breaking their own rules.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import contract
from pipeline.parse import parse_bytes
from pipeline.parse.dump import dump_regions
from pipeline.render import RenderOptions, render_report
from tests.parse_builders import parse_text
from tests.test_property import assert_exact_or_flagged, report_values

ZEROS = "0000000"
_GROUP_OF = {"denied_state_secret": "denied", "unable_no_info": "unable", "not_processed_petition": "not_processed",
             "other_no_correction": "other"}
_ITEMS_2021 = [item for item in contract.ITEMS if item not in contract.ITEMS_2019_ONLY]
_ITEMS_2019 = [item for item in contract.ITEMS if item not in contract.ITEMS_2021_ONLY]
TITLE = "平潭综合实验区农业农村局2023年政府信息公开工作年度报告"
PROACTIVE_2021 = ("第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件001"
                  "第二十条第（五）项信息内容本年处理决定数量行政许可0第二十条第（六）项信息内容本年处理决定数量"
                  "行政处罚0行政强制0第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0")
PROACTIVE_2019 = ("第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章 0 0\u30000规范性文件 002"
                  "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可\u300013\u30000\u30000"
                  "其他对外管理服务事项\u30000\u30000\u30000第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量"
                  "行政处罚11910305行政强制1-10第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费\u30000\xa00"
                  "第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购2273680元")
HEADER = ("三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
          "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他")
REVIEW_HEADER = ("四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉"
                 "复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计")


def dump(runs: dict[str, str] | None = None, review: str = "0" * 15, template: str = "2021",
         header: str = HEADER, crawler: bool = True) -> str:
    """A dump as the archive crawler writes one: header lines, then the body on one line, chrome
    first; each row's label followed by its run (`runs`, default seven zeros)."""
    runs = runs or {}
    body = [f"当前位置： 首页政务公开政府信息公开年报 {TITLE} 来源： 时间：2024-01-31 09:12 --> 微信 微博 QQ空间 相关链接："
            " 一、总体情况 2023年，我局共收到政府信息公开申请7份，办理行政许可782件。二、主动公开政府信息情况",
            PROACTIVE_2021 if template == "2021" else PROACTIVE_2019, header]
    for item in _ITEMS_2021 if template == "2021" else _ITEMS_2019:
        if item == "granted":
            body.append("三、本年度办理结果")
        if item in _GROUP_OF:
            body.append(contract.ITEM_GROUP_LABELS[_GROUP_OF[item]])
        body.append(contract.ITEM_LABELS[item] + runs.get(item, ZEROS))
    body += [REVIEW_HEADER, review, "五、存在的主要问题及改进情况 一是公开深度不够。六、其他需要报告的事项 无。"
             " 平潭综合实验区农业农村局 2024年1月30日 附件下载"]
    lines = [f"标题: {TITLE}", "发布时间: 2024-01-31 09:12", "文号: ", "发布机构: 区农业农村局", "栏目: 政府信息公开年报",
             "原文链接: https://www.example.gov.cn/zwgk/t20240131_86759.htm", f"{'=' * 20} 正文 {'=' * 20}"]
    return "\n".join([*lines, "".join(body)] if crawler else [TITLE, "".join(body)]) + "\n"


def rules(report) -> set[str]:
    return {finding.rule for finding in report.findings}


def test_sections_and_rows_are_found_inside_one_line():
    report = parse_text(dump({"new_received": "1000001", "granted": "1000001"}))
    assert report.applications["new_received"] == [1, 0, 0, 0, 0, 0, 1]
    assert report.applications["granted"] == [1, 0, 0, 0, 0, 0, 1]
    assert report.applications["carried_forward"] == [0] * 7
    assert set(report.applications) == set(_ITEMS_2021)
    assert report.review_litigation == {group: [0] * 5 for group in contract.REVIEW_GROUPS}
    assert report.proactive["normative_in_force"] == 1 and report.proactive["licensing_decisions"] == 0
    assert report.findings == []


def test_metadata_from_the_crawler_header_lines():
    report = parse_text(dump())
    assert (report.agency, report.year, report.published_on) == ("平潭综合实验区农业农村局", 2023, "2024-01-31")
    assert report.template == "2021"


def test_the_crawler_publisher_names_the_agency_a_title_lacks():
    text = dump().replace(f"标题: {TITLE}", "标题: 2023年政府信息公开工作年度报告").replace(f" {TITLE} ", " 年度报告 ")
    text = text.replace(" 平潭综合实验区农业农村局 2024年1月30日", "")
    assert parse_text(text).agency == "区农业农村局"
    assert parse_text(text.replace("发布机构: 区农业农村局", "发布机构: ")).agency is None


def test_a_sub_row_number_glued_to_the_digits_before_it_opens_the_next_label():
    """"…国家秘密00000002.其他法律…": the 2 is the next row's number, not a count."""
    report = parse_text(dump({"denied_state_secret": "2000002", "denied_law_prohibited": "0000000",
                              "new_received": "2000002", "total_processed": "2000002"}))
    assert report.applications["denied_state_secret"] == [2, 0, 0, 0, 0, 0, 2]
    assert report.applications["denied_law_prohibited"] == [0] * 7


def test_run_together_digits_with_one_cut_that_adds_up():
    """Nine digits in seven cells: 320000032 only cuts as 32,0,0,0,0,0,32."""
    runs = {"new_received": "320000032", "granted": "320000032", "total_processed": "320000032"}
    report = parse_text(dump(runs))
    assert report.applications["new_received"] == [32, 0, 0, 0, 0, 0, 32]
    assert report.findings == []


def test_partly_spaced_rows_with_a_glued_first_or_last_cell():
    runs = {"new_received": "10 0 0 012", "granted": "10 0 0 01 2", "total_processed": " 1 0 0 0 0 1 2",
            "carried_over": "0 0 0 0 0 00"}
    report = parse_text(dump(runs))
    for item in ("new_received", "granted", "total_processed"):
        assert report.applications[item] == [1, 0, 0, 0, 0, 1, 2], item
    assert report.applications["carried_over"] == [0] * 7


def test_u3000_and_nbsp_between_cells_and_a_negative_change():
    proactive = parse_text(dump(template="2019")).proactive
    row = lambda subject: [proactive[f] for f in proactive if f.startswith(subject)]  # noqa: E731
    assert row("rules_") == [0, 0, 0]  # "规章 0 0\u30000"
    assert row("licensing_") == [13, 0, 0]  # "\u300013\u30000\u30000"
    assert row("compulsion_") == [1, -1, 0]  # "1-10": the sign opens the second cell
    assert proactive["normative_total_published"] == 2  # "002": the only cut
    assert row("fees_") == [0, 0]  # "\u30000\xa00"


def test_null_tokens_between_spaced_cells_are_null_cells():
    runs = {"carried_over": " — 0 0 0 0 0 0", "unable_unclear": " 0 无 0 0 0 0 0", "unable_need_creation": "0 0 / 0 0 00"}
    report = parse_text(dump(runs))
    assert report.applications["carried_over"] == [None, 0, 0, 0, 0, 0, 0]
    assert report.raw_tokens["carried_over.natural_person"] == "—"
    assert report.applications["unable_unclear"] == [0, None, 0, 0, 0, 0, 0]
    assert "unable_need_creation" not in report.applications  # a null token among glued cells: not cut


def test_section_two_rows_with_several_cuts_are_null_with_a_finding():
    report = parse_text(dump(template="2019"))
    assert report.template == "2019" and "other_processed" in report.applications
    for field in ("penalty_prev_items", "penalty_change", "procurement_items", "procurement_amount_yuan"):
        assert field not in report.proactive, field
    unread = {f.item for f in report.findings if f.rule == "ambiguous_row"}
    assert {"行政处罚", "政府集中采购"} <= unread


def test_header_words_split_by_spaces():
    header = HEADER.replace("商业企业", "商业 企业").replace("科研机构", "科研 机构").replace("社会公益组织", "社会 公益 组织")
    runs = {"new_received": " 1100002", "granted": " 1100002", "total_processed": " 1100002"}
    report = parse_text(dump(runs, header=header, review=" 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"))
    assert report.applications["new_received"] == [1, 1, 0, 0, 0, 0, 2]
    assert report.review_litigation["review"] == [0] * 5


def test_a_row_with_several_cuts_is_settled_by_the_column_rules():
    """"1100000 11" cuts as 11,0,…,11 and as 1,10,…,11; rule 2 (total_processed = the results)
    leaves one."""
    runs = {"new_received": "11 0 0 0 0 0 11", "granted": "1100000 11", "total_processed": "11 0 0 0 0 0 11"}
    report = parse_text(dump(runs))
    assert report.applications["granted"] == [11, 0, 0, 0, 0, 0, 11]
    assert report.findings == []
    alone = parse_text(dump({"new_received": "11 0 0 0 0 0 11", "granted": "1100000 11"}))  # the columns fail
    assert "granted" not in alone.applications


def test_a_cut_that_adds_up_is_read_only_where_the_column_rules_check_it():
    """"120000012" cuts many ways and one adds up (12,0,0,0,0,0,12); a cut can add up by chance
    (a blank cell vanished from the digits), so it is read only where every column's rule checks
    it (found by the property test)."""
    runs = {"new_received": "120000012", "granted": "120000012", "total_processed": "12 0 0 0 0 0 12"}
    checked = parse_text(dump(runs))
    assert checked.applications["granted"] == checked.applications["new_received"] == [12, 0, 0, 0, 0, 0, 12]
    unchecked = parse_text(dump({**runs, "total_processed": ""}))
    assert "granted" not in unchecked.applications and "new_received" not in unchecked.applications


def test_rows_the_column_rules_cannot_settle_stay_null():
    """Two result rows that both cut two ways (11,0 or 1,10), and columns that both crossed
    pairings satisfy (11 + 1 = 12 and 0 + 10 = 10, or 1 + 11 and 10 + 0)."""
    runs = {"new_received": "12 10 0 0 0 0 22", "total_processed": "12 10 0 0 0 0 22",
            "granted": "1100000 11", "partially_granted": "1100000 11"}
    report = parse_text(dump(runs))
    assert "granted" not in report.applications and "partially_granted" not in report.applications
    assert {f.item for f in report.findings if f.rule == "ambiguous_row"} == {"granted", "partially_granted"}


def test_a_report_that_breaks_its_own_rules_is_read_where_the_cut_is_unique():
    """The (七)总计 row printed as zeros while two applications were granted (rules 1 and 2 fail):
    the rows with one cut are read as printed; a row that would need the columns stays null."""
    runs = {"new_received": "10 0 0 012", "granted": "10 0 0 01 2", "partially_granted": "1100000 11"}
    report = parse_text(dump(runs))
    assert report.applications["granted"] == [1, 0, 0, 0, 0, 1, 2]
    assert report.applications["total_processed"] == [0] * 7
    assert "partially_granted" not in report.applications
    assert "ambiguous_row" in rules(report)


def test_the_only_cut_breaking_the_row_rule_is_read_when_the_columns_hold():
    """"6100000" (the row's total shifted into the next row): rules 1 and 2 still hold, so it
    is read as printed; the validator then reports rule 3."""
    runs = {"new_received": "6100000", "carried_over": "0000007", "granted": "6000006", "partially_granted": "0100001",
            "total_processed": "6100007"}
    report = parse_text(dump(runs))
    assert report.applications["new_received"] == [6, 1, 0, 0, 0, 0, 0]
    assert report.applications["carried_over"] == [0, 0, 0, 0, 0, 0, 7]


def test_the_only_cut_breaking_the_row_rule_stays_null_when_the_columns_fail():
    runs = {"new_received": "6100000", "granted": "6000006", "partially_granted": "0100001",
            "total_processed": "6100007"}
    report = parse_text(dump(runs))
    assert "new_received" not in report.applications
    assert "ambiguous_row" in rules(report)


def test_a_missing_cell_is_never_placed():
    """Six digits for seven cells: a blank cell vanished, and nothing says which one."""
    report = parse_text(dump({"carried_forward": "000000", "other_unpaid_fee": "", "other_other": ""}))
    for item in ("carried_forward", "other_unpaid_fee", "other_other"):
        assert item not in report.applications, item
    assert {f.item for f in report.findings if f.rule == "ambiguous_row"} == {
        "carried_forward", "other_unpaid_fee", "other_other"}


def test_section_four_is_cut_by_its_group_totals():
    report = parse_text(dump(review=" 01 0 1 20 0 0 0 0 0 0 0 00"))
    assert report.review_litigation == {"review": [0, 1, 0, 1, 2], "litigation_direct": [0] * 5,
                                        "litigation_after_review": [0] * 5}
    broken = parse_text(dump(review="00202000001324015"))  # 13+2+4+0 != 15: no cut adds up
    assert broken.review_litigation == {} and "ambiguous_row" in rules(broken)


def test_mixed_rendering_2019_section_two_with_the_2021_rows_is_a_2021_report():
    text = dump().replace(PROACTIVE_2021, PROACTIVE_2019.replace("政府集中采购2273680元", ""))
    report = parse_text(text)
    assert report.template == "2021"
    assert report.proactive["licensing_prev_items"] == 13  # the 2019 columns are read as printed


def test_a_dump_without_crawler_lines_takes_its_title_from_the_first_line():
    report = parse_text(dump({"new_received": "1000001", "granted": "1000001"}, crawler=False))
    assert (report.agency, report.year) == ("平潭综合实验区农业农村局", 2023)
    assert report.applications["new_received"] == [1, 0, 0, 0, 0, 0, 1]


def test_a_thousands_separator_inside_run_together_digits_is_no_cut():
    """A comma left between run-together numbers ("1032,5523") reads as no number, so the row is
    not cut from the digits before it (found by the property test)."""
    report = parse_text(dump({"granted": "1032,55231"}))
    assert "granted" not in report.applications and "ambiguous_row" in rules(report)


def test_line_based_layouts_are_no_dumps():
    """Prose naming the rows in one sentence is no table on one line; rendered layouts with a row
    per line are read line by line."""
    values = {"agency": "某县人民政府", "year": 2023, "template": "2021", "published_on": None,
              "proactive": {}, "applications": {item: [0] * 7 for item in _ITEMS_2021}, "review_litigation": {}}
    for layout in ("pipes", "tabs", "cells", "markdown"):
        assert dump_regions(render_report(values, layout).decode("utf-8")) is None, layout
    prose = "本年新收申请3件，上年结转1件，予以公开2件，部分公开1件。\n"
    assert dump_regions(prose + render_report(values, "pipes").decode("utf-8")) is None


dump_options = st.builds(RenderOptions, split_headers=st.booleans(), fullwidth_digits=st.booleans(),
                         thousands=st.sampled_from(("", ",", "，")), unnumbered_rows=st.booleans(),
                         dump_runs=st.booleans(), dump_glued=st.booleans(), dump_odd_spaces=st.booleans(),
                         dump_crawler=st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=report_values(), options=dump_options)
def test_rendered_dumps_parse_back_exactly_or_with_nulls_and_findings(values, options):
    report = parse_bytes(render_report(values, "dump", options), source="http://demo.example.gov.cn/ndbg/r.txt")
    assert (report.agency, report.year, report.template, report.published_on) == (
        values["agency"], values["year"], values["template"], values["published_on"])
    assert_exact_or_flagged(report, values)
