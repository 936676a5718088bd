"""Agency, year and publication date from title, chrome, preamble and signature."""

from __future__ import annotations

import pytest

from pipeline.parse.metadata import read_metadata


def test_fullest_agency_from_signature_and_date_from_signature():
    text = "雄关街道2024年政府信息公开工作年度报告\n正文……\n嘉峪关市人民政府雄关街道办事处\n2025年1月16日\n"
    meta = read_metadata(text)
    assert (meta.agency, meta.year, meta.published_on) == ("嘉峪关市人民政府雄关街道办事处", 2024, "2025-01-16")
    assert meta.title == "雄关街道2024年政府信息公开工作年度报告"


def test_year_from_statistics_period_with_run_together_month():
    text = ("根据《条例》编制本报告。本报告中所列数据的统计期限自20231月1日起至202312月31日止。"
            "如对本报告有疑问，请与某县某镇人民政府党政办公室联系（电话：1234）。\n一、总体情况\n")
    meta = read_metadata(text)
    assert (meta.year, meta.agency, meta.title, meta.title_found) == (2023, "某县某镇人民政府", None, False)


def test_publication_date_from_page_chrome_beats_signature_and_full_width_forms():
    text = ("发布日期：２０２４－０１－２６　浏览次数：\n某市（区）人民政府２０２３年度政府信息公开工作年度报告\n"
            "一、总体情况\n……\n某市（区）人民政府\n2024年1月30日")
    meta = read_metadata(text)
    assert (meta.published_on, meta.year, meta.agency) == ("2024-01-26", 2023, "某市(区)人民政府")


def test_titles_of_other_documents_quoted_in_the_text_are_not_the_title():
    text = "根据《关于做好2024年政府信息公开工作年度报告编制发布有关事项的通知》，现报告如下。\n"
    assert read_metadata(text).title_found is False


def test_page_metadata_wins():
    meta = read_metadata("正文", title="某局2022年政府信息公开工作年度报告", published_on="2023-01-20")
    assert (meta.agency, meta.year, meta.published_on) == ("某局", 2022, "2023-01-20")


def test_a_report_named_inside_a_sentence_is_not_the_title():
    text = "关于做好2024年度政府信息公开工作年度报告编制发布工作的通知\n各乡镇：请于1月31日前编制并公布本机关2024年政府信息公开工作年度报告。"
    assert read_metadata(text).title_found is False
    crumb = read_metadata("首页 > 政务公开 > 某县人民政府2023年政府信息公开工作年度报告\n正文")
    assert (crumb.agency, crumb.year) == ("某县人民政府", 2023)


def test_signature_date_in_chinese_numerals():
    meta = read_metadata("某镇2024年政府信息公开工作年度报告\n……\n某县某镇人民政府\n二〇二五年一月十六日\n")
    assert (meta.published_on, meta.agency) == ("2025-01-16", "某县某镇人民政府")
    assert read_metadata("某镇2024年政府信息公开工作年度报告\n某镇人民政府\n二〇二四年十二月三十一日").published_on == "2024-12-31"


def test_a_page_title_that_is_not_the_report_title_gives_way():
    meta = read_metadata("某局2022年政府信息公开工作年度报告\n正文", title="某县人民政府门户网站")
    assert (meta.title, meta.agency, meta.year) == ("某局2022年政府信息公开工作年度报告", "某局", 2022)


def test_agency_on_the_line_above_a_title_that_starts_with_the_year():
    """WPS and Word title pages set the body's name on a line of its own above "2023年…年度报告"."""
    text = ("某区人民政府\n2023年政府信息公开工作年度报告\n本报告由某市某区人民政府办公室编制。"
            "本报告中所列数据统计期限自2023年1月1日起至2023年12月31日止。\n一、总体情况\n")
    meta = read_metadata(text, title="2023年政府信息公开工作年度报告")
    assert (meta.agency, meta.year, meta.title_found) == ("某区人民政府", 2023, True)
    crumb = read_metadata("政府信息公开年报\n2023年政府信息公开工作年度报告\n正文")
    assert crumb.agency is None  # the line above names no body: no agency rather than a guess


def test_contact_office_fills_in_only_a_short_title_agency():
    """请与淮安市洪泽区人民政府办公室联系 under the title 洪泽区人民政府: the title's full name is the
    publisher's; a short form (某镇) is still completed from the contact."""
    full = read_metadata("某区人民政府2023年政府信息公开工作年度报告\n如对本报告有疑问，请与某市某区人民政府办公室联系。\n")
    short = read_metadata("某镇2023年政府信息公开工作年度报告\n如对本报告有疑问，请与某县某镇人民政府党政办公室联系。\n")
    assert (full.agency, short.agency) == ("某区人民政府", "某县某镇人民政府")


@pytest.mark.parametrize(("title", "agency"), [
    ("2024 年上海市科委政府信息公开工作\n年度报告", "上海市科学技术委员会"),  # year first, wrapped (sh-stcsm-2024)
    ("北京市发改委2023年政府信息公开工作年度报告", "北京市发展和改革委员会"),
    ("某某县人社局2023年政府信息公开工作年度报告", "某某县人力资源和社会保障局"),
])
def test_a_department_named_by_its_short_form_gets_its_full_name(title, agency):
    assert read_metadata(f"{title}\n本报告由{agency[:2]}编制。\n").agency == agency


def test_a_short_form_without_a_place_before_it_is_not_expanded():
    """科委 alone, or inside a longer word, is no place's department: nothing to expand."""
    assert read_metadata("科委2023年政府信息公开工作年度报告\n").agency in (None, "科委")
    assert read_metadata("上海市科委员会2023年政府信息公开工作年度报告\n").agency != "上海市科学技术委员会员会"
