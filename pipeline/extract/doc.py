"""Word 97-2003 binary documents (.doc, and WPS Office's .wps, which is the same format) to `Document`.

Older portals attach their reports as .doc. The text is a list of pieces (the piece table in the
Clx), and a table is marked in it only by characters: each cell ends with 0x07, and so does each
row, with a row-end mark that only the paragraph properties (PAPX, sprmPFTtp) tell from a cell
end. The row-end paragraph also carries the row's layout (sprmTDefTable): each cell's left and
right edge, and whether a row span continues into it (fVertMerge) or an old-style column merge
covers it (fMerged); `word_tables` places the cells on their grid. List numbers
(`doc_numbering`), field codes and tracked deletions are handled as the DOCX reader handles them, so
a .doc reads as the DOCX it was saved from.
"""

from __future__ import annotations

import bisect
import struct

from pipeline.errors import ExtractError
from pipeline.extract.cfb import Container, CorruptContainer
from pipeline.extract.doc_numbering import DocNumbering
from pipeline.extract.document import Document, title_line
from pipeline.extract.word_tables import (
    CELL_END,
    PARAGRAPH_END,
    VERT_MERGE,
    VERT_RESTART,
    Layout,
    Paragraph,
    lines_and_tables,
)

_FIB_IDENT = 0xA5EC
_FIRST_WORD97_VERSION = 0x00BF  # nFib: Word 97 and later write 0x00C1 (Word 6 0x0065, Word 95 0x0068)
_F_WHICH_TABLE, _F_ENCRYPTED = 0x0200, 0x0100
# fcClx/lcbClx, fcPlcfBtePapx/lcbPlcfBtePapx and fcPlcfBteChpx/lcbPlcfBteChpx in FibRgFcLcb97
_CLX_INDEX, _BTE_PAPX_INDEX, _BTE_CHPX_INDEX = 33, 13, 12
_PLF_LST_INDEX, _PLF_LFO_INDEX = 73, 74  # fcPlfLst/lcbPlfLst, fcPlfLfo/lcbPlfLfo: the lists
_FKP_SIZE = 512
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
# Characters that stand for objects or layout, not text: drawn objects, note and comment marks,
# breaks, optional hyphens. A non-breaking hyphen is a hyphen.
_SPECIAL = str.maketrans({"\x01": "", "\x02": "", "\x05": "", "\x08": "", "\x0c": "\n", "\x0b": "\n",
                          "\x1e": "-", "\x1f": ""})
_SPRM_IN_TABLE, _SPRM_TTP, _SPRM_ITAP = 0x2416, 0x2417, 0x6649
_SPRM_INNER_TTP = 0x244C  # sprmPFInnerTtp: the end of a row of a table in a cell
_SPRM_DEF_TABLE, _SPRM_VERT_MERGE = 0xD608, 0xD62B
_SPRM_ILVL, _SPRM_ILFO = 0x260A, 0x460B  # a numbered paragraph's list level and list (see doc_numbering)
_UNSEEN = frozenset({0x0800, 0x083C})  # sprmCFRMarkDel (a tracked deletion), sprmCFVanish (hidden text)
# A paragraph's properties too large for its FKP page (a wide row's layout) are in the Data stream,
# where this sprm points.
_SPRM_HUGE_PAPX = 0x6646
_SPRM_OPERAND_SIZES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # by spra; 6 is variable
_MAX_CELLS = 200  # cells a row layout may list


def read_doc(data: bytes, source: str) -> Document:
    """Paragraphs and tables in document order; a table row is one line of " | "-joined cells."""
    try:
        container = Container(data)
        word = container.read("WordDocument")
        if word is None:
            raise ExtractError("unsupported_format", "the compound file holds no Word document (WordDocument "
                                                     "stream); it may be a spreadsheet or presentation")
        paragraphs = _paragraphs(container, word)
    except CorruptContainer as error:
        raise ExtractError("corrupt_doc", f"the .doc file cannot be read: {error}") from None
    except (struct.error, IndexError, ValueError) as error:
        raise ExtractError("corrupt_doc", f"the .doc file's structures are damaged ({type(error).__name__})") from None
    lines, tables = lines_and_tables(paragraphs)
    return Document(source=source, source_format="doc", text="\n".join(lines), tables=tables, title=title_line(lines))


