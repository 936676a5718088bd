"""The report as a text-layer PDF (reportlab), tables drawn as ruled cells at fixed positions.

Uses the built-in CID font STSong-Light, so no font file ships with the project and pdfminer maps
its glyphs back to Unicode through the Adobe-GB1 CMaps it bundles. Cells are stroked rectangles,
one per merged cell, the way Word's PDF export draws table borders.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from pipeline.render.report import Paragraph, ReportDoc, Table
from pipeline.render.text import table_positions

FONT = "STSong-Light"
_MARGIN = 50.0
_PAGE_W, _PAGE_H = A4
_USABLE = _PAGE_W - 2 * _MARGIN
_SIZES = {"title": 15.0, "heading": 10.5, "body": 10.5, "signature": 10.5}
_CELL_SIZE, _CELL_LEADING, _CELL_PAD = 7.0, 9.0, 2.5
# Column widths per template table width; label columns wide, count columns narrow.
_COLUMNS = {4: [135.0, 120.0, 120.0, 120.0], 10: [58.0, 72.0, 155.0] + [30.0] * 7}

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy line breaking by measured width, character by character (CJK has no word spaces)."""
    lines: list[str] = []
    for part in text.split("\n"):
        line = ""
        for char in part:
            if line and pdfmetrics.stringWidth(line + char, FONT, size) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


class _Writer:
    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, invariant=True)
        self.y = _PAGE_H - _MARGIN

    def ensure(self, height: float) -> None:
        if self.y - height < _MARGIN:
            self.canvas.showPage()
            self.y = _PAGE_H - _MARGIN

    def paragraph(self, block: Paragraph) -> None:
        size = _SIZES[block.kind]
        indent = "\u3000\u3000" if block.kind in ("body", "heading") else ""  # Chinese paragraph indent
        for line in wrap(indent + block.text, _USABLE, size):
            self.ensure(size * 1.6)
            self.y -= size * 1.6
            self.canvas.setFont(FONT, size)
            width = pdfmetrics.stringWidth(line, FONT, size)
            if block.kind == "title":
                x = (_PAGE_W - width) / 2
            elif block.kind == "signature":
                x = _PAGE_W - _MARGIN - width
            else:
                x = _MARGIN
            self.canvas.drawString(x, self.y, line)

    def table(self, table: Table, ruled: bool) -> None:
        widths = _COLUMNS.get(table.width) or [_USABLE / table.width] * table.width
        lefts = [_MARGIN + sum(widths[:c]) for c in range(table.width + 1)]
        positions = table_positions(table)
        placed = [(r, c, cell, wrap(cell.text, lefts[c + cell.colspan] - lefts[c] - 2 * _CELL_PAD, _CELL_SIZE))
                  for r, row in enumerate(positions) for c, cell in enumerate(row) if cell is not None]
        heights = [_CELL_LEADING + 2 * _CELL_PAD] * len(positions)
        for r, _, cell, lines in sorted(placed, key=lambda p: p[2].rowspan):
            needed = len(lines) * _CELL_LEADING + 2 * _CELL_PAD
            spanned = sum(heights[r:r + cell.rowspan])
            if needed > spanned:
                heights[r + cell.rowspan - 1] += needed - spanned
        self.y -= 4.0
        self.ensure(sum(heights))
        tops = [self.y - sum(heights[:r]) for r in range(len(positions) + 1)]
        canvas = self.canvas
        canvas.setLineWidth(0.5)
        canvas.setFont(FONT, _CELL_SIZE)
        for r, c, cell, lines in placed:
            left, right = lefts[c], lefts[c + cell.colspan]
            top, bottom = tops[r], tops[r + cell.rowspan]
            if ruled:
                canvas.rect(left, bottom, right - left, top - bottom, stroke=1, fill=0)
            baseline = (top + bottom) / 2 + (len(lines) * _CELL_LEADING) / 2 - _CELL_SIZE
            for line in lines:
                width = pdfmetrics.stringWidth(line, FONT, _CELL_SIZE)
                canvas.drawString((left + right - width) / 2, baseline, line)
                baseline -= _CELL_LEADING
        self.y = tops[-1] - 4.0

    def finish(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()


def render_pdf(report: ReportDoc, ruled: bool = True) -> bytes:
    """A4 pages; `ruled=False` draws tables without borders, as some exports do, so readers must
    fall back on positions alone."""
    writer = _Writer()
    writer.canvas.setTitle(report.title)
    for block in report.blocks:
        if isinstance(block, Table):
            writer.table(block, ruled)
        else:
            writer.paragraph(block)
    return writer.finish()
