"""Reports whose tables are images: scanned PDFs and image files, read by OCR.

Two real scans (`../shared/scans`, made from reports of the corpus) must read with at least 95 %
of their gold cells exact and none wrong; rendered reports, rasterised and degraded the way scans
are (JPEG, skew, tinted paper, a red seal over the table, blur), must read back with every cell
exact or null with a finding. OCR costs seconds a page: the samples are small and seeded, the
larger run is `benchmarks/ocr_bench.py`.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from pipeline.accuracy import case_gold, compare, corpus_cases
from pipeline.errors import ExtractError
from pipeline.extract import read_document
from pipeline.extract.document import Document
from pipeline.extract.ocr_labels import template_label
from pipeline.parse import parse_document
from pipeline.parse.files import parse_path
from pipeline.record import Report
from pipeline.render import render_report
from seeds import SEED_PATHS, expected

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from ocr_bench import cell_outcomes, degrade, rendered_pages  # noqa: E402

SCANS = corpus_cases(Path(__file__).resolve().parents[2] / "shared" / "scans")


@pytest.mark.skipif(not SCANS, reason="the scans are not at ../shared/scans")
@pytest.mark.parametrize("case", SCANS, ids=lambda case: case.name)
def test_real_scan_reads_to_its_gold_with_no_wrong_cell(case: Path):
    report = parse_path(str(case / "source.pdf"))
    assert isinstance(report, Report), report
    assert report.source_format == "pdf+ocr"
    comparison = compare(report.to_json(), case_gold(case))
    assert comparison.wrong == 0, comparison.differences
    assert comparison.exact >= 0.95 * comparison.cells, comparison.differences
    unsure = {f.item for f in report.findings if f.rule in ("ocr_uncertain", "ambiguous_row", "column_count")}
    for item, counts in report.applications.items():  # every null statistics cell is reported
        assert None not in counts or item in unsure, item


def _null_cells_have_findings(report: dict) -> None:
    named = {f["item"] for f in report["findings"]} | {f["applicant"] for f in report["findings"]}
    for item, counts in report["applications"].items():
        assert None not in counts or item in named, item
    for group, counts in report["review_litigation"].items():
        assert None not in counts or "review_litigation" in named or group in named, group


@pytest.mark.parametrize(("seed", "level"), [(0, "light"), (2, "heavy")])
def test_degraded_render_reads_back_exact_or_null_never_wrong(seed: int, level: str):
    """A seed report rendered to PDF, rasterised at 150 dpi and scanned at a degradation level:
    every statistics cell exact or null with a finding, none wrong."""
    from pipeline.extract.ocr import read_images

    values = expected(SEED_PATHS[seed])
    rng = random.Random(seed)
    pages = [degrade(page, level, rng) for page in rendered_pages(values, 150)]
    report = parse_document(read_images(pages, "scan.pdf", "pdf")).to_json()
    exact, null, wrong, names = cell_outcomes(report, values)
    assert wrong == 0, names
    assert exact > 0
    _null_cells_have_findings(report)
    if level == "light":
        assert exact >= 0.8 * (exact + null), (exact, null)


def test_image_file_is_read_by_ocr():
    import cv2

    values = expected(SEED_PATHS[1])
    first = rendered_pages(values, 150)[0]
    ok, png = cv2.imencode(".png", first)
    document = read_document(png.tobytes(), "http://x.gov.cn/report.png")
    assert document.source_format == "image+ocr"
    assert document.tables and "信息内容" in {cell for grid in document.tables for row in grid for cell in row}


def test_ocr_turned_off_keeps_scans_and_images_unread(monkeypatch):
    monkeypatch.setenv("XXGK_OCR", "0")
    scan = sorted(SCANS)[0] / "source.pdf" if SCANS else None
    if scan is not None:
        with pytest.raises(ExtractError) as error:
            read_document(scan.read_bytes(), "scan.pdf")
        assert error.value.reason == "no_text_layer" and "OCR is turned off" in error.value.message
    with pytest.raises(ExtractError) as error:
        read_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "table.png")
    assert error.value.reason == "unsupported_format"


def test_a_row_that_does_not_add_up_after_ocr_is_null_with_findings():
    """A misread digit can pass every confidence test; the row's total then tells. Read from a
    text rendering marked as OCR'd: the same row in a text document is kept (rule findings
    report a printed mistake there)."""
    values = expected(SEED_PATHS[0])
    values["applications"]["granted"] = [1, 0, 0, 0, 0, 0, 2]  # total 2 for parts summing to 1
    text = render_report(values, "pipes").decode("utf-8")
    ocr = parse_document(Document(source="s.pdf", source_format="pdf+ocr", text=text))
    plain = parse_document(Document(source="s.txt", source_format="text", text=text))
    assert ocr.applications["granted"] == [None] * 7
    assert plain.applications["granted"] == [1, 0, 0, 0, 0, 0, 2]
    assert {(f.rule, f.item) for f in ocr.findings} >= {("ocr_uncertain", "granted")}


def test_unsure_cell_token_is_null_with_an_ocr_uncertain_finding():
    values = expected(SEED_PATHS[0])
    text = render_report(values, "pipes").decode("utf-8")
    row = next(line for line in text.splitlines() if "予以公开" in line)
    unread = row[::-1].replace("0", "〓", 1)[::-1]  # the total column's cell could not be read
    ocr = parse_document(Document(source="s.pdf", source_format="pdf+ocr", text=text.replace(row, unread)))
    assert ocr.applications["granted"][-1] is None
    assert ("ocr_uncertain", "granted", "total") in {(f.rule, f.item, f.applicant) for f in ocr.findings}


@pytest.mark.parametrize(("read", "label"), [
    ("科机构", "科研机构"),  # a seal took a character
    ("社会公兰组织", "社会公益组织"),
    ("2.其他法律行政法规禁止公", "2.其他法律行政法规禁止公开"),
    ("尚味", "尚味"),  # too short to be sure
    ("行政许可", "行政许可"),  # not a template label, and near none
])
def test_a_label_one_character_off_is_the_template_label(read: str, label: str):
    assert template_label(read) == label


def test_xxgk_parse_no_ocr_leaves_an_image_unread(tmp_path: Path, capsys, monkeypatch):
    import cv2

    from assets.cli import main

    monkeypatch.setenv("XXGK_OCR", "1")  # restored after the test, which the CLI sets to "0"
    ok, png = cv2.imencode(".png", rendered_pages(expected(SEED_PATHS[1]), 100)[0])
    image = tmp_path / "table.png"
    image.write_bytes(png.tobytes())
    assert main(["parse", "--no-ocr", "--workers", "1", str(image)]) != 0
    assert "unsupported_format" in capsys.readouterr().err


def _with_page_scanned(data: bytes, number: int) -> bytes:
    """The PDF with page `number` replaced by a 150 dpi JPEG of itself: a scanned page among typed ones."""
    import io

    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(data)
    out = pdfium.PdfDocument.new()
    for i in range(len(source)):
        if i != number:
            out.import_pages(source, [i])
            continue
        width, height = source[i].get_size()
        page = out.new_page(width, height)
        image = pdfium.PdfImage.new(out)
        image.set_bitmap(source[i].render(scale=150 / 72))
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        page.insert_obj(image)
        page.gen_content()
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def test_a_scanned_page_inside_a_text_pdf_is_read_by_ocr():
    values = expected(SEED_PATHS[0])
    data = _with_page_scanned(render_report(values, "pdf"), 1)
    document = read_document(data, "mixed.pdf")
    assert document.source_format == "pdf+ocr"
    report = parse_document(document).to_json()
    exact, null, wrong, names = cell_outcomes(report, values)
    assert wrong == 0, names
    assert exact >= 0.8 * (exact + null), (exact, null)


def test_text_without_unicode_mapping_goes_to_ocr():
    """Glyph ids only: the text layer says nothing, the rendered page is read instead (here the
    font is not embedded, so what OCR reads is no report; with an embedded font it is the text)."""
    from test_extract_pdf import glyph_id_pdf

    assert read_document(glyph_id_pdf(), "r.pdf").source_format == "pdf+ocr"
