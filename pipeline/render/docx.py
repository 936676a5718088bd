"""The report as a minimal valid .docx (std-lib zipfile), merged cells as Word writes them.

Word stores a column span as `w:gridSpan` on the cell and a row span as `w:vMerge="restart"` on
the first cell plus an empty `w:vMerge` continuation cell in every row below, which is exactly
what the DOCX reader has to undo.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from pipeline.render.report import Cell, Paragraph, ReportDoc, Table
from pipeline.render.text import table_positions

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_BORDERS = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                   for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
_ALIGN = {"title": "center", "signature": "right"}
_PAGE_TWIPS = 9000


def _paragraph(text: str, align: str | None = None, bold: bool = False) -> str:
    props = f'<w:pPr><w:jc w:val="{align}"/></w:pPr>' if align else ""
    run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    run = f'<w:r>{run_props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f"<w:p>{props}{run}</w:p>"


def _cell(span: int, merge: str | None, cell: Cell | None) -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        '<w:vMerge w:val="restart"/>' if merge == "restart" else "<w:vMerge/>" if merge else "")
    paragraphs = "".join(_paragraph(part, "center") for part in cell.text.split("\n")) if cell else _paragraph("")
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>"


def _table(table: Table) -> str:
    positions = table_positions(table)
    owner: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(positions):
        for c, cell in enumerate(row):
            if cell is not None:
                for rr in range(r, r + cell.rowspan):
                    owner[rr, c] = cell
    rows = []
    for r, row in enumerate(positions):
        cells, c = [], 0
        while c < table.width:
            cell = row[c] if c < len(row) else None
            if cell is not None:
                cells.append(_cell(cell.colspan, "restart" if cell.rowspan > 1 else None, cell))
                c += cell.colspan
            elif (r, c) in owner:  # continuation of a rowspan from above
                span = owner[r, c].colspan
                cells.append(_cell(span, "continue", None))
                c += span
            else:
                cells.append(_cell(1, None, None))
                c += 1
        rows.append("<w:tr>" + "".join(cells) + "</w:tr>")
    width = _PAGE_TWIPS // table.width
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in range(table.width))
    return (f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{_BORDERS}</w:tblBorders></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")


def render_docx(report: ReportDoc) -> bytes:
    """Only the three parts Word needs to open the file; styles and settings fall back to defaults."""
    body = []
    for block in report.blocks:
        if isinstance(block, Paragraph):
            body.append(_paragraph(block.text, _ALIGN.get(block.kind), bold=block.kind in ("title", "heading")))
        else:
            body.append(_table(block))
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_NS}><w:body>'
                + "".join(body) + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                              ("word/document.xml", document)):
            # A fixed timestamp keeps the bytes (and the demo portal's ETags) identical across builds.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
