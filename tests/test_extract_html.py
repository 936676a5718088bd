"""HTML reader: content container, span-aware grids, reading-order text, title, date, attachments."""

import json
import re
from pathlib import Path

import pytest

from pipeline.extract import read_document
from pipeline.extract.html import read_html
from pipeline.parse import parse_bytes
from pipeline.render import render_report
from seeds import SEED_PATHS, expected
from test_roundtrip import assert_same

SOURCE = "http://www.example.gov.cn/xxgk/ndbg/2024/t20240126_1.html"


def wrap(content: str, head: str = "", chrome: str = "") -> str:
    return (f"<html><head><title>年报_某县人民政府</title>{head}</head><body>"
            f"<div class='header'><ul><li>首页</li><li>政务公开</li></ul></div><nav>导航 菜单</nav>{chrome}"
            f"<div class='TRS_Editor'>{content}</div><footer>版权所有 联系我们</footer>"
            "<script>var x = '不是正文';</script></body></html>")


SPANS = """
<table><tbody>
<tr><td rowspan="3" colspan="2">（本列数据的勾稽关系为：…）</td><td colspan="3">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="2">法人或<br>其他组织</td></tr>
<tr><td>商业<br/>企业</td><td><p>科研</p><p>机构</p></td></tr>
<tr><td colspan="2">一、本年新收</td><td>1&nbsp;</td><td>&nbsp;</td><td> 2 </td></tr>
<tr><td rowspan="2">三、结果</td><td>（一）予以公开</td><td>0</td><td>0</td></tr>
<tr><td>（二）部分公开</td><td>3</td><td>4</td><td>5</td></tr>
</tbody></table>"""


def test_grid_honours_rowspan_colspan_and_a_cell_spanning_both():
    doc = read_html(wrap(SPANS), SOURCE)
    assert doc.tables == [[
        ["（本列数据的勾稽关系为：…）", None, "申请人情况", None, None],
        [None, None, "自然人", "法人或其他组织", None],
        [None, None, None, "商业企业", "科研机构"],
        ["一、本年新收", None, "1", "", "2"],
        ["三、结果", "（一）予以公开", "0", "0", None],  # ragged row: no cell exists at the end
        [None, "（二）部分公开", "3", "4", "5"],
    ]]


def test_text_is_in_reading_order_with_one_line_per_row_and_no_chrome():
    doc = read_html(wrap("<p>一、总体情况</p><div>正文&nbsp;第一段<br>第二行</div>" + SPANS + "<p>五、存在的问题</p>"), SOURCE)
    lines = doc.text.splitlines()
    assert lines[:4] == ["年报", "一、总体情况", "正文 第一段", "第二行"]
    assert "一、本年新收 | 1 |  | 2" in lines
    assert lines.index("一、本年新收 | 1 |  | 2") < lines.index("五、存在的问题")
    for chrome in ("导航", "首页", "版权所有", "不是正文"):
        assert chrome not in doc.text


def test_without_a_content_container_body_minus_chrome_is_read():
    html = ("<html><body><header>站点头部</header><nav>栏目导航</nav><p>某县2023年政府信息公开工作年度报告</p>"
            "<table><tr><td>a</td><td>b</td></tr></table><footer>底部</footer></body></html>")
    doc = read_html(html, SOURCE)
    assert doc.text.splitlines() == ["某县2023年政府信息公开工作年度报告", "a | b"]
    assert doc.tables == [[["a", "b"]]]


def test_hidden_text_inside_a_cell_is_not_read():
    """A hidden span of stray digits inside a count (a scraper trap, or a print-only copy) must not
    join the count: "1" + hidden "3" is 1, not 13."""
    table = ("<table><tr><td>自然人</td><td>总计</td></tr>"
             "<tr><td>1<span style='display:none'>3</span></td><td><p>2</p><p hidden>9</p><!-- 7 --></td></tr>"
             "<tr><td>商业<br>企业</td><td><b>1</b>2</td></tr></table>")
    assert read_html(wrap(table), SOURCE).tables == [[["自然人", "总计"], ["1", "2"], ["商业企业", "12"]]]


def test_hidden_copies_are_not_read():
    table = "<table><tr><td>规章</td><td>1</td></tr></table>"
    content = (f"<p>正文</p>{table}<div style='DISPLAY: none'>{table}</div><div hidden>{table}</div>"
               f"<p style='display:none'>隐藏</p>")
    doc = read_html(wrap(content), SOURCE)
    assert doc.tables == [[["规章", "1"]]] and doc.text.splitlines()[1:] == ["正文", "规章 | 1"]


