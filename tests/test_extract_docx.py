"""DOCX reader: tables rebuilt from gridSpan / vMerge / gridBefore, body order, corrupt files."""

import io
import json
import zipfile

import pytest

from pipeline.errors import ExtractError
from pipeline.extract import read_document
from pipeline.render import render_report
from seeds import SEEDS_DIR

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