def _paragraphs(container: Container, word: bytes) -> list[Paragraph]:
    """The main document's paragraphs, each with its end mark, and the table properties of its PAPX."""
    ident, version = struct.unpack_from("<HH", word, 0)
    if ident != _FIB_IDENT:
        raise ExtractError("corrupt_doc", "the .doc file has no Word file information block")
    if version < _FIRST_WORD97_VERSION:  # Word 6/95 lay out the FIB and the text differently
        raise ExtractError("unsupported_format", f"the file is a Word 6/95 document (format version {version:#06x}), "
                                                 "which is not supported; kept in the store")
    (flags,) = struct.unpack_from("<H", word, 0x0A)
    if flags & _F_ENCRYPTED:
        raise ExtractError("encrypted_doc", "the .doc file is encrypted with a password")
    table = container.read("1Table" if flags & _F_WHICH_TABLE else "0Table")
    if table is None:
        raise ExtractError("corrupt_doc", "the .doc file has no table stream")
    (csw,) = struct.unpack_from("<H", word, 32)
    lw_at = 34 + csw * 2
    (cslw,) = struct.unpack_from("<H", word, lw_at)
    text_length = struct.unpack_from("<I", word, lw_at + 2 + 3 * 4)[0]  # ccpText
    fc_at = lw_at + 2 + cslw * 4 + 2
    clx = _fc_lcb(word, fc_at, _CLX_INDEX)
    pieces = _pieces(table[clx[0] : clx[0] + clx[1]])
    text, positions = _text(word, pieces, text_length)
    papx = _fkp_runs(word, table, _fc_lcb(word, fc_at, _BTE_PAPX_INDEX), paragraphs=True)
    unseen = _unseen(_fkp_runs(word, table, _fc_lcb(word, fc_at, _BTE_CHPX_INDEX), paragraphs=False), positions,
                       len(text))
    try:
        numbering: DocNumbering | None = DocNumbering(table, _fc_lcb(word, fc_at, _PLF_LST_INDEX),
                                                      _fc_lcb(word, fc_at, _PLF_LFO_INDEX))
    except (struct.error, ValueError):  # a damaged list table costs the list numbers, not the report
        numbering = None
    return _split(text, positions, papx, container.read("Data") or b"", unseen, numbering)


def _fc_lcb(word: bytes, at: int, index: int) -> tuple[int, int]:
    return struct.unpack_from("<II", word, at + index * 8)


def _pieces(clx: bytes) -> list[tuple[int, int, int, bool]]:
    """(first CP, last CP, file offset, 8-bit) of each piece of text, from the Clx's PlcPcd."""
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: property modifiers, skipped
        (size,) = struct.unpack_from("<h", clx, at + 1)
        at += 3 + max(size, 0)
    if at >= len(clx) or clx[at] != 0x02:
        raise ExtractError("corrupt_doc", "the .doc file has no piece table")
    (size,) = struct.unpack_from("<I", clx, at + 1)
    cps, descriptors = _plc(clx[at + 5 : at + 5 + size], 8)
    pieces = []
    for i, descriptor in enumerate(descriptors):
        (fc,) = struct.unpack_from("<I", descriptor, 2)
        compressed = bool(fc & 0x40000000)
        offset = (fc & 0x3FFFFFFF) // 2 if compressed else fc & 0x3FFFFFFF
        pieces.append((cps[i], cps[i + 1], offset, compressed))
    return pieces