def test_a_caption_is_the_line_before_its_rows():
    doc = read_html(wrap("<table><caption>表1 主动公开</caption><tr><td>规章</td><td>0</td></tr></table>"), SOURCE)
    assert doc.text.splitlines()[1:] == ["表1 主动公开", "规章 | 0"] and doc.tables == [[["规章", "0"]]]


def test_layout_tables_are_walked_not_read_as_data():
    html = wrap("<table><tr><td><p>引言</p><table><tr><td>x</td><td>1</td></tr></table></td></tr></table>")
    doc = read_html(html, SOURCE)
    assert doc.tables == [[["x", "1"]]]
    assert doc.text.splitlines()[1:] == ["引言", "x | 1"]


def test_a_table_wrapped_in_a_cell_still_makes_a_layout_table():
    inner = "<div class='box'><section><table><tr><td>x</td><td>1</td></tr></table></section></div>"
    doc = read_html(wrap(f"<table><tr><td>侧栏</td><td>{inner}</td></tr></table>"), SOURCE)
    assert doc.tables == [[["x", "1"]]]
    assert doc.text.splitlines()[1:] == ["侧栏", "x | 1"]


def test_title_prefers_article_title_meta_then_heading_then_title_tag():
    meta = '<meta name="ArticleTitle" content="甲县2023年政府信息公开工作年度报告">'
    assert read_html(wrap("<p>x</p>" * 20, head=meta), SOURCE).title == "甲县2023年政府信息公开工作年度报告"
    heading = "<h1>站点</h1><h2>乙县2023年政府信息公开工作年度报告</h2>"
    assert read_html(wrap("<p>正文</p>", chrome=heading), SOURCE).title == "乙县2023年政府信息公开工作年度报告"
    assert read_html(wrap("<p>正文</p>"), SOURCE).title == "年报"
    logo = "<h1 class='logo'>某县人民政府</h1><div class='title'>丙县2023年政府信息公开工作年度报告</div>"
    assert read_html(wrap("<p>正文</p>", chrome=logo), SOURCE).title == "丙县2023年政府信息公开工作年度报告"
    page_title = "<html><head><title>丁县2023年政府信息公开工作年度报告_丁县人民政府</title></head><body><h1>丁县人民政府</h1></body></html>"
    assert read_html(page_title, SOURCE).title == "丁县2023年政府信息公开工作年度报告"


def test_publication_date_from_meta_then_chrome_labels():
    assert read_html(wrap("<p>x</p>", head='<meta name="PubDate" content="2024-01-26 10:25">'), SOURCE).published_on == "2024-01-26"
    chrome = "<div class='info'>来源：本网　发布日期：2025年1月6日　浏览次数：</div>"
    assert read_html(wrap("<p>x</p>", chrome=chrome), SOURCE).published_on == "2025-01-06"
    chrome = "<div>成文日期: 2024-01-26</div><div>日期：2024-02-01</div>"
    assert read_html(wrap("<p>x</p>", chrome=chrome), SOURCE).published_on == "2024-01-26"
    assert read_html(wrap("<p>统计期限自2023年1月1日起</p>"), SOURCE).published_on is None


def test_attachments_resolve_against_the_page_and_unwrap_viewers():
    content = """<p>附件：<a href="../../P020240126.pdf">年报.pdf</a></p>
    <a href="/u/report.DOCX?v=2">下载</a><a href="https://other.gov.cn/a.wps">wps</a>
    <a href="/web/viewer.html?file=%2Fupload%2Fscan.pdf">在线预览</a>
    <a href="download.jsp?filename=%E5%B9%B4%E6%8A%A5.xls">表格</a>
    <iframe src="files/embedded.pdf"></iframe><embed src="/e/x.xlsx">
    <a href="/news/1.html">新闻</a><a href="javascript:void(0)">打印</a><a href="../../P020240126.pdf">重复</a>"""
    urls = [a.url for a in read_html(wrap(content), SOURCE).attachments]
    assert urls == [
        "http://www.example.gov.cn/xxgk/P020240126.pdf",
        "http://www.example.gov.cn/u/report.DOCX?v=2",
        "https://other.gov.cn/a.wps",
        "http://www.example.gov.cn/upload/scan.pdf",
        "http://www.example.gov.cn/xxgk/ndbg/2024/download.jsp?filename=%E5%B9%B4%E6%8A%A5.xls",
        "http://www.example.gov.cn/xxgk/ndbg/2024/files/embedded.pdf",
        "http://www.example.gov.cn/e/x.xlsx",
    ]
    assert read_html(wrap(content), SOURCE).attachments[0].text == "年报.pdf"


