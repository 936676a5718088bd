"""Page images (scanned PDFs, image files) to `Document`: ruled tables cell by cell, text by line.

Ruling lines found on the image give each table's grid, merged cells included, by the same grid
logic as drawn PDF rulings. Each cell is cropped and its lines recognised alone: recognising the
whole page misses lone digits in wide cells. Text outside the tables is read line by line, and a
line whose words stand far apart is an unruled table row, kept as " | "-joined cells as the PDF
reader keeps one. The result goes to the same template parser as every other format.

Precision first: a cell that reads as a number (digits, separators, a null dash) but whose least
sure character is below `MIN_DIGIT_CONFIDENCE`, or a cell holding ink that reads as nothing, is
written as `UNSURE`, a null token: the parser leaves the cell null and reports it (`ocr_uncertain`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from pipeline.contract import OCR_UNSURE_TOKEN as UNSURE
from pipeline.errors import ExtractError
from pipeline.extract.document import Document, Grid, title_line
from pipeline.extract.grid import clean_cell, row_line
from pipeline.extract.lines import join_continued
from pipeline.extract.ocr_engine import Reading, recognise
from pipeline.extract.ocr_labels import template_label
from pipeline.extract.ocr_layout import Frame, Page, bands, frames, pieces, prepare

# The least sure character a number may have. Measured with benchmarks/ocr_bench.py (60 pages,
# three degradation levels, 150 dpi): at 0.9 no wrong cell; at 0.6, 3 wrong cells of 1972 on the
# heavily degraded pages (a 6 read as 5; the row check cannot catch that in a row whose total is
# unsure), for 1138 exact instead of 461. Precision first: 0.9.
MIN_DIGIT_CONFIDENCE = 0.90
_NUMERIC = re.compile(r"[\d,.，。０-９—–―─\-/×]+")
_CHINESE = re.compile(r"[\u3400-\u9fff]")
# Measured: the two real scans (150 dpi) read 409 of 412 gold cells exact rendered at 150 dpi and
# 404 at 200; the renderer's 7 pt table text, rasterised at 200 instead of 150 dpi, reads more
# cells exact at the same CPU cost (benchmarks/ocr_bench.py). Real scans decide: 150.
RENDER_DPI = 150
MAX_OCR_PAGES = 60  # a report is rarely longer; OCR of a page takes seconds, the parse timeout is minutes
OCR_SETTING = "XXGK_OCR"  # "0", "off" or "no" turns OCR off (`xxgk parse --no-ocr` sets it)


def ocr_enabled() -> bool:
    """Whether documents without a text layer are read by OCR (on unless the setting says off)."""
    return os.environ.get(OCR_SETTING, "1").strip().lower() not in ("0", "off", "no", "false")


@dataclass
class _Crop:
    """One line of text to recognise: where its reading goes (cell or text line) and its pixels."""

    pixels: np.ndarray
    left: int
    right: int
    reading: Reading | None = None


def _line_crops(page: Page, top: int, bottom: int, left: int, right: int,
                split: bool) -> list[tuple[int, list[_Crop]]]:
    """The text lines of a page region, each as its top row and its pieces (split at wide gaps
    when `split`)."""
    h = page.text_height
    region = page.ink[top:bottom, left:right]
    pad = max(2, int(0.25 * h))
    out = []
    for band_top, band_bottom in bands(region, h):
        band = region[band_top:band_bottom]
        spans = pieces(band, h) if split else [_extent(band)]
        crops = []
        for a, b in spans:
            y0, y1 = top + band_top, top + band_bottom
            x0, x1 = left + a, left + b
            pixels = page.grey[y0:y1, x0:x1]
            crops.append(_Crop(np.pad(pixels, pad, constant_values=255), x0, x1))
        out.append((top + band_top, crops))
    return out


def _extent(band: np.ndarray) -> tuple[int, int]:
    cols = np.flatnonzero(band.any(axis=0))
    return int(cols[0]), int(cols[-1]) + 1


def _cell_value(crops: list[tuple[int, list[_Crop]]], under_seal: bool) -> str:
    """A cell's text from its recognised lines, or UNSURE where a number cannot be read for sure:
    a numeric reading with a doubtful character or with a seal's ink dropped over it (dropping
    the seal may have taken strokes: 0 reads as 1), ink that reads as nothing or as stray marks
    (no Chinese, not a number: a table's labels are Chinese), nothing left under a dropped seal."""
    readings = [crop.reading for _, line in crops for crop in line if crop.reading is not None]
    text = clean_cell("".join(r.text for r in readings))
    if not text:
        return UNSURE if crops or under_seal else ""
    if _NUMERIC.fullmatch(text.replace(" ", "")):
        sure = min((c for r in readings for c in r.confidences), default=0.0)
        return text if sure >= MIN_DIGIT_CONFIDENCE and not under_seal else UNSURE
    return template_label(text) if _CHINESE.search(text) else UNSURE


@dataclass
class _Table:
    top: float
    frame: Frame
    cells: dict[tuple[int, int], list[tuple[int, list[_Crop]]]]  # merged cells by top-left position
    under_seal: set[tuple[int, int]]  # cells with red ink dropped


def _table(page: Page, frame: Frame) -> _Table:
    """The crops of each merged cell, inside its rulings."""
    margin = max(1, int(0.1 * page.text_height))
    seen: dict[int, tuple[int, int]] = {}
    bounds: dict[tuple[int, int], list[int]] = {}
    for r, row in enumerate(frame.ids):
        for c, cell in enumerate(row):
            origin = seen.setdefault(cell, (r, c))
            box = bounds.setdefault(origin, [r, c])
            box[0], box[1] = max(box[0], r), max(box[1], c)
    table = _Table(frame.ys[0], frame, {}, set())
    for (r, c), (r1, c1) in bounds.items():
        top, bottom = int(frame.ys[r]) + margin, int(frame.ys[r1 + 1]) - margin
        left, right = int(frame.xs[c]) + margin, int(frame.xs[c1 + 1]) - margin
        if bottom <= top or right <= left:
            table.cells[(r, c)] = []
            continue
        table.cells[(r, c)] = lines = _line_crops(page, top, bottom, left, right, split=False)
        if _seal_over(page, lines, top, bottom, left, right):
            table.under_seal.add((r, c))
    return table


def _seal_over(page: Page, lines: list[tuple[int, list[_Crop]]], top: int, bottom: int, left: int, right: int) -> bool:
    """Whether red ink was dropped over the cell's text (or anywhere in it, when it holds none),
    within a third of a character of its strokes."""
    reach = int(page.text_height / 3)
    if lines:
        top = max(top, lines[0][0] - reach)
        bottom = min(bottom, lines[-1][0] + int(page.text_height) + reach)
        left = max(left, min(c.left for _, line in lines for c in line) - reach)
        right = min(right, max(c.right for _, line in lines for c in line) + reach)
    return bool(page.red[top:bottom, left:right].any())


def _grid(table: _Table) -> Grid:
    return [[_cell_value(table.cells[(r, c)], (r, c) in table.under_seal) if (r, c) in table.cells else None
             for c in range(len(row))] for r, row in enumerate(table.frame.ids)]


def _page_items(page: Page) -> list[tuple[float, str | tuple[Grid, list[float]]]]:
    """The page's text lines and tables (each its grid and its column boundaries in pixels), top
    to bottom, recognised in one batch."""
    tables = [_table(page, f) for f in frames(page)]
    free = page.ink.copy()
    for table in tables:
        f = table.frame
        free[int(f.ys[0]) - 3:int(f.ys[-1]) + 4, int(f.xs[0]) - 3:int(f.xs[-1]) + 4] = False
    free_page = Page(page.grey, free, page.red, page.text_height, page.skew)
    height, width = free.shape
    lines = _line_crops(free_page, 0, height, 0, width, split=True)
    crops = [crop for t in tables for cell in t.cells.values() for _, line in cell for crop in line]
    crops += [crop for _, line in lines for crop in line]
    for crop, reading in zip(crops, recognise([c.pixels for c in crops])):
        crop.reading = reading
    items: list[tuple[float, str | tuple[Grid, list[float]], bool]] = [
        (t.top, (_grid(t), t.frame.xs), False) for t in tables]
    left = min((line[0].left for _, line in lines), default=0)
    right = max((line[-1].right for _, line in lines), default=0)
    previous_full = False
    for top, line in lines:
        cells = [clean_cell(c.reading.text) for c in line if c.reading is not None]
        text = " | ".join(c for c in cells if c)
        if not text:
            continue
        # a line that starts at the margin after one that ran to the margin continues its paragraph
        continues = previous_full and len(line) == 1 and line[0].left <= left + 0.5 * page.text_height
        items.append((top, text, continues))
        previous_full = len(line) == 1 and line[-1].right >= right - 1.5 * page.text_height
    items.sort(key=lambda item: item[0])
    return join_continued(items)


def read_images(images: list[np.ndarray], source: str, container: str, why: str = "") -> Document:
    """The document the page images hold, in reading order; `container` is the file's format
    ("pdf", "image"), so the source format says both (e.g. "pdf+ocr"). `why` OCR was needed
    goes into the error when the images hold no text."""
    lines: list[str] = []
    tables: list[Grid] = []
    for image in images:
        for _, item in _page_items(prepare(image)):
            if isinstance(item, str):
                lines.append(item)
            else:
                tables.append(item[0])
                lines.extend(row_line(row) for row in item[0])
    if not any(line.strip() for line in lines):
        raise ExtractError("no_text_layer", f"{why or 'the file is an image'}; OCR read no text in it")
    return Document(source=source, source_format=f"{container}+ocr", text="\n".join(lines), tables=tables,
                    title=title_line(lines))


def read_scanned_pdf(data: bytes, source: str, why: str) -> Document:
    """A PDF without usable text read by OCR, its pages rendered at `RENDER_DPI` (up to
    `MAX_OCR_PAGES`); with OCR off, the `no_text_layer` error saying `why`."""
    if not ocr_enabled():
        raise ExtractError("no_text_layer", f"{why}; OCR is turned off")
    return read_images(render_pages(data), source, "pdf", why)


def image_pages(data: bytes, numbers: list[int]) -> dict[int, list[tuple[float, object]]]:
    """Pages `numbers` of a text PDF that hold no text (a scanned page among typed ones) read by
    OCR, as the PDF reader's page items: text lines, and tables with their column boundaries in
    points so a table continued on the next page joins as it does on text pages. Empty when OCR
    is off."""
    if not numbers or not ocr_enabled():
        return {}
    from pipeline.extract.pdf import _Table

    scale = 72 / RENDER_DPI
    out: dict[int, list[tuple[float, object]]] = {}
    for number, image in zip(numbers, render_pages(data, numbers=numbers[:MAX_OCR_PAGES])):
        out[number] = [(0.0, item if isinstance(item, str) else _Table(0.0, [x * scale for x in item[1]], item[0]))
                       for _, item in _page_items(prepare(image))]
    return out


def render_pages(data: bytes, dpi: float | None = None, limit: int | None = None,
                 numbers: list[int] | None = None) -> list[np.ndarray]:
    """A PDF's pages (the first `limit`, or those `numbers`) as colour pixel arrays (pdfium, which
    decodes every image filter a scanner writes: JPEG, JBIG2, CCITT fax, JPEG 2000)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ExtractError("corrupt_pdf", f"the PDF cannot be rendered ({error})") from None
    scale = (dpi or RENDER_DPI) / 72
    wanted = numbers if numbers is not None else range(min(len(pdf), limit or MAX_OCR_PAGES))
    try:
        return [pdf[i].render(scale=scale).to_numpy()[:, :, :3].copy() for i in wanted if i < len(pdf)]
    finally:
        pdf.close()


def decode_image(data: bytes) -> np.ndarray:
    """An image file's pixels (colour kept, so red ink can be dropped); GIF and multi-page TIFF
    give their first frame."""
    import cv2

    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ExtractError("corrupt_image", "the image file cannot be decoded")
    return image


def read_image_file(data: bytes, source: str) -> Document:
    """An image file (.png, .jpg, .gif, .bmp, .tif) read by OCR."""
    if not ocr_enabled():
        raise ExtractError("unsupported_format", "the file is an image and OCR is turned off; kept in the store")
    return read_images([decode_image(data)], source, "image")
