"""PDF reader: ruled tables from cell borders (merged cells included), unruled columns from gaps,
paragraph lines rejoined, scanned and corrupt files refused."""

import io
import json
import tracemalloc
import zlib

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from pipeline.errors import ExtractError
from pipeline.extract import pdf_limits, read_document
from pipeline.render import render_report
from pipeline.render.hostile import pdf_file
from pipeline.render.pdf import FONT  # registers the CID font with reportlab
from seeds import SEEDS_DIR


def pdf(draw) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    draw(canvas)
    canvas.save()
    return buffer.getvalue()


def ruled_table(canvas: Canvas, top: float, cells: list[tuple[str, float, float, float, float]]) -> None:
    """cells: (text, left, right, top offset, bottom offset) boxes stroked like a Word export."""
    canvas.setFont(FONT, 9)
    for text, left, right, upper, lower in cells:
        canvas.rect(left, top - lower, right - left, lower - upper, stroke=1, fill=0)
        for i, line in enumerate(text.split("\n")):
            canvas.drawString(left + 3, top - upper - 12 - 11 * i, line)


def test_ruled_table_with_a_cell_spanning_rows_and_columns():
    def draw(canvas):
        canvas.setFont(FONT, 12)
        canvas.drawString(60, 780, "某县2023年政府信息公开工作年度报告")
        ruled_table(canvas, 760, [
            ("勾稽关系", 60, 200, 0, 46),  # 2 rows x 2 columns
            ("申请人情况", 200, 340, 0, 20),
            ("商业\n企业", 200, 270, 20, 46),  # header words wrapped inside one cell
            ("科研机构", 270, 340, 20, 46),
            ("一、新收", 60, 130, 46, 66), ("合计", 130, 200, 46, 66), ("1,234", 200, 270, 46, 66), ("", 270, 340, 46, 66),
        ])
        canvas.drawString(60, 680, "五、存在的主要问题")
    doc = read_document(pdf(draw), "http://x.gov.cn/r.pdf")
    assert doc.source_format == "pdf"
    assert doc.tables == [[
        ["勾稽关系", None, "申请人情况", None],
        [None, None, "商业企业", "科研机构"],
        ["一、新收", "合计", "1,234", ""],
    ]]
    assert doc.text.splitlines() == ["某县2023年政府信息公开工作年度报告", "勾稽关系 | 申请人情况", "商业企业 | 科研机构",
                                     "一、新收 | 合计 | 1,234 | ", "五、存在的主要问题"]
    assert doc.title == "某县2023年政府信息公开工作年度报告"


def test_a_page_border_is_not_a_table():
    def draw(canvas):
        canvas.rect(20, 20, 555, 800, stroke=1, fill=0)
        canvas.setFont(FONT, 10)
        canvas.drawString(60, 760, "一、总体情况")
        ruled_table(canvas, 700, [("规章", 60, 200, 0, 20), ("0", 200, 260, 0, 20)])
        canvas.drawString(60, 600, "五、存在的主要问题")
    doc = read_document(pdf(draw), "r.pdf")
    assert doc.tables == [[["规章", "0"]]]
    assert doc.text.splitlines() == ["一、总体情况", "规章 | 0", "五、存在的主要问题"]


def test_unruled_columns_become_cell_lines_at_gaps():
    def draw(canvas):
        canvas.setFont(FONT, 9)
        canvas.drawString(60, 700, "行政复议情况如下")
        for row, cells in enumerate((("结果维持", "结果纠正", "总计"), ("1", "0", "1"))):
            for column, text in enumerate(cells):
                canvas.drawString(60 + 90 * column, 680 - 14 * row, text)
    doc = read_document(pdf(draw), "r.pdf")
    assert doc.tables == []  # no rulings: cells are sure, rows and spans are not, so no grid
    assert doc.text.splitlines() == ["行政复议情况如下", "结果维持 | 结果纠正 | 总计", "1 | 0 | 1"]


