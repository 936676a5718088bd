"""PDFs as browsers print portal pages and as WPS exports them: the layouts of the real reports in
`../shared/corpus` (pingtan-*-pdf printed by Chromium, hongze-*/huaian-* made by WPS), drawn here
piece by piece, rendered whole (`pdf_print`, `pdf_print_thead`), and read from the real files."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline.accuracy import case_gold, compare
from pipeline.extract import read_document
from pipeline.parse import parse_bytes
from pipeline.parse.files import parse_path
from pipeline.render import render_report
from pipeline.render.pdf import FONT  # registers the CID font with reportlab
from seeds import COMPARED, SEED_PATHS, expected

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PRINTED = ("pingtan-104906-pdf", "pingtan-104919-pdf", "pingtan-96868-pdf")
WPS = ("hongze-2023", "hongze-2024", "huaian-2024")
needs_corpus = pytest.mark.skipif(not all((CORPUS / case / "source.pdf").exists() for case in PRINTED + WPS),
                                  reason=f"the real-report corpus is not at {CORPUS}")
RADICALS = range(0x2E80, 0x2FE0)  # CJK Radicals Supplement and Kangxi Radicals


def pdf(*pages) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for draw in pages:
        draw(canvas)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def edge(canvas: Canvas, x0: float, y0: float, x1: float, y1: float) -> None:
    """A CSS border edge as Chromium prints it: a thin filled rectangle."""
    canvas.rect(x0 - 0.375, y0 - 0.375, x1 - x0 + 0.75, y1 - y0 + 0.75, stroke=0, fill=1)


def printed_rows(canvas: Canvas, top: float, xs: list[float], rows: list[list[str]], open_top: bool) -> None:
    """Rows 20 pt high, each cell bordered; `open_top`: the first row has no top edge (it opens a
    page, its top border was drawn under the last row of the page before)."""
    canvas.setFont(FONT, 9)
    for r, row in enumerate(rows):
        upper, lower = top - 20 * r, top - 20 * (r + 1)
        for c, text in enumerate(row):
            edge(canvas, xs[c], lower, xs[c], upper)
            edge(canvas, xs[c + 1], lower, xs[c + 1], upper)
            edge(canvas, xs[c], lower, xs[c + 1], lower)
            if r or not open_top:
                edge(canvas, xs[c], upper, xs[c + 1], upper)
            canvas.drawString(xs[c] + 3, lower + 6, text)


def test_radicals_a_browser_writes_read_as_the_characters_they_stand_for():
    """Chromium's text layer writes 民 as CJK RADICAL CIVILIAN (U+2EA0) and 长, 页 as their
    simplified radicals: the reader gives the characters, so labels and names match."""
    def page(canvas):
        canvas.setFont(FONT, 12)
        canvas.drawString(60, 780, "某县人\u2ea0政府2024年政府信息公开工作年度报告")
        canvas.drawString(100, 760, "\u2ed3者模式 首\u2eda")
    text = read_document(pdf(page), "r.pdf").text
    assert text.splitlines() == ["某县人民政府2024年政府信息公开工作年度报告", "长者模式 首页"]


def test_a_row_opening_a_page_without_its_top_border_stays_in_the_table():
    """A browser draws the border two rows share once, on the page before the break: the row that
    opens the next page has side borders and a bottom one only, and is still the table's row."""
    xs = [60.0, 200.0, 260.0, 320.0]
    first = lambda canvas: printed_rows(canvas, 300, xs, [["1.属于国家秘密", "1", "0"], ["2.其他", "0", "0"]], False)
    second = lambda canvas: printed_rows(canvas, 800, xs, [["3.危及", "", "2"], ["4.保护第三方", "0", "0"]], True)
    doc = read_document(pdf(first, second), "r.pdf")
    assert doc.tables == [[["1.属于国家秘密", "1", "0"], ["2.其他", "0", "0"], ["3.危及", "", "2"], ["4.保护第三方", "0", "0"]]]


def test_a_continued_table_with_fewer_column_rulings_is_widened_to_the_full_grid():
    """A page whose rows all span a column boundary (labels over two label columns) has no ruling
    there; joined with the part that has it, each of its rows keeps its cells in their columns."""
    wide = lambda canvas: printed_rows(canvas, 300, [60.0, 120.0, 200.0, 260.0], [["（三）", "1.秘密", "5"]], False)
    narrow = lambda canvas: printed_rows(canvas, 800, [60.0, 200.0, 260.0], [["四、结转", ""], ["五、合计", "7"]], True)
    doc = read_document(pdf(wide, narrow), "r.pdf")
    assert doc.tables == [[["（三）", "1.秘密", "5"], ["四、结转", None, ""], ["五、合计", None, "7"]]]