def test_download_links_named_for_their_file_are_attachments():
    """Download servlets name no file in their address; the link's text does."""
    content = """<p><a href="/module/download/downfile.jsp?classid=0&amp;fileid=3817">附件1：2023年年度报告.PDF</a></p>
    <p><a href="/dl?id=9">附件2：统计表.xlsx（12KB）</a><a href="/dl?id=10">说明（doc版）</a></p>
    <a href="/news/2.html">关于2023年报告的解读</a><a href="javascript:down('a.pdf')">a.pdf</a>"""
    attachments = read_html(wrap(content), SOURCE).attachments
    assert [(a.url, a.text) for a in attachments] == [
        ("http://www.example.gov.cn/module/download/downfile.jsp?classid=0&fileid=3817", "附件1：2023年年度报告.PDF"),
        ("http://www.example.gov.cn/dl?id=9", "附件2：统计表.xlsx（12KB）"),
    ]


def test_base_href_changes_resolution():
    html = wrap('<a href="a.pdf">a</a>', head='<base href="http://cdn.example.gov.cn/files/">')
    assert [a.url for a in read_html(html, SOURCE).attachments] == ["http://cdn.example.gov.cn/files/a.pdf"]


def test_malformed_links_are_skipped_not_fatal():
    html = wrap('<a href="http://[broken/a.pdf">x</a><a href="ok.pdf">ok</a>', head='<base href="http://[bad/">')
    assert [a.url for a in read_html(html, SOURCE).attachments] == ["http://www.example.gov.cn/xxgk/ndbg/2024/ok.pdf"]


WORD_EXPORT = """<div class="TRS_Editor"><div class="Custom_UnionStyle">
<p class="MsoNormal" style="text-indent:32pt"><span style="font-family:仿宋_GB2312">二、主动公开政府信息情况</span><o:p></o:p></p>
<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="600">
 <tbody><tr style="height:20pt">
  <td width="100" rowspan="2" valign="top"><p class="MsoNormal" align="center"><span lang="EN-US">信息<o:p></o:p></span></p>
  <p class="MsoNormal"><span>内容</span></p></td>
  <td width="50" colspan="2"><p align="center"><b><span>本年制发件数</span></b></p></td>
 </tr>
 <tr><td><p><span lang="EN-US">1,<span>234</span><o:p></o:p></span></p></td>
  <td><p><span lang="EN-US"><o:p>&nbsp;</o:p></span></p></td></tr>
 <![if !supportMisalignedColumns]>
 <tr height="0"><td width="100" style="border:none"></td><td width="50" style="border:none"></td><td width="50"></td></tr>
 <![endif]>
</tbody></table></div></div>"""


def test_word_exported_markup_reads_as_its_cells():
    doc = read_html(wrap(WORD_EXPORT), SOURCE)
    assert doc.tables == [[["信息内容", "本年制发件数", None], [None, "1,234", ""]]]
    assert doc.text.splitlines()[1:] == ["二、主动公开政府信息情况", "信息内容 | 本年制发件数", "1,234 | "]


# Blank cells as portal editors write them: the TRS editor's <br/> (pingtan-96868-html), a bare or
# paragraphed &nbsp;, an empty cell, a lone <span>, Word's <o:p>&nbsp;</o:p>. Each is a cell.
BLANKS = {
    "br": "<br/>", "p_br": "<p><br/></p>", "nbsp": "&nbsp;", "p_nbsp": '<p align="center">&nbsp;</p>', "empty": "",
    "span": "<span></span>", "p_span": "<p><span></span></p>",
    "word": '<p class="MsoNormal" align="center"><span lang="EN-US" style="mso-bidi-font-size:10.5pt"><o:p>&nbsp;</o:p></span></p>',
}


@pytest.mark.parametrize("blank", BLANKS.values(), ids=BLANKS.keys())
def test_a_blank_cell_is_a_cell_in_its_own_column(blank):
    row = "".join(f"<td>{cell}</td>" for cell in ("<p>四、结转下年度继续办理&nbsp;</p>", "<p>0</p>", blank, "<p>3</p>"))
    doc = read_html(wrap(f"<table><tr><td>a</td><td>自然人</td><td>商业企业</td><td>总计</td></tr><tr>{row}</tr></table>"),
                    SOURCE)
    assert doc.tables == [[["a", "自然人", "商业企业", "总计"], ["四、结转下年度继续办理", "0", "", "3"]]]