def test_a_table_continued_on_the_next_page_is_one_grid_despite_page_numbers():
    def draw(canvas):
        ruled_table(canvas, 200, [("一、新收", 60, 200, 0, 20), ("1", 200, 260, 0, 20)])
        canvas.drawString(280, 40, "- 1 -")
        canvas.showPage()
        ruled_table(canvas, 780, [("四、结转", 60, 200, 0, 20), ("0", 200, 260, 0, 20)])
        canvas.drawString(280, 40, "第2页")
    doc = read_document(pdf(draw), "r.pdf")
    assert doc.tables == [[["一、新收", "1"], ["四、结转", "0"]]]
    assert doc.text.splitlines() == ["一、新收 | 1", "四、结转 | 0"]


def test_a_bare_number_inside_the_page_is_content_not_a_page_number():
    """A number too wide for its borderless column wraps, "1673" above the row and "5" below it:
    the "5" is half a count, joined with its other half into the row, not dropped as page furniture
    (that left a row of 15 that read wrong)."""
    def draw(canvas):
        canvas.setFont(FONT, 9)
        canvas.drawString(60, 520, "结果维持")
        canvas.drawString(160, 520, "总计")
        canvas.drawString(160, 508, "1673")
        canvas.drawString(60, 500, "7481")
        canvas.drawString(160, 492, "5")
        canvas.drawString(280, 40, "3")
    doc = read_document(pdf(draw), "r.pdf")
    assert doc.text.splitlines() == ["结果维持 | 总计", "7481 | 16735"]


@pytest.mark.parametrize(("above", "below", "row", "lines"), [
    # rows a full line apart: a blank cell between two counts of that column, not a wrapped number
    ((160, 516, "3"), (160, 484, "5"), [(60, 500, "7481")], ["3", "7481", "5"]),
    # a label's half above: not a number's halves (the parser's label rules take it from there)
    ((60, 508, "1.本机关不掌握"), (160, 492, "5"), [(60, 500, "7481")], ["1.本机关不掌握", "7481", "5"]),
    # the row has text in that column: the halves are not its missing count
    ((160, 508, "1673"), (160, 492, "5"), [(60, 500, "7481"), (160, 500, "9")], ["1673", "7481 | 9", "5"]),
], ids=["rows-apart", "label-above", "column-taken"])
def test_only_halves_of_a_number_around_its_row_are_joined(above, below, row, lines):
    def draw(canvas):
        canvas.setFont(FONT, 9)
        canvas.drawString(60, 520 + 16, "结果维持")
        canvas.drawString(160, 520 + 16, "总计")
        for x, y, text in (above, *row, below):
            canvas.drawString(x, y, text)
        canvas.drawString(280, 40, "3")  # the page number
    assert read_document(pdf(draw), "r.pdf").text.splitlines()[1:] == lines


def test_rendered_pdf_reads_back_the_same_grids_as_rendered_html():
    values = json.loads((SEEDS_DIR / "expected" / "002_e73d5a6c979587d5.json").read_text(encoding="utf-8"))
    from_pdf = read_document(render_report(values, "pdf"), "r.pdf")
    from_html = read_document(render_report(values, "html"), "r.html")
    assert len(from_pdf.tables) == 3 and from_pdf.tables == from_html.tables
    # wrapped prose lines are rejoined into their paragraph
    assert "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。" in from_pdf.text


def test_scanned_pdf_has_no_text_layer():
    image = Image.new("RGB", (200, 100), "white")
    def draw(canvas):
        canvas.drawImage(ImageReader(image), 50, 500, width=400, height=200)
    with pytest.raises(ExtractError) as error:
        read_document(pdf(draw), "http://x.gov.cn/scan.pdf")
    assert error.value.reason == "no_text_layer" and "OCR" in error.value.message


def test_truncated_pdf_is_corrupt():
    data = render_report({"agency": "某县", "year": 2023, "template": "2021"}, "pdf")
    with pytest.raises(ExtractError) as error:
        read_document(data[:200], "r.pdf")
    assert error.value.reason == "corrupt_pdf"


