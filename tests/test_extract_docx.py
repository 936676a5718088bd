"""DOCX reader: tables rebuilt from gridSpan / vMerge / gridBefore, body order, corrupt files, and
Word's automatic list numbers computed from numbering.xml and styles.xml."""

import gzip
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.errors import ExtractError
from pipeline.extract import read_document
from pipeline.extract import docx as docx_reader
from pipeline.parse import parse_bytes
from pipeline.render import RenderOptions, render_report
from seeds import SEED_PATHS, SEEDS_DIR, expected
from test_roundtrip import VARIANTS, assert_same, parsed

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(body: str, name: str = "word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, f'<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>')
    return buffer.getvalue()


def p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def tc(text: str, span: int = 1, merge: str | None = None) -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        f'<w:vMerge w:val="{merge}"/>' if merge == "restart" else "<w:vMerge/>" if merge else "")
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{text}</w:tc>"


def test_grid_from_gridspan_vmerge_and_gridbefore():
    table = ("<w:tbl>"
             f"<w:tr>{tc(p('勾稽关系'), 2, 'restart')}{tc(p('申请人情况'), 2)}</w:tr>"
             f"<w:tr>{tc('<w:p/>', 2, 'continue')}{tc(p('商业') + p('企业'))}{tc('<w:p><w:r><w:t>科研</w:t><w:br/><w:t>机构</w:t></w:r></w:p>')}</w:tr>"
             f"<w:tr>{tc(p('一、新收'), 2)}{tc(p(' 7 '))}{tc('<w:p/>')}</w:tr>"
             f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{tc(p("x"))}{tc(p("1"), 2)}</w:tr>'
             "</w:tbl>")
    doc = read_document(docx(p("标题：某县2023年政府信息公开工作年度报告") + table + p("五、问题")), "r.docx")
    assert doc.source_format == "docx"
    assert doc.tables == [[
        ["勾稽关系", None, "申请人情况", None],
        [None, None, "商业企业", "科研机构"],
        ["一、新收", None, "7", ""],
        [None, "x", "1", None],
    ]]
    assert doc.text.splitlines() == ["标题：某县2023年政府信息公开工作年度报告", "勾稽关系 | 申请人情况", "商业企业 | 科研机构",
                                     "一、新收 | 7 | ", "x | 1", "五、问题"]
    assert doc.title == "标题：某县2023年政府信息公开工作年度报告"


def test_text_box_fallbacks_are_not_read_twice():
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    box = (f"<w:p><w:r><mc:AlternateContent {mc}><mc:Choice Requires='wps'><w:t>框内</w:t></mc:Choice>"
           "<mc:Fallback><w:t>框内</w:t></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>之后</w:t></w:r></w:p>")
    assert read_document(docx(box), "r.docx").text == "框内之后"


def test_content_controls_are_looked_through():
    body = f"<w:sdt><w:sdtContent>{p('控件内段落')}</w:sdtContent></w:sdt>{p('之后')}"
    assert read_document(docx(body), "r.docx").text == "控件内段落\n之后"


def test_rendered_docx_reads_back_the_same_grids_as_rendered_html():
    values = json.loads((SEEDS_DIR / "expected" / "002_e73d5a6c979587d5.json").read_text(encoding="utf-8"))
    from_docx = read_document(render_report(values, "docx"), "r.docx")
    from_html = read_document(render_report(values, "html"), "r.html")
    assert len(from_docx.tables) == 3 and from_docx.tables == from_html.tables
    assert from_docx.tables[1][3] == ["一、本年新收政府信息公开申请数量", None, None, "35", "0", "0", "0", "0", "0", "35"]


@pytest.mark.parametrize(("data", "words"), [
    (b"PK\x03\x04 truncated zip", "zip"),
    (docx(p("x"), name="word/other.xml"), "no word/document.xml"),
    (docx("<w:p>unclosed"), "cannot be read"),
])
def test_corrupt_docx(data, words):
    with pytest.raises(ExtractError) as error:
        read_document(data, "http://x.gov.cn/r.docx")
    assert error.value.reason == "corrupt_docx" and words in error.value.message