def _plc(data: bytes, element_size: int) -> tuple[tuple[int, ...], list[bytes]]:
    """A PLC: n + 1 positions, then n elements of `element_size` bytes (n from the PLC's length)."""
    count = max((len(data) - 4) // (4 + element_size), 0)
    positions = struct.unpack_from(f"<{count + 1}I", data, 0) if count else ()
    at = (count + 1) * 4
    return positions, [data[at + i * element_size : at + (i + 1) * element_size] for i in range(count)]


def _text(word: bytes, pieces: list[tuple[int, int, int, bool]], length: int) -> tuple[str, list[tuple[int, int, int]]]:
    """The first `length` characters, and (text offset, file offset, bytes per character) where
    each piece starts, to find a character's file offset for its paragraph properties."""
    parts: list[str] = []
    positions: list[tuple[int, int, int]] = []
    done = 0
    for first, last, offset, compressed in pieces:
        if done >= length or last <= first:
            continue
        count = min(last - first, length - done)
        width = 1 if compressed else 2
        raw = word[offset : offset + count * width]
        if len(raw) < count * width:
            raise ExtractError("corrupt_doc", "a piece of the .doc file's text lies past the end of its stream")
        positions.append((done, offset, width))
        parts.append(raw.decode("cp1252", "replace") if compressed else raw.decode("utf-16-le", "replace"))
        done += count
    return "".join(parts), positions


def _fkp_runs(word: bytes, table: bytes, plc: tuple[int, int], paragraphs: bool) -> list[tuple[int, int, bytes]]:
    """(first file offset, end file offset, grpprl) of each properties run, from the FKP pages a
    PlcBtePapx (`paragraphs`) or PlcBteChpx lists. The two page kinds differ only in how a run
    points at its properties: 13-byte entries and PapxInFkp, or 1-byte entries and Chpx."""
    at, size = plc
    _positions, pages = _plc(table[at : at + size], 4)
    runs: list[tuple[int, int, bytes]] = []
    for page in pages:
        start = (struct.unpack("<I", page)[0] & 0x3FFFFF) * _FKP_SIZE
        fkp = word[start : start + _FKP_SIZE]
        if len(fkp) < _FKP_SIZE:
            raise ExtractError("corrupt_doc", "a properties page lies past the end of the .doc stream")
        crun = fkp[-1]
        fcs = struct.unpack_from(f"<{crun + 1}I", fkp, 0)
        for i in range(crun):
            offset = fkp[(crun + 1) * 4 + i * (13 if paragraphs else 1)] * 2
            grpprl = b""
            if offset and paragraphs:
                cb = fkp[offset]
                if cb:
                    body = fkp[offset + 1 : offset + 1 + 2 * cb - 1]
                else:
                    body = fkp[offset + 2 : offset + 2 + 2 * fkp[offset + 1]]
                grpprl = body[2:]  # after the style index
            elif offset:
                grpprl = fkp[offset + 1 : offset + 1 + fkp[offset]]
            runs.append((fcs[i], fcs[i + 1], grpprl))
    runs.sort(key=lambda run: run[0])
    return runs


def _unseen(runs: list[tuple[int, int, bytes]], positions: list[tuple[int, int, int]],
            length: int) -> list[tuple[int, int]]:
    """The character ranges (first, end) of text a tracked change deleted (sprmCFRMarkDel) or that
    is hidden (sprmCFVanish), on (1, or 0x81: "the style's opposite", and no style deletes or
    hides): the report's value is what remains shown, as the DOCX reader skips `w:delText` and
    `w:vanish` runs."""
    marked = [(start, end) for start, end, grpprl in runs
              if any(sprm in _UNSEEN and operand[:1] in (b"\x01", b"\x81") for sprm, operand in _sprms(grpprl))]
    ranges: list[tuple[int, int]] = []
    for index, (first, offset, width) in enumerate(positions):
        last = positions[index + 1][0] if index + 1 < len(positions) else length
        end_offset = offset + (last - first) * width
        for start, end in marked:
            if start < end_offset and end > offset:
                ranges.append((first + (max(start, offset) - offset) // width,
                               first + (min(end, end_offset) - offset + width - 1) // width))
    return sorted(ranges)


def _sprms(grpprl: bytes) -> list[tuple[int, bytes]]:
    """(sprm, operand) in order: Word applies them so, a later one of a kind winning, except those
    that each change one cell (sprmTVertMerge)."""
    found: list[tuple[int, bytes]] = []
    at = 0
    while at + 2 <= len(grpprl):
        (sprm,) = struct.unpack_from("<H", grpprl, at)
        at += 2
        spra = sprm >> 13
        if spra == 6:
            if sprm == _SPRM_DEF_TABLE and at + 2 <= len(grpprl):
                (size,) = struct.unpack_from("<H", grpprl, at)
                operand_at, size = at + 2, size - 1
            elif at < len(grpprl):
                operand_at, size = at + 1, grpprl[at]
            else:
                break
        else:
            operand_at, size = at, _SPRM_OPERAND_SIZES[spra]
        found.append((sprm, grpprl[operand_at : operand_at + size]))
        at = operand_at + size
    return found


def _row_layout(operand: bytes, merges: list[bytes]) -> Layout | None:
    """Cell edges (twips) and TC80 flags of a row, from sprmTDefTable's operand, with the vertical
    merges sprmTVertMerge sets on single cells after it (cell index, then 1 continue / 3 restart)."""
    if not operand:
        return None
    count = min(operand[0], _MAX_CELLS)
    if len(operand) < 1 + (count + 1) * 2:
        return None
    edges = list(struct.unpack_from(f"<{count + 1}h", operand, 1))
    flags_at = 1 + (count + 1) * 2
    flags = [struct.unpack_from("<H", operand, flags_at + i * 20)[0] if flags_at + i * 20 + 2 <= len(operand) else 0
             for i in range(count)]
    for merge in merges:
        if len(merge) >= 2 and merge[0] < count:
            flags[merge[0]] &= ~(VERT_MERGE | VERT_RESTART)
            flags[merge[0]] |= {1: VERT_MERGE, 3: VERT_MERGE | VERT_RESTART}.get(merge[1], 0)
    return edges, flags


def _properties(grpprl: bytes, data: bytes) -> list[tuple[int, bytes]]:
    """A paragraph's sprms, with those kept in the Data stream when the FKP points there."""
    sprms = _sprms(grpprl)
    for sprm, operand in list(sprms):
        if sprm == _SPRM_HUGE_PAPX and len(operand) == 4:
            (at,) = struct.unpack("<I", operand)
            (size,) = struct.unpack_from("<H", data, at)
            sprms += _sprms(data[at + 2 : at + 2 + size])
    return sprms


def _split(text: str, positions: list[tuple[int, int, int]], papx: list[tuple[int, int, bytes]],
           data: bytes, unseen: list[tuple[int, int]], numbering: DocNumbering | None = None) -> list[Paragraph]:
    """The text cut into paragraphs at their end marks, field codes and `unseen` ranges dropped (a
    field's result stays; end marks always do, so the table keeps its shape), each paragraph with
    the table properties of the PAPX run holding its end mark and its list number before its text."""
    pending = iter(unseen)
    removal = next(pending, None)
    starts = [start for start, _offset, _width in positions]
    run_starts = [start for start, _end, _grpprl in papx]
    paragraphs: list[Paragraph] = []
    fields: list[bool] = []  # per open field, outermost first: whether its code (not its result) is being read
    kept: list[str] = []
    for at, char in enumerate(text):
        if char == _FIELD_BEGIN:
            fields.append(True)
            continue
        if char == _FIELD_SEPARATOR:
            if fields:
                fields[-1] = False
            continue
        if char == _FIELD_END:
            if fields:
                fields.pop()
            continue
        if char not in (PARAGRAPH_END, CELL_END):
            while removal is not None and removal[1] <= at:
                removal = next(pending, None)
            if True not in fields and (removal is None or at < removal[0]):
                kept.append(char)
            continue
        piece = bisect.bisect_right(starts, at) - 1
        start, offset, width = positions[piece]
        fc = offset + (at - start) * width
        run = bisect.bisect_right(run_starts, fc) - 1
        operations = _properties(papx[run][2], data) if run >= 0 and fc < papx[run][1] else []
        sprms = dict(operations)
        ilfo = sprms.get(_SPRM_ILFO, b"")
        label = numbering.label(struct.unpack("<H", ilfo)[0], sprms.get(_SPRM_ILVL, b"\x00")[0]) \
            if numbering is not None and len(ilfo) == 2 else ""
        paragraph = Paragraph(label + "".join(kept).translate(_SPECIAL) + char)
        if sprms.get(_SPRM_IN_TABLE, b"\x00")[:1] != b"\x00":
            paragraph.in_table = True
            nested = struct.unpack("<i", sprms[_SPRM_ITAP])[0] > 1 if len(sprms.get(_SPRM_ITAP, b"")) == 4 else False
            if nested:  # a table in a cell: its cells and rows are lines of the outer cell
                paragraph.text = paragraph.text[:-1] + ("" if _SPRM_INNER_TTP in sprms else " ") + PARAGRAPH_END
            elif sprms.get(_SPRM_TTP, b"\x00")[:1] != b"\x00":
                paragraph.row_end = True
                paragraph.layout = _row_layout(sprms.get(_SPRM_DEF_TABLE, b""),
                                               [operand for sprm, operand in operations if sprm == _SPRM_VERT_MERGE])
        paragraphs.append(paragraph)
        kept = []
    return paragraphs