def hand_pdf(streams: list[bytes], stream_attrs: bytes = b"", fonts: tuple[bytes, ...] = ()) -> bytes:
    """A hand-written PDF, a page per content stream as stored (`stream_attrs` names its filters);
    `fonts` are the first font's object and the objects it refers to, numbered on from there."""
    font = 3 + 2 * len(streams)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(len(streams))),
                                                     len(streams)),
    ]
    for i, stream in enumerate(streams):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >>"
                       b" /Contents %d 0 R >>" % (font, 4 + 2 * i))
        objects.append(b"<< /Length %d %s >>\nstream\n" % (len(stream), stream_attrs) + stream + b"\nendstream")
    objects += fonts
    return pdf_file(objects)


def glyph_id_pdf(widths: bytes = b"") -> bytes:
    """A CID font without a ToUnicode map: text extracts as glyph ids only. `widths`: its /W array."""
    return hand_pdf([b"BT /F1 12 Tf 72 700 Td <00410042004300440045> Tj ET"], fonts=(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /XYZ /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /XYZ /DW 1000" + (b" /W " + widths if widths else b"") +
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
    ))


def test_text_without_unicode_mapping_counts_as_no_text_layer(monkeypatch):
    monkeypatch.setenv("XXGK_OCR", "0")  # with OCR on, such pages are read from their image (tests/test_ocr.py)
    with pytest.raises(ExtractError) as error:
        read_document(glyph_id_pdf(), "r.pdf")
    assert error.value.reason == "no_text_layer" and "Unicode" in error.value.message


# Decompression bombs: a small file whose streams inflate far past any report's size.

HELVETICA = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",)  # a standard font: no font file
TEXT = b"BT /F1 12 Tf 72 700 Td (Annual report 2023) Tj ET\n"