def needing_version(data: bytes, version: int) -> bytes:
    """The archive with every central directory entry claiming it needs zip `version` to extract."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        out[at + 6:at + 8] = version.to_bytes(2, "little")
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


@pytest.mark.parametrize(("source", "reason"), [("http://x.gov.cn/r.docx", "corrupt_docx"),
                                                 ("http://x.gov.cn/download?id=7", "unsupported_format")])
def test_an_archive_zipfile_cannot_open_is_refused_by_name_not_a_traceback(source, reason):
    """zipfile refuses a directory needing a newer zip version with NotImplementedError, not
    BadZipFile: found by fuzzing, where it escaped format detection as a traceback."""
    data = needing_version(docx(p("年度报告")), 210)
    with pytest.raises(ExtractError) as error:
        read_document(data, source)
    assert error.value.reason == reason


def test_a_part_that_inflates_past_the_limit_is_refused(monkeypatch):
    """A zip bomb: a small archive whose document.xml inflates far past any report's size."""
    monkeypatch.setattr(docx_reader, "MAX_PART_BYTES", 10_000)
    with pytest.raises(ExtractError) as error:
        read_document(docx(p("年度报告") * 2_000), "http://x.gov.cn/r.docx")
    assert error.value.reason == "corrupt_docx" and "over the 10,000-byte limit" in error.value.message
    assert read_document(docx(p("年度报告") * 100), "http://x.gov.cn/r.docx").text.startswith("年度报告")

# Word list numbering: the numbers come from numbering.xml / styles.xml, no w:t holds them.

NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
TEXTS = "甲乙丙丁戊己庚辛"


def numbered_docx(body: str, numbering: str | None, styles: str | None = None, rels: str | None = None,
                  numbering_name: str = "word/numbering.xml") -> bytes:
    """A package with document.xml and the numbering and styles parts given as the content of
    their root element (a part not starting with "<w:" is written as it is: damaged XML)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>')
        for name, root, content in ((numbering_name, "numbering", numbering), ("word/styles.xml", "styles", styles)):
            if content is not None:
                archive.writestr(name, f"<w:{root} {W}>{content}</w:{root}>" if content.startswith("<w:") else content)
        if rels is not None:
            archive.writestr("word/_rels/document.xml.rels", rels)
    return buffer.getvalue()


def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "", suffix: str = "nothing") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{extra}'
            f'<w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/></w:lvl>')


def abstract(key: int, *levels: str) -> str:
    return f'<w:abstractNum w:abstractNumId="{key}">{"".join(levels)}</w:abstractNum>'


def num(num_id: int, abstract_id: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


def start_override(ilvl: int, value: int | str) -> str:
    return f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{value}"/></w:lvlOverride>'


def np(text: str, num_id: int | None = None, ilvl: int | None = None, style: str | None = None) -> str:
    """A paragraph with a direct w:numPr (numId and ilvl each optional) and/or a paragraph style."""
    numbering = (f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else "") + (
        f'<w:numId w:val="{num_id}"/>' if num_id is not None else "")
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + (f"<w:numPr>{numbering}</w:numPr>" if numbering else "")
    return f"<w:p><w:pPr>{props}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"


def at_levels(num_id: int, levels: tuple[int, ...]) -> str:
    """One paragraph per level, texts 甲乙丙… so numbers and text stay apart."""
    return "".join(np(text, num_id, level) for text, level in zip(TEXTS, levels))


OUTLINE = abstract(0, lvl(0, "chineseCounting", "%1、"), lvl(1, "chineseCounting", "（%2）"), lvl(2, "decimal", "%3."))


def lines(data: bytes) -> list[str]:
    return read_document(data, "r.docx").text.splitlines()


def test_a_deeper_level_restarts_when_a_higher_level_advances():
    assert lines(numbered_docx(at_levels(1, (0, 1, 1, 2, 2, 0, 1, 2)), OUTLINE + num(1, 0))) == [
        "一、甲", "（一）乙", "（二）丙", "1.丁", "2.戊", "二、己", "（一）庚", "1.辛"]


def test_lvl_restart_zero_never_restarts_and_one_restarts_only_after_the_top_level():
    levels = abstract(0, lvl(0, "decimal", "%1."), lvl(1, "decimal", "%2)", extra='<w:lvlRestart w:val="0"/>'),
                      lvl(2, "lowerLetter", "%3)", extra='<w:lvlRestart w:val="1"/>'))
    assert lines(numbered_docx(at_levels(1, (0, 1, 2, 1, 2, 0, 1, 2)), levels + num(1, 0))) == [
        "1.甲", "1)乙", "a)丙", "2)丁", "b)戊", "2.己", "3)庚", "a)辛"]


def test_start_override_restarts_the_count_that_nums_of_one_abstract_share():
    """Word counts per abstract definition: numId 2 continues numId 1's list, numId 3 restarts it
    where it is first used at that level, and numId 1 then continues from there."""
    nums = num(1, 0) + num(2, 0) + num(3, 0, start_override(1, 5))
    body = "".join(np(text, num_id, level) for text, (num_id, level) in zip(
        TEXTS, ((1, 0), (1, 1), (2, 1), (3, 1), (3, 1), (1, 1), (3, 0), (3, 1))))
    assert lines(numbered_docx(body, OUTLINE + nums)) == [
        "一、甲", "（一）乙", "（二）丙", "（五）丁", "（六）戊", "（七）己", "二、庚", "（一）辛"]


def test_a_level_replaced_by_an_override_with_its_own_start():
    nums = num(1, 0, '<w:lvlOverride w:ilvl="0">' + lvl(0, "upperRoman", "第%1部分", start=3) + "</w:lvlOverride>")
    assert lines(numbered_docx(at_levels(1, (0, 0)), OUTLINE + nums)) == ["第III部分甲", "第IV部分乙"]


def test_num_id_zero_removes_the_numbering_a_style_gives():
    styles = '<w:style w:type="paragraph" w:styleId="H1"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    body = np("总体情况", style="H1") + np("不编号", 0, style="H1") + np("主动公开", style="H1")
    assert lines(numbered_docx(body, OUTLINE + num(1, 0), styles)) == ["一、总体情况", "不编号", "二、主动公开"]


def test_numbering_from_paragraph_styles_through_based_on_and_level_links():
    """H1 gets its numId from its base style and its level from the abstract's w:pStyle link; H2
    names level 1 and inherits the numId; a direct w:ilvl overrides the style's level."""
    levels = abstract(0, lvl(0, "chineseCounting", "%1、", extra='<w:pStyle w:val="H1"/>'),
                      lvl(1, "chineseCounting", "（%2）", extra='<w:pStyle w:val="H2"/>'), lvl(2, "decimal", "%3."))
    styles = ('<w:style w:type="paragraph" w:default="1" w:styleId="Normal"/>'
              '<w:style w:type="paragraph" w:styleId="Base"><w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="H1"><w:basedOn w:val="Base"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="H2"><w:basedOn w:val="H1"/>'
              '<w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>')
    body = (np("总体情况", style="H1") + np("主动公开", style="H2") + np("规章", ilvl=2, style="H2")
            + np("正文") + np("主动公开政府信息情况", style="H1"))
    assert lines(numbered_docx(body, levels + num(4, 0), styles)) == [
        "一、总体情况", "（一）主动公开", "1.规章", "正文", "二、主动公开政府信息情况"]


