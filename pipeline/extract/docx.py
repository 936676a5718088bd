"""DOCX to `Document`, reading tables structurally from word/document.xml.

Converting a .docx to text loses which cells are merged; the XML says it exactly: `w:gridSpan`
is a column span, `w:vMerge` marks the cells a row span covers, `w:gridBefore`/`w:gridAfter` are
grid columns a row leaves out. The std-lib zipfile and ElementTree are all it takes. Numbers
Word generates for list paragraphs ("一、", "（一）") are in no run's text; `docx_numbering`
computes them from numbering.xml and styles.xml and they are put back before the paragraph's text.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from pipeline.errors import ExtractError
from pipeline.extract.document import Document, Grid, title_line
from pipeline.extract.docx_numbering import paragraph_labels
from pipeline.extract.grid import clean_cell, row_line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (f"{_W}{t}" for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_T, _TAB, _BR, _CR, _VAL = f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}val"
_R, _RPR, _VANISH = f"{_W}r", f"{_W}rPr", f"{_W}vanish"
_W2003 = "{http://schemas.microsoft.com/office/word/2003/wordml}"
_WX = "{http://schemas.microsoft.com/office/word/2003/auxHint}"
_RENAMED = {"vmerge": "vMerge", "hmerge": "hMerge"}  # Word 2003 XML's names for DOCX's
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_MAX_SPAN = 200
# Uncompressed size of a part read into memory: a report's document.xml is a few MB at most, while
# a zip of a few MB can inflate to gigabytes (a zip bomb) and take the whole run down with it.
MAX_PART_BYTES = 64 * 1024 * 1024
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_PART_TYPES = {"numbering": "word/numbering.xml", "styles": "word/styles.xml"}  # relationship type end -> default part
Labels = dict[ElementTree.Element, str]


def read_docx(data: bytes, source: str) -> Document:
    """Paragraphs and tables in body order; a table row is one text line of " | "-joined cells.
    A Word 2003 XML document (one XML file, often named .doc) is read the same way."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        body, labels = _word2003_body(data), {}
    else:
        body, parts = _body(data)
        labels = paragraph_labels(body, parts.get("numbering"), parts.get("styles"))
    lines: list[str] = []
    tables: list[Grid] = []
    for element in _children(body, (_P, _TBL)):
        if element.tag == _P:
            text = _paragraph_text(element, labels)
            lines.extend(line for line in (clean_cell(part) for part in text.split("\n")) if line)
        else:
            grid = _grid(element, labels)
            if grid:
                tables.append(grid)
                lines.extend(row_line(row) for row in grid)
    return Document(source=source, source_format="docx", text="\n".join(lines), tables=tables, title=title_line(lines))


def _body(data: bytes) -> tuple[ElementTree.Element, dict[str, bytes]]:
    """document.xml's body, and the numbering and styles parts when the archive has readable ones."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = _read_part(archive, "word/document.xml")
            parts = _optional_parts(archive)
        root = ElementTree.fromstring(xml)
    except zipfile.BadZipFile:
        raise ExtractError("corrupt_docx", "the DOCX file is not a readable zip archive") from None
    except KeyError:
        raise ExtractError("corrupt_docx", "the DOCX archive has no word/document.xml") from None
    except ExtractError:
        raise
    except Exception as error:  # damaged XML, unsupported compression, encrypted zip, truncated stream...
        raise ExtractError("corrupt_docx", f"the DOCX document.xml cannot be read ({type(error).__name__})") from None
    body = root.find(f"{_W}body")
    if body is None:
        raise ExtractError("corrupt_docx", "the DOCX document.xml has no body")
    return body, parts


def _word2003_body(data: bytes) -> ElementTree.Element:
    """The body of a Word 2003 XML document, in DOCX's terms: its namespace renamed to DOCX's (the
    elements read here have the same names there, but for the lower-case vmerge and hmerge), and
    its sections (`wx:sect`, `wx:sub-section`) opened, so paragraphs and tables are the body's
    children as in DOCX. Its list numbers are not computed: rows are found by their words."""
    try:
        root = ElementTree.fromstring(data)
    except Exception as error:  # malformed XML, or an encoding the declaration names that Python lacks
        raise ExtractError("corrupt_docx", f"the Word 2003 XML cannot be read ({type(error).__name__}: "
                                           f"{str(error).splitlines()[0] if str(error) else ''})") from None
    body = root.find(f"{_W2003}body")
    if body is None:
        raise ExtractError("corrupt_docx", "the Word 2003 XML document has no body")
    for element in body.iter():
        if element.tag.startswith(_W2003):
            name = element.tag[len(_W2003):]
            element.tag = _W + _RENAMED.get(name, name)
            if (value := element.attrib.pop(f"{_W2003}val", None)) is not None:
                element.set(_VAL, value)
    opened = ElementTree.Element(f"{_W}body")
    pending = list(reversed(body))
    while pending:
        element = pending.pop()
        if element.tag.startswith(_WX):
            pending.extend(reversed(element))
        else:
            opened.append(element)
    return opened


def _optional_parts(archive: zipfile.ZipFile) -> dict[str, bytes]:
    """numbering.xml and styles.xml where document.xml.rels points (their usual names otherwise);
    a missing or unreadable one is left out, costing only the list numbers."""
    names = dict(_PART_TYPES)
    try:
        relationships = ElementTree.fromstring(archive.read("word/_rels/document.xml.rels"))
        for relationship in relationships.iter(_RELATIONSHIPS):
            kind, target = relationship.get("Type", "").rsplit("/", 1)[-1], relationship.get("Target", "")
            if kind in names and target and relationship.get("TargetMode") != "External":
                names[kind] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"word/{target}")
    except Exception:  # no rels part, damaged XML or zip member: the usual names stand
        pass
    parts = {}
    for kind, name in names.items():
        try:
            parts[kind] = _read_part(archive, name)
        except Exception:  # absent, too large, or a damaged member: that part is simply not there
            continue
    return parts


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes, refused past MAX_PART_BYTES uncompressed (zipfile reads no more than the
    size the archive declares, so checking that size bounds the memory)."""
    size = archive.getinfo(name).file_size
    if size > MAX_PART_BYTES:
        raise ExtractError("corrupt_docx", f"the DOCX part {name} is {size:,} bytes uncompressed, over the "
                                           f"{MAX_PART_BYTES:,}-byte limit")
    return archive.read(name)