def test_text_of_a_cell_broken_over_a_page_break_is_put_back_in_that_cell():
    """A header cell spanning two rows with the break between them: the browser prints "自" in its
    piece on the first page and "然人" in the piece on the next, with no border between the pieces.
    The grid holds the cell once, its whole text at its origin; the piece is no blank cell."""
    xs = [60.0, 120.0, 180.0]

    def first(canvas):
        printed_rows(canvas, 300, xs, [["申请人", "情况"]], False)
        canvas.setFont(FONT, 9)
        edge(canvas, 60, 260, 60, 280), edge(canvas, 120, 260, 120, 280), edge(canvas, 180, 260, 180, 280)
        edge(canvas, 120, 260, 180, 260)  # the row's second cell ends here, the first runs on
        canvas.drawString(63, 266, "自")
        canvas.drawString(123, 266, "商业企业")

    def second(canvas):
        printed_rows(canvas, 800, xs, [["然人", "科研机构"], ["1", "2"]], True)

    doc = read_document(pdf(first, second), "r.pdf")
    assert doc.tables == [[["申请人", "情况"], ["自然人", "商业企业"], [None, "科研机构"], ["1", "2"]]]


def test_white_backgrounds_behind_text_lines_are_not_table_rulings():
    """WPS puts a white filled box behind every line of a paragraph: those are no cell borders,
    the lines are prose and rejoin into their paragraph."""
    def page(canvas):
        canvas.setFont(FONT, 12)
        lines = ["本报告由某区人民政府办公室根据《条例》要求编制。如对本报告有疑问，请与", "某市某区人民政府办公室联系。"]
        for i, line in enumerate(lines):
            canvas.setFillColorRGB(1, 1, 1)
            canvas.rect(58, 770 - 20 * i, 480, 20, stroke=0, fill=1)
            canvas.setFillColorRGB(0, 0, 0)
            canvas.drawString(60, 776 - 20 * i, line)
    doc = read_document(pdf(page), "r.pdf")
    assert doc.tables == []
    assert doc.text == "本报告由某区人民政府办公室根据《条例》要求编制。如对本报告有疑问，请与某市某区人民政府办公室联系。"


def test_a_sliver_between_two_rows_cell_borders_is_not_a_column():
    """WPS strokes each cell's borders: one row's boundary at x=200, the next row's two points
    off, would make an empty column two points wide and shift the row's cells one column on."""
    def page(canvas):
        canvas.setFont(FONT, 9)
        for (left, right), (upper, lower), text in [((60, 200), (700, 680), "结果维持"), ((200, 300), (700, 680), "总计"),
                                                    ((60, 202), (680, 660), "10"), ((202, 300), (680, 660), "0")]:
            canvas.rect(left, lower, right - left, upper - lower, stroke=1, fill=0)
            canvas.drawString(left + 3, lower + 6, text)
    assert read_document(pdf(page), "r.pdf").tables == [[["结果维持", "总计"], ["10", "0"]]]


def test_a_menu_line_wider_than_the_body_does_not_stop_wrapped_lines_rejoining():
    """The text area's right edge is where wrapped lines end, not the end of the widest line: a
    printed page's menu bar runs past the body."""
    def page(canvas):
        canvas.setFont(FONT, 10)
        canvas.drawString(40, 800, "首页 政务公开 解读回应 办事服务 互动交流 走进本区 政府信息公开 领导之窗 政府机构 政策文件库 数据开放")
        body = "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。" * 4
        for i, start in enumerate(range(0, len(body), 40)):
            canvas.drawString(60, 760 - 16 * i, body[start : start + 40])
    lines = read_document(pdf(page), "r.pdf").text.splitlines()
    assert lines[1] == "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。" * 4 and len(lines) == 2