def test_a_default_paragraph_style_can_carry_the_numbering():
    styles = ('<w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
              '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>')
    data = numbered_docx(p("予以公开") + p("部分公开"), OUTLINE + num(1, 0), styles)
    assert lines(data) == ["（一）予以公开", "（二）部分公开"]


def test_multi_level_text_and_legal_numbering():
    """%1.%2 shows each level's count in that level's format; w:isLgl turns them all decimal."""
    levels = abstract(0, lvl(0, "chineseCounting", "第%1章"), lvl(1, "decimal", "%1.%2", extra="<w:isLgl/>"),
                      lvl(2, "decimal", "%1.%2.%3", extra='<w:isLgl w:val="0"/>'))
    assert lines(numbered_docx(at_levels(1, (0, 1, 1, 2, 0, 1)), levels + num(1, 0))) == [
        "第一章甲", "1.1乙", "1.2丙", "一.2.1丁", "第二章戊", "2.1己"]


def test_a_level_no_paragraph_reached_shows_its_start_value():
    levels = abstract(0, lvl(0, "decimal", "%1.", start=4), lvl(1, "decimal", "%1.%2"))
    assert lines(numbered_docx(at_levels(1, (1, 1)), levels + num(1, 0))) == ["4.1甲", "4.2乙"]