def deflated(size: int, unit: bytes = b" ") -> bytes:
    """`size` bytes of `unit` repeated, deflated a megabyte at a time (a bomb in well under a second)."""
    packer = zlib.compressobj(9)
    block = unit * (1024 * 1024 // len(unit))
    parts = [packer.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + packer.flush()


def lzw(codes_for: int) -> bytes:
    """LZW codes (9-12 bits, PDF's early change) for "a" repeated 1 + 2 + ... + `codes_for` + 1
    times: each code names the entry the decoder is about to add, "a" once more than the last."""
    last = 257 + codes_for
    # (code, the table's length when it is read): the length sets the code's width.
    codes = [(256, 258), (ord("a"), 258), *((code, code) for code in range(258, last + 1)), (257, last + 1)]
    bits = filled = 0
    out = bytearray()
    for code, length in codes:
        size = 9 if length < 511 else 10 if length < 1023 else 11 if length < 2047 else 12
        bits, filled = (bits << size) | code, filled + size
        while filled >= 8:
            filled -= 8
            out.append((bits >> filled) & 0xFF)
    if filled:
        out.append((bits << (8 - filled)) & 0xFF)
    return bytes(out)


def test_a_flate_stream_inflating_past_the_limit_is_refused_before_it_is_inflated():
    bomb = hand_pdf([deflated(pdf_limits.MAX_INFLATED_BYTES + 8 * 1024 * 1024)], b"/Filter /FlateDecode", HELVETICA)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ExtractError) as error:
            read_document(bomb, "http://x.gov.cn/bomb.pdf")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.value.reason == "corrupt_pdf"
    assert f"inflate past the {pdf_limits.MAX_INFLATED_BYTES:,}-byte limit" in error.value.message
    assert peak < pdf_limits.MAX_INFLATED_BYTES * 2.5  # the parts and their join, nothing past the limit


@pytest.mark.parametrize("attrs, stored", [
    (b"/Filter /FlateDecode", zlib.compress(TEXT + b" " * 3_000_000)),
    (b"/Filter /LZWDecode", lzw(2_600)),  # 3.4 MB of "a"
    (b"/Filter /RunLengthDecode", bytes([129, 32]) * 30_000 + b"\x80"),  # 3.8 MB of spaces
    (b"/Filter [/ASCIIHexDecode /FlateDecode]", zlib.compress(TEXT + b" " * 3_000_000).hex().encode() + b">"),
])
def test_every_inflating_filter_is_held_to_the_documents_budget(monkeypatch, attrs, stored):
    monkeypatch.setattr(pdf_limits, "MAX_INFLATED_BYTES", 1_000_000)
    with pytest.raises(ExtractError) as error:
        read_document(hand_pdf([stored], attrs, HELVETICA), "http://x.gov.cn/bomb.pdf")
    assert error.value.reason == "corrupt_pdf" and "inflate past the 1,000,000-byte limit" in error.value.message


@pytest.mark.parametrize("attrs, stored", [
    (b"/Filter /FlateDecode", zlib.compress(TEXT)),
    (b"/Filter /RunLengthDecode", bytes([len(TEXT) - 1]) + TEXT + b"\x80"),
    (b"/Filter /RunLengthDecode", bytes([len(TEXT) - 1]) + TEXT + bytes([254, 32])),  # no end marker
])
def test_streams_within_the_budget_decode_as_before(attrs, stored):
    document = read_document(hand_pdf([stored], attrs, HELVETICA), "http://x.gov.cn/r.pdf")
    assert "Annual report 2023" in document.text


def test_the_budget_is_per_document_not_per_stream(monkeypatch):
    """Pages each well under the limit add up: the budget counts a document's streams together,
    and starts afresh for the next document."""
    monkeypatch.setattr(pdf_limits, "MAX_INFLATED_BYTES", 1_000_000)
    page = zlib.compress(TEXT + b" " * 400_000)
    assert read_document(hand_pdf([page] * 2, b"/Filter /FlateDecode", HELVETICA), "r.pdf").text.count("Annual") == 2
    assert read_document(hand_pdf([page] * 2, b"/Filter /FlateDecode", HELVETICA), "r.pdf").text.count("Annual") == 2
    with pytest.raises(ExtractError) as error:
        read_document(hand_pdf([page] * 3, b"/Filter /FlateDecode", HELVETICA), "http://x.gov.cn/r.pdf")
    assert error.value.reason == "corrupt_pdf" and "inflate past" in error.value.message


def extract_outcome(data: bytes) -> str:
    """What reading `data` ends in (a worker job: the memory cap guards the test run itself)."""
    try:
        read_document(data, "r.pdf")
    except ExtractError as error:
        return f"{error.reason}: {error.message}"
    return "read"


def test_a_damaged_width_range_costs_no_memory(monkeypatch):
    """A CID font's `/W` range `first last width` is a table entry per CID; a damaged one
    (`1 99999999999 500`, from fuzzing: 10 KB took 24 GB) is cut to the 65,536 CIDs a range can
    span. Read in a worker capped at 1 GiB: without the cut, the result is MemoryError."""
    from pipeline.workers import WorkerPool

    monkeypatch.setenv("XXGK_OCR", "0")  # the text layer's cost is measured, not OCR's
    with WorkerPool(extract_outcome, 1, timeout=120, memory_limit=1024 ** 3) as pool:
        pool.submit("damaged", glyph_id_pdf(b"[1 99999999999 500 3 [600 700] 70000 70001 800]"))
        _, outcome = pool.next_done()
    assert outcome.startswith("no_text_layer")


def test_width_ranges_read_as_pdfminer_reads_them_only_cut_to_the_cid_space():
    cut = pdf_limits.within_cid_space([1, 99999999999, 500, 3, [600, 700], 70000, 70001, 800, "junk", 7, 9, 1], 3)
    assert cut == [1, 1 + 0xFFFF, 500, 3, [600, 700], 70000, 70001, 800, 7, 9, 1]
    assert pdf_limits.within_cid_space([5, 2 ** 40, 1000, -500, 880], 5) == [5, 5 + 0xFFFF, 1000, -500, 880]
