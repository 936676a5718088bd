"""The report as a minimal valid .docx (std-lib zipfile), merged cells as Word writes them.

Word stores a column span as `w:gridSpan` on the cell and a row span as `w:vMerge="restart"` on
the first cell plus an empty `w:vMerge` continuation cell in every row below, which is exactly
what the DOCX reader has to undo. With `auto_numbering` the headings' and row labels' numbers
("一、", "（一）", "1.") are Word list numbers instead of text, as in many real reports: the
reader must compute them from the numbering and styles parts written alongside.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from xml.sax.saxutils import escape, quoteattr

from pipeline.extract.docx_numbering import Counters, Level, format_number
from pipeline.render.report import NUMBER_PREFIXES, Cell, Paragraph, ReportDoc, Table
from pipeline.render.text import word_rows

_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = f"""{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_RELS = f"""{_XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_BORDERS = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                   for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
_ALIGN = {"title": "center", "signature": "right"}
_PAGE_TWIPS = 9000
_WORD_TYPES = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_NUMBERING_TYPES = (f'<Override PartName="/word/numbering.xml" ContentType="{_WORD_TYPES}.numbering+xml"/>\n'
                    f'<Override PartName="/word/styles.xml" ContentType="{_WORD_TYPES}.styles+xml"/>\n')
_RELATIONSHIP_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOCUMENT_RELS = (f'{_XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  f'<Relationship Id="rId1" Type="{_RELATIONSHIP_TYPES}/numbering" Target="numbering.xml"/>'
                  f'<Relationship Id="rId2" Type="{_RELATIONSHIP_TYPES}/styles" Target="styles.xml"/></Relationships>')

# Label prefixes Word numbers, by list level: a prefix's shape is its level, as in the template
# (一、 sections, （一） items under them, 1. sub-items), and each level shows only its own count.
_PREFIXES: tuple[tuple[re.Pattern[str], Level], ...] = tuple(zip(NUMBER_PREFIXES, (
    Level(1, "chineseCounting", "%1、", suffix=""),
    Level(1, "chineseCounting", "（%2）", suffix=""),
    Level(1, "decimal", "%3.", suffix=""),
)))
_CHINESE_VALUES = {format_number(value, "chineseCounting"): value for value in range(1, 100)}
_SUFFIX_NAMES = {"\t": "tab", " ": "space", "": "nothing"}
# Two lists, each an abstract definition (ids 0, 1) with its w:num (ids 1, 2: numId 0 means "not
# numbered"): the headings, numbered through paragraph styles as Word's multilevel heading lists
# are, and the table's row labels, numbered on the paragraphs. One more w:num per restart follows.
_HEADINGS, _ROWS = 0, 1
_HEADING_STYLES = tuple(f"NumberedHeading{index + 1}" for index in range(len(_PREFIXES)))
# The headings keep Word's default tab after the number; table templates set no suffix.
_LISTS: dict[int, dict[int, Level]] = {
    _HEADINGS: {index: replace(level, suffix="\t", style=style)
                for index, ((_pattern, level), style) in enumerate(zip(_PREFIXES, _HEADING_STYLES))},
    _ROWS: {index: level for index, (_pattern, level) in enumerate(_PREFIXES)},
}


def _prefix(text: str) -> tuple[int, int, str] | None:
    """(level, value, text after the prefix) of a label opening with a numbering prefix."""
    for level, (pattern, _definition) in enumerate(_PREFIXES):
        match = pattern.match(text)
        if match and match.end() < len(text):
            value = int(match[1]) if match[1].isdigit() else _CHINESE_VALUES.get(match[1])
            if value:
                return level, value, text[match.end():]
    return None


def _num_properties(level: int, num_id: int) -> str:
    return f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'


class _ListNumbers:
    """Turns label prefixes into list numbers that Word shows as exactly the removed prefix.

    The counts are Word's own rules (`Counters`, which the reader uses): where a label's number is
    not the list's next one (a template row left out), that paragraph gets a w:num of its own
    whose w:startOverride sets the count, and the list continues from there.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.counters = {_HEADINGS: Counters(), _ROWS: Counters()}
        self.restarts: list[tuple[int, int, int]] = []  # (list, level, value) per extra w:num

    def split(self, text: str, numbered_list: int) -> tuple[str, str]:
        """(the paragraph properties that number it, the text left to write)."""
        found = _prefix(text) if self.enabled else None
        if found is None:
            return "", text
        level, value, rest = found
        counters, levels = self.counters[numbered_list], _LISTS[numbered_list]
        restart = None if counters.next_value(level, levels) == value else value
        counters.advance(level, levels, restart)
        style = f'<w:pStyle w:val="{_HEADING_STYLES[level]}"/>' if numbered_list == _HEADINGS else ""
        if restart is not None:
            self.restarts.append((numbered_list, level, value))
            return style + _num_properties(level, len(_LISTS) + len(self.restarts)), rest
        return style or _num_properties(level, numbered_list + 1), rest

    def numbering_xml(self) -> str:
        abstracts = "".join(
            f'<w:abstractNum w:abstractNumId="{numbered_list}"><w:multiLevelType w:val="multilevel"/>'
            + "".join(_level_xml(index, level) for index, level in levels.items())
            + "</w:abstractNum>" for numbered_list, levels in _LISTS.items())
        nums = "".join(f'<w:num w:numId="{numbered_list + 1}"><w:abstractNumId w:val="{numbered_list}"/></w:num>'
                       for numbered_list in _LISTS)
        nums += "".join(f'<w:num w:numId="{len(_LISTS) + 1 + index}"><w:abstractNumId w:val="{numbered_list}"/>'
                        f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{value}"/></w:lvlOverride></w:num>'
                        for index, (numbered_list, level, value) in enumerate(self.restarts))
        return f"{_XML_HEAD}<w:numbering {_NS}>{abstracts}{nums}</w:numbering>"


def _level_xml(index: int, level: Level) -> str:
    link = f'<w:pStyle w:val="{level.style}"/>' if level.style else ""
    return (f'<w:lvl w:ilvl="{index}"><w:start w:val="{level.start}"/><w:numFmt w:val="{level.number_format}"/>{link}'
            f'<w:suff w:val="{_SUFFIX_NAMES[level.suffix]}"/><w:lvlText w:val={quoteattr(level.text)}/>'
            '<w:lvlJc w:val="left"/></w:lvl>')


def _styles_xml() -> str:
    """A default style and one numbered heading style per level: the first takes its level from
    the abstract definition's w:pStyle link, the others name theirs."""
    levels = [f'<w:ilvl w:val="{index}"/>' if index else "" for index in range(len(_HEADING_STYLES))]
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="{style}"><w:name w:val="Numbered Heading {index + 1}"/>'
        f'<w:basedOn w:val="Normal"/><w:pPr><w:numPr>{levels[index]}<w:numId w:val="{_HEADINGS + 1}"/></w:numPr>'
        '</w:pPr></w:style>' for index, style in enumerate(_HEADING_STYLES))
    return (f'{_XML_HEAD}<w:styles {_NS}><w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
            f'<w:name w:val="Normal"/></w:style>{styles}</w:styles>')