def test_num_style_link_leads_to_the_numbering_style_list():
    """abstract 1 only points (numStyleLink) at the numbering style Outline, whose numId 2 is abstract 0."""
    numbering = (OUTLINE.replace("<w:lvl ", '<w:styleLink w:val="Outline"/><w:lvl ', 1)
                 + '<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="Outline"/></w:abstractNum>'
                 + num(1, 1) + num(2, 0))
    styles = '<w:style w:type="numbering" w:styleId="Outline"><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>'
    body = np("甲", 1, 0) + np("乙", 2, 0) + np("丙", 1, 1)
    assert lines(numbered_docx(body, numbering, styles)) == ["一、甲", "二、乙", "（一）丙"]


def test_suffixes_bullets_and_none():
    """Word's default suffix is a tab; a bullet shows no label text; "none" keeps lvlText's words."""
    from xml.etree import ElementTree

    from pipeline.extract.docx_numbering import paragraph_labels

    levels = abstract(0, lvl(0, "decimal", "%1.", suffix="tab"), lvl(1, "decimal", "%2)", suffix="space"),
                      lvl(2, "bullet", "\uf0b7", suffix="tab"), lvl(3, "none", "附%4", suffix="tab"),
                      '<w:lvl w:ilvl="4"><w:start w:val="1"/><w:lvlText w:val="%5"/></w:lvl>')
    body = ElementTree.fromstring(f"<w:body {W}>{at_levels(1, (0, 1, 2, 3, 4))}</w:body>")
    numbering = f"<w:numbering {W}>{levels}{num(1, 0)}</w:numbering>".encode()
    assert [paragraph_labels(body, numbering, None).get(paragraph) for paragraph in body] == [
        "1.\t", "1) ", None, "附\t", "1\t"]


def test_numbers_inside_table_cells_count_in_document_order_with_merged_cells():
    """The empty numbered paragraph of a merged continuation cell still counts, as Word numbers it."""
    table = ("<w:tbl>"
             f"<w:tr>{tc(np('本年新收', 1, 0), 2)}{tc(p('3'))}</w:tr>"
             f"<w:tr>{tc(np('本年度办理结果', 1, 0), 1, 'restart')}{tc(np('予以公开', 1, 1))}{tc(p('1'))}</w:tr>"
             f"<w:tr>{tc(np('', 1, 1), 1, 'continue')}{tc(np('部分公开', 1, 1))}{tc(p('2'))}</w:tr>"
             "</w:tbl>")
    body = np("总体情况", 2, 0) + np("主动公开", 2, 1) + table
    doc = read_document(numbered_docx(body, OUTLINE + num(1, 0) + num(2, 0, start_override(1, 1))), "r.docx")
    assert doc.tables == [[["二、本年新收", None, "3"], ["三、本年度办理结果", "（一）予以公开", "1"],
                           [None, "（三）部分公开", "2"]]]
    assert doc.text.splitlines()[:2] == ["一、总体情况", "（一）主动公开"]


@pytest.mark.parametrize("target", ["/word/lists.xml", "lists.xml", "../word/lists.xml"])
def test_numbering_part_named_by_the_document_relationships(target):
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId7" Type="{NUMBERING}" Target="{target}"/></Relationships>')
    data = numbered_docx(np("总体情况", 1, 0), OUTLINE + num(1, 0), rels=rels, numbering_name="word/lists.xml")
    assert lines(data) == ["一、总体情况"]


STYLED = '<w:style w:type="paragraph" w:styleId="H"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'


@pytest.mark.parametrize(("numbering", "styles", "expected_lines"), [
    ("<w:abstractNum", STYLED, ["总体情况", "主动公开"]),  # damaged numbering.xml
    (OUTLINE + num(1, 0), "<w:style", ["一、总体情况", "主动公开"]),  # damaged styles.xml: direct numbers stay
    (num(1, 9), STYLED, ["总体情况", "主动公开"]),  # the abstract definition is missing
    (OUTLINE.replace('w:ilvl="0"', 'w:ilvl="x"') + num(1, 0), STYLED, ["总体情况", "主动公开"]),  # no level 0
    (OUTLINE.replace('<w:start w:val="1"/>', '<w:start w:val="many"/>') + num(1, 0), STYLED, ["〇、总体情况", "一、主动公开"]),
    (OUTLINE + num(1, 0, start_override(99, 2) + start_override(0, "?")), STYLED, ["一、总体情况", "二、主动公开"]),
    (abstract(0, lvl(0, "upperLetter", "%1.")) + num(1, 0, start_override(0, 10**12)), STYLED,
     ["1000000000000.总体情况", "1000000000001.主动公开"]),  # no trillion-letter label
])
def test_missing_or_damaged_numbering_costs_only_the_numbers(numbering, styles, expected_lines):
    body = np("总体情况", 1, 0) + np("主动公开", style="H")
    assert lines(numbered_docx(body, OUTLINE + num(1, 0), STYLED)) == ["一、总体情况", "二、主动公开"]  # intact
    assert lines(numbered_docx(body, numbering, styles)) == expected_lines


