"""The report as a Word 97-2003 binary document (.doc), merged cells as Word stores them.

What the .doc reader has to undo: the text is one piece of UTF-16 in the WordDocument stream; a
cell ends with 0x07 and a row with one more 0x07, told apart only by the paragraph properties
(PAPX) in the FKP pages; the row-end paragraph carries the row's layout (sprmTDefTable: each
cell's edges, and fVertRestart/fVertMerge for a row span, one wider cell for a column span). All of
it sits in a compound file, with the piece table and the FKP index in the 1Table stream.
Character properties and styles are left out: Word falls back to its defaults.
"""

from __future__ import annotations

import struct

from pipeline.render.report import Paragraph, ReportDoc, Table
from pipeline.render.text import word_rows

_SECTOR = 512
_FKP = 512
_TEXT_AT = 1024  # the FIB fills the first 900 bytes of the WordDocument stream
_PAGE_TWIPS = 9000
_IN_TABLE = struct.pack("<HB", 0x2416, 1)  # sprmPFInTable
_ROW_END = struct.pack("<HB", 0x2417, 1)  # sprmPFTtp
_DEF_TABLE = 0xD608
_VERT_MERGE, _VERT_RESTART = 0x0020, 0x0040
_FREE, _END_OF_CHAIN, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def render_doc(report: ReportDoc) -> bytes:
    paragraphs: list[tuple[str, bytes]] = []  # (text with its end mark, grpprl)
    for block in report.blocks:
        if isinstance(block, Paragraph):
            paragraphs.append((block.text + "\r", b""))
        else:
            paragraphs += _table(block)
    text = "".join(text for text, _grpprl in paragraphs)
    text_end = _TEXT_AT + len(text) * 2
    pages_at = text_end + -text_end % _FKP  # the FKP pages follow the text, on a page boundary
    fkps, bte = _fkps(paragraphs, pages_at // _FKP)
    word_length = pages_at + len(fkps)
    # The piece table: one piece (two CPs, one PCD) of uncompressed text at _TEXT_AT.
    clx = b"\x02" + struct.pack("<I", 8 + 8) + struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, _TEXT_AT, 0)
    table_stream = bte + clx
    fib = _fib(word_length, len(text), clx_at=len(bte), clx_size=len(clx), bte_size=len(bte))
    word = bytearray(word_length)
    word[: len(fib)] = fib
    word[_TEXT_AT : _TEXT_AT + len(text) * 2] = text.encode("utf-16-le")
    word[word_length - len(fkps) :] = fkps
    return _container({"WordDocument": bytes(word), "1Table": table_stream})


def _table(table: Table) -> list[tuple[str, bytes]]:
    """A table's paragraphs: each cell's lines, the last ending with 0x07, then each row's end mark
    carrying the row's layout."""
    column = _PAGE_TWIPS // table.width
    out: list[tuple[str, bytes]] = []
    for row in word_rows(table):
        edges, flags, at = [0], [], 0
        for cell, span, merge in row:
            lines = cell.text.split("\n") if cell is not None else [""]
            out += [(line + "\r", _IN_TABLE) for line in lines[:-1]]
            out.append((lines[-1] + "\x07", _IN_TABLE))
            at += span * column
            edges.append(at)
            flags.append(_VERT_RESTART | _VERT_MERGE if merge == "restart" else _VERT_MERGE if merge else 0)
        layout = struct.pack(f"<B{len(edges)}h", len(flags), *edges) + b"".join(
            struct.pack("<HH16x", flag, 0) for flag in flags)
        out.append(("\x07", _IN_TABLE + _ROW_END + struct.pack("<HH", _DEF_TABLE, len(layout) + 1) + layout))
    return out


def _fkps(paragraphs: list[tuple[str, bytes]], first_page: int) -> tuple[bytes, bytes]:
    """The FKP pages (from page number `first_page` of the WordDocument stream) and the PlcBtePapx
    indexing them: each paragraph one run, as many runs per page as fit."""
    pages: list[bytes] = []
    page_starts: list[int] = []
    fc = _TEXT_AT
    runs: list[tuple[int, int, bytes]] = []  # (start fc, end fc, PapxInFkp)
    for text, grpprl in paragraphs:
        end = fc + len(text) * 2
        runs.append((fc, end, _papx(grpprl)))
        fc = end
    start = 0
    while start < len(runs):
        count, used = 0, 4 + 2  # the end FC, the run count and the unused byte before it
        while start + count < len(runs) and used + 4 + 13 + len(runs[start + count][2]) <= _FKP:
            used += 4 + 13 + len(runs[start + count][2])
            count += 1
        chunk = runs[start : start + count]
        page = bytearray(_FKP)
        struct.pack_into(f"<{count + 1}I", page, 0, *(run[0] for run in chunk), chunk[-1][1])
        free = _FKP - 2  # PAPX offsets are in words: they go down from the last even offset
        for i, (_start, _end, papx) in enumerate(chunk):
            free -= len(papx)
            page[free : free + len(papx)] = papx
            page[(count + 1) * 4 + i * 13] = free // 2
        page[-1] = count
        page_starts.append(chunk[0][0])
        pages.append(bytes(page))
        start += count
    bte = struct.pack(f"<{len(pages) + 1}I", *page_starts, fc) + struct.pack(
        f"<{len(pages)}I", *range(first_page, first_page + len(pages)))
    return b"".join(pages), bte