def _paragraph(text: str, align: str | None = None, bold: bool = False, numbering: str = "") -> str:
    inner = numbering + (f'<w:jc w:val="{align}"/>' if align else "")
    props = f"<w:pPr>{inner}</w:pPr>" if inner else ""
    run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    run = f'<w:r>{run_props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f"<w:p>{props}{run}</w:p>"


def _cell(span: int, merge: str | None, cell: Cell | None, numbers: _ListNumbers) -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        '<w:vMerge w:val="restart"/>' if merge == "restart" else "<w:vMerge/>" if merge else "")
    paragraphs = _paragraph("")
    if cell:
        first, *others = cell.text.split("\n")
        numbering, first = numbers.split(first, _ROWS) if cell.header else ("", first)
        paragraphs = _paragraph(first, "center", numbering=numbering) + "".join(_paragraph(p, "center") for p in others)
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>"


def _table(table: Table, numbers: _ListNumbers) -> str:
    rows = ["<w:tr>" + "".join(_cell(span, merge, cell, numbers) for cell, span, merge in row) + "</w:tr>"
            for row in word_rows(table)]
    width = _PAGE_TWIPS // table.width
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in range(table.width))
    return (f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{_BORDERS}</w:tblBorders></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")


def render_docx(report: ReportDoc, auto_numbering: bool = False) -> bytes:
    """The three parts Word needs to open the file; styles and settings fall back to defaults,
    except that list numbering (`auto_numbering`) adds its numbering and styles parts."""
    numbers = _ListNumbers(auto_numbering)
    body = []
    for block in report.blocks:
        if isinstance(block, Paragraph):
            numbering, text = numbers.split(block.text, _HEADINGS) if block.kind == "heading" else ("", block.text)
            body.append(_paragraph(text, _ALIGN.get(block.kind), block.kind in ("title", "heading"), numbering))
        else:
            body.append(_table(block, numbers))
    document = (f'{_XML_HEAD}<w:document {_NS}><w:body>'
                + "".join(body) + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
    parts = [("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS), ("word/document.xml", document)]
    if numbers.enabled:
        parts[0] = ("[Content_Types].xml", _CONTENT_TYPES.replace("</Types>", _NUMBERING_TYPES + "</Types>"))
        parts += [("word/_rels/document.xml.rels", _DOCUMENT_RELS), ("word/numbering.xml", numbers.numbering_xml()),
                  ("word/styles.xml", _styles_xml())]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts:
            # A fixed timestamp keeps the bytes (and the demo portal's ETags) identical across builds.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