@pytest.mark.parametrize(("number_format", "shown"), [
    ("decimal", ["1", "9", "10", "11", "20", "21", "99", "100", "101"]),
    ("decimalZero", ["01", "09", "10", "11", "20", "21", "99", "100", "101"]),
    ("decimalFullWidth", ["１", "９", "１０", "１１", "２０", "２１", "９９", "１００", "１０１"]),
    ("decimalHalfWidth", ["1", "9", "10", "11", "20", "21", "99", "100", "101"]),
    ("chineseCounting", ["一", "九", "十", "十一", "二十", "二十一", "九十九", "一百", "一百零一"]),
    ("chineseCountingThousand", ["一", "九", "十", "十一", "二十", "二十一", "九十九", "一百", "一百零一"]),
    ("chineseLegalSimplified", ["壹", "玖", "壹拾", "壹拾壹", "贰拾", "贰拾壹", "玖拾玖", "壹佰", "壹佰零壹"]),
    ("japaneseCounting", ["一", "九", "十", "十一", "二十", "二十一", "九十九", "百", "百一"]),
    ("ideographDigital", ["一", "九", "一〇", "一一", "二〇", "二一", "九九", "一〇〇", "一〇一"]),
    ("ideographTraditional", ["甲", "壬", "癸", "11", "20", "21", "99", "100", "101"]),
    ("upperLetter", ["A", "I", "J", "K", "T", "U", "UUUU", "VVVV", "WWWW"]),
    ("lowerLetter", ["a", "i", "j", "k", "t", "u", "uuuu", "vvvv", "wwww"]),
    ("upperRoman", ["I", "IX", "X", "XI", "XX", "XXI", "XCIX", "C", "CI"]),
    ("lowerRoman", ["i", "ix", "x", "xi", "xx", "xxi", "xcix", "c", "ci"]),
    ("decimalEnclosedCircle", ["①", "⑨", "⑩", "⑪", "⑳", "㉑", "99", "100", "101"]),
    ("decimalEnclosedCircleChinese", ["①", "⑨", "⑩", "⑪", "⑳", "㉑", "99", "100", "101"]),
    ("decimalEnclosedParen", ["⑴", "⑼", "⑽", "⑾", "⒇", "21", "99", "100", "101"]),
    ("none", [""] * 9),
    ("ordinalTitle", ["1", "9", "10", "11", "20", "21", "99", "100", "101"]),  # unknown: decimal
])
def test_number_formats(number_format, shown):
    """Each value is set by a w:num of its own (w:startOverride), so the reader shows it in the format."""
    values = (1, 9, 10, 11, 20, 21, 99, 100, 101)
    numbering = abstract(0, lvl(0, number_format, "%1:")) + "".join(
        num(index + 1, 0, start_override(0, value)) for index, value in enumerate(values))
    body = "".join(np("项", index + 1, 0) for index in range(len(values)))
    assert lines(numbered_docx(body, numbering)) == [f"{number}:项" for number in shown]


def test_chinese_counting_reads_every_number_up_to_99_and_beyond():
    from pipeline.extract.docx_numbering import format_number

    digits = "〇一二三四五六七八九"
    expected_labels = []
    for value in range(1, 100):
        tens, ones = divmod(value, 10)
        expected_labels.append(("" if tens == 0 else "十" if tens == 1 else digits[tens] + "十") + (digits[ones] if ones else ""))
    body = np("项", 1, 0) * 99
    assert lines(numbered_docx(body, OUTLINE + num(1, 0))) == [f"{label}、项" for label in expected_labels]
    assert [format_number(value, "chineseCounting") for value in (0, 110, 1010, 10001, 100000, 1001000, 100000001)] == [
        "〇", "一百一十", "一千零一十", "一万零一", "十万", "一百万一千", "一亿零一"]