def _papx(grpprl: bytes) -> bytes:
    """A PapxInFkp (style 0 and the sprms), padded to an even length as its offset is in words."""
    body = b"\x00\x00" + grpprl
    head = bytes([(len(body) + 1) // 2]) if len(body) % 2 else bytes([0, len(body) // 2])
    data = head + body
    return data + b"\x00" * (len(data) % 2)


def _fib(word_length: int, text_length: int, *, clx_at: int, clx_size: int, bte_size: int) -> bytes:
    """FibBase (Word 97, 1Table, Chinese), then FibRgW97, FibRgLw97 and FibRgFcLcb97."""
    base = struct.pack("<HHHHHHH", 0xA5EC, 0x00C1, 0, 0x0804, 0, 0x0200 | 0x1000, 0x00BF) + b"\x00" * 18
    words = struct.pack("<H", 14) + b"\x00" * 28
    longs = [0] * 22
    longs[0], longs[3] = word_length, text_length  # cbMac, ccpText
    fc_lcb = [0] * (93 * 2)
    fc_lcb[13 * 2 : 13 * 2 + 2] = [0, bte_size]  # fcPlcfBtePapx, lcbPlcfBtePapx
    fc_lcb[33 * 2 : 33 * 2 + 2] = [clx_at, clx_size]  # fcClx, lcbClx
    return (base + words + struct.pack("<H22I", 22, *longs) + struct.pack("<H186I", 93, *fc_lcb)
            + struct.pack("<H", 0))


def _container(streams: dict[str, bytes]) -> bytes:
    """A compound file (version 3, 512-byte sectors) holding `streams` at the top level. Each stream
    is padded to the 4,096-byte mini-stream cutoff, so none goes to the mini stream."""
    names = list(streams)
    data = [streams[name] + b"\x00" * max(4096 - len(streams[name]), 0) for name in names]
    counts = [-(-len(stream) // _SECTOR) for stream in data]
    directory_sectors = -(-(len(names) + 1) // 4)
    body = directory_sectors + sum(counts)
    fat_sectors = 1
    while fat_sectors * 128 < body + fat_sectors:
        fat_sectors += 1
    fat = [_FAT_SECTOR] * fat_sectors
    next_sector = fat_sectors

    def chain(length: int) -> int:
        nonlocal next_sector
        first = next_sector
        fat.extend(list(range(next_sector + 1, next_sector + length)) + [_END_OF_CHAIN])
        next_sector += length
        return first

    directory_at = chain(directory_sectors)
    starts = [chain(count) for count in counts]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))
    # Siblings form a tree ordered by name length, then name: here each is the left child of the one before.
    order = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()), reverse=True)
    left_of = {index: order[position + 1] + 1 if position + 1 < len(order) else _NO_STREAM
               for position, index in enumerate(order)}
    directory = _entry("Root Entry", 5, child=order[0] + 1, start=_END_OF_CHAIN) + b"".join(
        _entry(name, 2, left=left_of[i], start=starts[i], size=len(data[i])) for i, name in enumerate(names))
    directory += _entry("", 0) * (directory_sectors * 4 - len(names) - 1)
    header = bytearray(_SECTOR)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH6xIIIIIIIII", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6, 0, fat_sectors, directory_at, 0, 4096,
                     _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    struct.pack_into("<109I", header, 0x4C, *difat)
    sectors = struct.pack(f"<{len(fat)}I", *fat) + directory + b"".join(
        stream + b"\x00" * (-len(stream) % _SECTOR) for stream in data)
    return bytes(header) + sectors


def _entry(name: str, kind: int, *, left: int = _NO_STREAM, child: int = _NO_STREAM, start: int = 0,
           size: int = 0) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return struct.pack("<64sHBBIII16sI16sIQ", encoded, len(encoded), kind, 1, left, _NO_STREAM, child, b"",
                       0, b"", start, size)