@pytest.mark.parametrize("layout", ["pdf_print", "pdf_print_thead"])
def test_printed_page_keeps_every_row_of_tables_broken_over_pages(layout):
    """Section 三 of a printed page runs over a page break (its header repeated or not): it reads
    as one grid of the template's 28 rows on 10 columns, every value in its column."""
    values = expected(SEED_PATHS[1])
    doc = read_document(render_report(values, layout), "r.pdf")
    applications = next(grid for grid in doc.tables if any("本年新收" in (cell or "") for cell in grid[3]))
    headers = sum("勾稽关系" in (row[0] or "") for row in applications)  # repeated on each page after a break
    assert headers > 1 if layout == "pdf_print_thead" else headers == 1
    assert len(applications) == 3 * headers + len(values["applications"])
    assert {len(row) for row in applications} == {10}
    report = parse_bytes(render_report(values, layout), source="http://x.gov.cn/r.pdf")
    assert {key: report.to_json()[key] for key in COMPARED} == {key: values[key] for key in COMPARED}


def test_printed_page_reads_agency_and_date_from_its_chrome_not_a_signature():
    """After the report, the site's footer ends the printed page, so no signature closes the text:
    the date comes from the article's 时间 line and the agency from the title."""
    values = expected(SEED_PATHS[3])
    doc = read_document(render_report(values, "pdf_print"), "r.pdf")
    assert doc.text.splitlines()[-1].startswith("网站标识码")
    report = parse_bytes(render_report(values, "pdf_print"), source="http://x.gov.cn/r.pdf")
    assert (report.agency, report.year, report.published_on) == (values["agency"], values["year"],
                                                                   values["published_on"])


@pytest.mark.parametrize("layout", ["pdf_print", "pdf_print_thead"])
def test_printed_page_with_many_blank_cells_never_reads_a_value_into_another_column(layout):
    """A third of section 三 and 四 left blank: each value is read in its own column or left null
    with a finding, never moved into a neighbour's column (258 read as the 商业企业 count)."""
    rng = random.Random(12)
    for seed in SEED_PATHS:
        values = expected(seed)
        for row in [*values["applications"].values(), *values["review_litigation"].values()]:
            for i in range(len(row)):
                if rng.random() < 0.33:
                    row[i] = None
        report = parse_bytes(render_report(values, layout), source="http://x.gov.cn/r.pdf")
        for table, read in (("applications", report.applications), ("review_litigation", report.review_litigation)):
            for key, row in values[table].items():
                got = read.get(key) or [None] * len(row)
                assert all(value is None or value == want for value, want in zip(got, row)), (seed.name, key)
                if got != row:
                    assert report.findings, (seed.name, key)


@needs_corpus
@pytest.mark.parametrize("case", PRINTED + WPS)
def test_real_printed_and_wps_pdfs_read_every_section_cell_of_their_gold(case):
    """The real files: every section 二/三/四 cell and the agency, year and date exact (the
    agency's kind is the region resolver's reading, not the PDF's)."""
    report = parse_path(str(CORPUS / case / "source.pdf"))
    comparison = compare(report.to_json(), case_gold(CORPUS / case))
    assert [line for line in comparison.differences if not line.startswith("agency_kind")] == []
    assert (report.agency, report.year) == (case_gold(CORPUS / case)["agency"], case_gold(CORPUS / case)["year"])


@needs_corpus
@pytest.mark.parametrize("case", PRINTED)
def test_real_printed_pdf_text_has_no_radicals_and_one_grid_per_statistics_table(case):
    """Chromium's radicals are gone from the text, and section 三 broken over three pages is one
    grid holding all its rows, those opening a page without a top border included."""
    doc = read_document((CORPUS / case / "source.pdf").read_bytes(), "r.pdf")
    assert not any(ord(char) in RADICALS for char in doc.text)
    grids = [grid for grid in doc.tables if any("本年新收" in (cell or "") for row in grid for cell in row)]
    assert len(grids) == 1 and {len(row) for row in grids[0]} == {10}
    labels = [next((cell for cell in row[:3] if cell), "") for row in grids[0]]
    assert any("内部事务" in label for label in labels) and labels[-1].startswith("四、结转")


@needs_corpus
@pytest.mark.parametrize("case", WPS)
def test_real_wps_pdf_prose_is_not_a_table_and_section_four_has_fifteen_columns(case):
    """WPS's white line backgrounds make no tables of the prose, and the cell borders two points
    apart make no sliver column in section 四."""
    doc = read_document((CORPUS / case / "source.pdf").read_bytes(), "r.pdf")
    assert all(any("第二十条" in (cell or "") or "本年新收" in (cell or "") or "行政复议" in (cell or "")
                   for row in grid for cell in row) for grid in doc.tables)
    review = next(grid for grid in doc.tables if any((cell or "").startswith("行政复议") for cell in grid[0]))
    assert {len(row) for row in review} == {15}