def test_labels_split_over_paragraphs_and_breaks_read_whole():
    """The TRS editor writes a narrow label a character per <p> and wraps headers with <br/> inside
    a <p> that goes on in the next <p> (pingtan-104919-html: `<p>结果<br/>纠</p><p>正</p>`)."""
    cells = ("<p>自</p><p>然</p><p>人</p>", "<p>结果<br/>纠</p><p>正</p>", "<p>商业&nbsp;</p><p>企业&nbsp;</p>",
             "<p>一、本年新收政府信息<br>公开申请数量</p>")
    doc = read_html(wrap("<table><tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr></table>"), SOURCE)
    assert doc.tables == [[["自然人", "结果纠正", "商业企业", "一、本年新收政府信息公开申请数量"]]]


def _word_export(html: str) -> str:
    """A rendered page as Word's "save as web page" writes it: an XML island in a conditional
    comment, mso- styles and <o:p> in every paragraph, and a zero-width spacer cell closing each
    row (`<![if !supportMisalignedColumns]>`) plus the spacer row of empty cells after the table."""
    html = html.replace("<table", "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View>"
                                  "<w:Zoom>90</w:Zoom></w:WordDocument></xml><![endif]--><table")
    html = re.sub(r'<p style="text-align:center">(.*?)</p>',
                  r"<p class=MsoNormal align=center style='text-align:center;mso-pagination:widow-orphan'>"
                  r"<span lang=EN-US style='font-size:10.5pt;mso-bidi-font-family:宋体'>\1<o:p></o:p></span></p>", html)
    html = html.replace("</tr>", "<![if !supportMisalignedColumns]><td style='height:14.25pt;border:none' width=0 "
                                 "height=19></td><![endif]></tr>")
    spacer = "<![if !supportMisalignedColumns]><tr height=0>" + "<td width=40 style='border:none'></td>" * 10
    return html.replace("</tbody>", spacer + "</tr><![endif]></tbody>")


@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda path: path.stem[:3])
def test_word_exported_pages_with_spacer_cells_and_blanks_parse_exactly(seed):
    values = expected(seed)
    for item, column in (("new_received", 2), ("granted", 6), ("carried_forward", 0)):
        values["applications"][item][column] = None
    page = _word_export(render_report(values, "html").decode("utf-8"))
    assert "mso-" in page and "supportMisalignedColumns" in page and "[if gte mso 9]" in page
    report = parse_bytes(page.encode("utf-8"), source=SOURCE)
    assert_same(report.to_json(), values)
    assert "Print" not in report.text  # the conditional comments' XML islands are no text
    assert not [finding for finding in report.findings if finding.rule in ("column_count", "ambiguous_row")]


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
REAL_PAGES = ["pingtan-104906-html", "pingtan-104919-html", "pingtan-96868-html", "pingtan-104919-docx",
              "pingtan-96868-doc"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real-report corpus is not at {CORPUS}")
@pytest.mark.parametrize("case", REAL_PAGES)
def test_real_portal_pages_and_their_word_saves_read_every_cell_of_section_three(case):
    """The real TRS editor pages and LibreOffice's DOCX/DOC saves of them: every row of section 三
    is as wide as its header, the page's blank (96868's `<td><br/></td>`) is a null in its own
    column, and every count equals the hand-read gold."""
    folder = CORPUS / case
    source = next(folder.glob("source.*"))
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    document = read_document(source.read_bytes(), str(source))
    [grid] = [table for table in document.tables if any(row[0] and "本年新收" in row[0] for row in table if row)]
    assert {len(row) for row in grid} == {10}
    report = parse_bytes(source.read_bytes(), source=str(source))
    assert report.applications == gold["applications"]
    assert not [finding for finding in report.findings if finding.rule in ("column_count", "ambiguous_row")]
    if case.startswith("pingtan-96868"):
        [row] = [row for row in grid if row[0] and "结转下年度" in row[0]]
        assert row[3:] == ["0", "", "0", "0", "0", "0", "0"]
        assert report.applications["carried_forward"] == [0, None, 0, 0, 0, 0, 0]


@pytest.mark.parametrize("markup", [b"<div>", b"<table><tr><td>", b"<span>"])
def test_a_page_nested_a_thousand_deep_is_corrupt_html_not_a_crash(markup):
    """Found by the hostile-input campaign: 1,000 nested elements ran the walk out of Python's
    stack (RecursionError, reported as an internal error)."""
    from pipeline.extract import read_document
    from pipeline.errors import ExtractError

    data = b"<html><body>" + markup * 1500 + "2023年某县政府信息公开工作年度报告".encode() + b"</body></html>"
    with pytest.raises(ExtractError) as err:
        read_document(data, "deep.html")
    assert err.value.reason == "corrupt_html"
