"""Renderers: each layout has the shape its real-world counterpart has (see the seeds)."""

import io
import json
import zipfile

import pytest

from pipeline.contract import APPLICANTS, ITEMS, OUTCOMES, PROACTIVE_2019, REVIEW_GROUPS
from pipeline.extract.decode import decode_html
from pipeline.render import LAYOUTS, RenderOptions, render_html_fragment, render_report
from seeds import SEEDS_DIR

NBSP = "\xa0"


@pytest.fixture(scope="module")
def seed_values():
    return json.loads((SEEDS_DIR / "expected" / "002_e73d5a6c979587d5.json").read_text(encoding="utf-8"))


def values_2019(**changes):
    """A 2019-template report: 2019 section 二 columns and the single (六)其他处理 row."""
    values = {
        "agency": "朱镕基县人民政府办公室", "year": 2019, "template": "2019", "published_on": "2020-01-31",
        "proactive": {field: i for i, field in enumerate(PROACTIVE_2019)},
        "applications": {item: [0] * len(APPLICANTS) for item in ITEMS
                         if item not in ("other_no_correction", "other_unpaid_fee", "other_other")},
        "review_litigation": {group: [0] * len(OUTCOMES) for group in REVIEW_GROUPS},
    }
    values.update(changes)
    return values


def text(values, layout, options=None) -> str:
    return render_report(values, layout, options).decode("utf-8")


def test_pipes_put_span_gaps_at_the_row_end_like_seed_000(seed_values):
    lines = text(seed_values, "pipes").splitlines()
    assert "第二十条第（五）项 | |||" in lines
    assert "信息内容 | 本年处理决定数量 | ||" in lines
    assert "三、本年度办理结果 | （一）予以公开 | 6 | 0 | 0 | 0 | 0 | 0 | 6 | |" in lines
    assert "2.重复申请 | 3 | 0 | 0 | 0 | 0 | 0 | 3 | ||" in lines


def test_tabs_keep_every_grid_position_like_seed_001(seed_values):
    lines = text(seed_values, "tabs").splitlines()
    row = next(line for line in lines if line.startswith("\t\t2.重复申请"))
    assert row.split("\t") == ["", "", "2.重复申请", "3", "0", "0", "0", "0", "0", "3"]
    assert "行政许可\t0\t\t" in lines


def test_cells_put_one_cell_per_line_with_blank_lines_like_seed_002(seed_values):
    options = RenderOptions(split_headers=True)
    values = {**seed_values, "review_litigation": {**seed_values["review_litigation"], "review": [2, None, 0, 2, 4]}}
    body = text(values, "cells", options)
    assert "\n\n2.重复申请\n\n3\n\n0\n\n" in body
    assert "\n\n结果\n纠正\n\n" in body  # a split header stays inside its cell
    assert f"\n\n2\n\n{NBSP}\n\n0\n\n2\n\n4\n\n" in body  # a blank cell is a lone NBSP


def test_cells_pipe_open_rows_with_a_lone_pipe_like_seed_003(seed_values):
    lines = text(seed_values, "cells_pipe").splitlines()
    start = lines.index("行政许可 |")
    assert lines[start - 1] == "|" and lines[start + 1:start + 3] == ["0 |", "||"]


def test_markdown_is_a_pipe_table_with_a_separator(seed_values):
    lines = text(seed_values, "markdown").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("| 第二十条第（一）项"))
    assert lines[first] == "| 第二十条第（一）项 |  |  |  |" and lines[first + 1] == "|---|---|---|---|"
    assert lines[first - 1] == ""


def test_html_has_real_spans_and_chrome(seed_values):
    page = text(seed_values, "html")
    assert 'rowspan="3" colspan="3"' in page  # the 勾稽关系 header spans rows and columns
    assert '<td rowspan="22" style="border:1px solid #000"><p style="text-align:center">三、本年度办理结果' in page
    assert '<meta name="PubDate" content="2024-01-26' in page and 'class="TRS_Editor"' in page


def test_html_gbk_declares_only_a_meta_charset_and_is_gbk():
    data = render_report(values_2019(), "html_gbk")
    assert "朱镕基".encode("gbk") in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"charset=gb2312" in data[:400]
    assert "朱镕基县人民政府办公室2019年政府信息公开工作年度报告" in decode_html(data)[0]


def test_2019_template_has_its_own_section_two_and_one_other_row():
    lines = text(values_2019(), "pipes").splitlines()
    assert "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |" in lines
    assert "政府集中采购 | 20 | 21 | |" in lines
    assert "（六）其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | ||" in lines
    assert not any(line.startswith("3.其他 |") for line in lines)


def test_section_two_columns_follow_the_fields_then_the_template():
    empty_2019 = text(values_2019(proactive={}), "pipes")
    assert "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |" in empty_2019
    mixed = values_2019(template="2021", proactive={"rules_issued": 1})  # seed 000's mixture
    assert "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |" in text(mixed, "pipes")


def test_numbers_fullwidth_thousands_and_raw_tokens():
    values = values_2019(applications={**values_2019()["applications"], "new_received": [1234, None, 5, 0, 0, 0, 1239]},
                         raw_tokens={"new_received.commercial_enterprise": "—"})
    line = next(line for line in text(values, "pipes", RenderOptions(thousands="，")).splitlines()
                if line.startswith("一、本年新收"))
    assert line == "一、本年新收政府信息公开申请数量 | 1，234 | — | 5 | 0 | 0 | 0 | 1，239 | ||"
    line = next(line for line in text(values, "pipes", RenderOptions(fullwidth_digits=True)).splitlines()
                if line.startswith("一、本年新收"))
    assert line.startswith("一、本年新收政府信息公开申请数量 | １２３４ | — | ５ |")


def test_decimal_fees_keep_their_fraction(seed_values):
    values = {**seed_values, "proactive": {**seed_values["proactive"], "fees_10k_yuan": 1234.5}}
    assert "行政事业性收费 | 1,234.5 | ||" in text(values, "pipes", RenderOptions(thousands=","))
    assert "行政事业性收费 | 1234.5 | ||" in text(values, "pipes")


def test_docx_is_a_valid_package_with_word_merges(seed_values):
    archive = zipfile.ZipFile(io.BytesIO(render_report(seed_values, "docx")))
    assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(archive.namelist())
    xml = archive.read("word/document.xml").decode("utf-8")
    assert '<w:gridSpan w:val="3"/><w:vMerge w:val="restart"/>' in xml and "<w:vMerge/>" in xml


def test_pdf_embeds_the_cid_font(seed_values):
    data = render_report(seed_values, "pdf")
    assert data.startswith(b"%PDF") and b"STSong-Light" in data


def test_fragment_is_content_only(seed_values):
    fragment = render_html_fragment(seed_values)
    assert "<html" not in fragment and "<h1" not in fragment and fragment.count("<table") == 3
    assert "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止" in fragment


def test_every_layout_renders_and_unknown_ones_are_refused(seed_values):
    assert all(render_report(seed_values, layout) for layout in LAYOUTS)
    with pytest.raises(ValueError, match="unknown layout"):
        render_report(seed_values, "rtf")