# Rendered reports with Word numbering read back exactly.

AUTO = RenderOptions(auto_numbering=True)


def numbering_parts(data: bytes) -> tuple[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8"), archive.read("word/numbering.xml").decode("utf-8")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda path: path.stem[:3])
def test_seeds_with_word_numbered_headings_and_row_labels_round_trip(seed, variant):
    values = expected(seed)
    options = replace(VARIANTS[variant], auto_numbering=True)
    document, _numbering = numbering_parts(render_report(values, "docx", options))
    assert ">予以公开<" in document and "（一）予以公开" not in document and "总体情况" in document
    assert "一、总体情况" not in document and '<w:pStyle w:val="NumberedHeading1"/>' in document
    assert_same(parsed(values, "docx", options), values)


@pytest.mark.parametrize("missing", [("granted",), ("denied_state_secret", "unable_no_info"), ("carried_over",)])
def test_labels_the_list_would_not_reach_restart_it_with_a_start_override(missing):
    """Rows left out of the template: the next label's number is set by a w:num of its own."""
    values = expected(SEED_PATHS[1])
    for item in missing:
        del values["applications"][item]
    document, numbering = numbering_parts(render_report(values, "docx", AUTO))
    assert numbering.count("<w:startOverride") == len(missing)
    assert_same(parsed(values, "docx", AUTO), values)


def test_without_the_option_the_docx_has_no_numbering_part():
    values = expected(SEED_PATHS[1])
    with zipfile.ZipFile(io.BytesIO(render_report(values, "docx", replace(AUTO, auto_numbering=False)))) as archive:
        assert "word/numbering.xml" not in archive.namelist()
        assert "（一）予以公开" in archive.read("word/document.xml").decode("utf-8")


WORD2003 = Path(__file__).parent / "data" / "doc" / "seed001_word2003_libreoffice.xml.gz"


def test_word_2003_xml_saved_as_doc_is_read_as_a_word_document():
    """Word 2003 XML (one XML file, often named .doc), as LibreOffice writes it (scripts/build_doc_fixtures.py)."""
    values = expected(SEED_PATHS[1])
    report = parse_bytes(gzip.decompress(WORD2003.read_bytes()), "http://x.gov.cn/P0201.doc", "application/msword")
    assert (report.source_format, report.applications, report.review_litigation) == (
        "docx", values["applications"], values["review_litigation"])


def as_word2003(docx_bytes: bytes) -> bytes:
    """A DOCX body written as Word 2003 XML: the 2003 namespace, lower-case vmerge, in a wx:sect."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    body = xml[xml.index("<w:body>") + len("<w:body>") : xml.index("</w:body>")].replace("w:vMerge", "w:vmerge")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<?mso-application progid="Word.Document"?>'
            '<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml" '
            'xmlns:wx="http://schemas.microsoft.com/office/word/2003/auxHint">'
            f"<w:body><wx:sect><wx:sub-section>{body}</wx:sub-section></wx:sect></w:body></w:wordDocument>").encode()


@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda path: path.stem[:3])
def test_word_2003_xml_reads_as_the_docx_it_spells(seed):
    """Row spans (vmerge), column spans and sections: the same lines and grids as the DOCX."""
    original = render_report(expected(seed), "docx")
    assert b"w:vmerge" in as_word2003(original)
    word2003 = read_document(as_word2003(original), "r.doc")
    docx_document = read_document(original, "r.docx")
    assert (word2003.text, word2003.tables) == (docx_document.text, docx_document.tables)
    assert any(None in row for grid in word2003.tables for row in grid)


@pytest.mark.parametrize("damage", ["cut", "encoding"])
def test_damaged_word_2003_xml_is_a_corrupt_docx(damage):
    """Cut short, or declaring an encoding Python does not know (fuzzing found LookupError escaping)."""
    data = as_word2003(render_report(expected(SEED_PATHS[1]), "docx"))
    data = data[: len(data) // 2] if damage == "cut" else data.replace(b'encoding="UTF-8"', b'encoding="UTFW8"')
    with pytest.raises(ExtractError) as error:
        read_document(data, "r.doc")
    assert error.value.reason == "corrupt_docx" and "Word 2003 XML" in error.value.message