def _children(parent: ElementTree.Element, tags: tuple[str, ...]) -> Iterator[ElementTree.Element]:
    """Children with these tags in order, looking through content controls (w:sdt) that wrap them."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _children(content, tags)


def _paragraph_text(paragraph: ElementTree.Element, labels: Labels) -> str:
    """Runs' text with tabs and breaks, after the paragraph's list number; an `mc:Fallback`
    repeats its `mc:Choice` (text boxes) and is skipped, and so is a hidden run (`w:vanish`: Word
    does not show it, and a hidden digit in a cell would join the count)."""
    parts: list[str] = []
    stack = [paragraph]
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _R and _hidden(node):
            continue
        elif tag != _FALLBACK:
            if tag == _P and node in labels:
                parts.append(labels[node])
            stack.extend(reversed(node))
    return "".join(parts)


def _hidden(run: ElementTree.Element) -> bool:
    properties = run.find(_RPR)
    vanish = properties.find(_VANISH) if properties is not None else None
    return vanish is not None and vanish.get(_VAL, "true").lower() not in ("0", "false", "off")


def _int(element: ElementTree.Element | None, default: int) -> int:
    if element is None:
        return default
    try:
        return min(max(int(element.get(_VAL, default)), 0), _MAX_SPAN)
    except ValueError:
        return default


def _grid(table: ElementTree.Element, labels: Labels) -> Grid:
    """Cells at their grid columns; vMerge continuations and gridBefore/After gaps are None.

    Text inside a cell joins its paragraphs and line breaks with nothing, as the HTML reader does
    with `<br>`, so header words Word wrapped over two paragraphs read as one.
    """
    grid: Grid = []
    for row in table.findall(_TR):
        properties = row.find(f"{_W}trPr")
        cells: list[str | None] = [None] * (_int(properties.find(f"{_W}gridBefore"), 0) if properties is not None else 0)
        for cell in _children(row, (_TC,)):
            properties = cell.find(f"{_W}tcPr")
            span, continued = 1, False
            if properties is not None:
                span = max(_int(properties.find(f"{_W}gridSpan"), 1), 1)
                merge = properties.find(f"{_W}vMerge")
                horizontal = properties.find(f"{_W}hMerge")
                continued = (merge is not None and merge.get(_VAL, "continue") == "continue") or (
                    horizontal is not None and horizontal.get(_VAL, "continue") == "continue")
            text = None if continued else clean_cell(
                "".join(_paragraph_text(p, labels) for p in cell.iter(_P)).replace("\n", ""))
            cells.append(text)
            cells.extend([None] * (span - 1))
        grid.append(cells)
    width = max((len(row) for row in grid), default=0)
    return [row + [None] * (width - len(row)) for row in grid] if width else []
