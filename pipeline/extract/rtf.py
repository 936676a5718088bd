"""RTF documents (often saved or served as .doc) to `Document`.

RTF is text: control words, groups in braces, and the document's characters, non-ASCII ones as
`\\uN` (with a fallback to skip) or as code-page bytes `\\'hh` in the current font's charset
(GBK for Chinese fonts). Tables are Word's model (`word_tables`): `\\intbl` paragraphs end their
cells with `\\cell` and rows with `\\row`, and the row definition (`\\trowd`, a `\\cellxN` right
edge per cell, `\\clvmgf`/`\\clvmrg` for row spans, `\\clmrg` for old column merges) gives the
grid. Destinations that are not the document's text (font and style tables, pictures, headers,
field instructions, anything marked `\\*`) are skipped; list numbers come from `\\listtext`, the
text writers add for readers that do not number lists. Hidden and deleted text is left out.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace

from pipeline.errors import ExtractError
from pipeline.extract.document import Document, title_line
from pipeline.extract.word_tables import CELL_END, MERGED, PARAGRAPH_END, VERT_MERGE, VERT_RESTART, Layout, Paragraph
from pipeline.extract.word_tables import lines_and_tables

_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z'])|([{}])|([^\\{}\r\n]+)|[\r\n]+")
_SKIPPED = frozenset(
    b"colortbl stylesheet info pict object header headerl headerr headerf footer footerl footerr footerf "
    b"footnote annotation listtable listoverridetable rsidtbl generator xmlnstbl themedata colorschememapping "
    b"latentstyles datastore fldinst pgdsctbl revtbl bkmkstart bkmkend shpinst nonshppict template docvar "
    b"atnid atnauthor author operator title subject userprops xe tc private filetbl".split())
_CHARSETS = {0: "cp1252", 128: "cp932", 129: "cp949", 134: "gb18030", 136: "big5", 161: "cp1253", 162: "cp1254",
             163: "cp1258", 177: "cp1255", 178: "cp1256", 186: "cp1257", 204: "cp1251", 222: "cp874",
             238: "cp1250"}
_SYMBOLS = {b"line": "\n", b"tab": "\t", b"emdash": "—", b"endash": "–", b"lquote": "‘", b"rquote": "’",
            b"ldblquote": "“", b"rdblquote": "”", b"bullet": "•", b"emspace": " ", b"enspace": " ",
            b"nestcell": " ", b"nestrow": " "}
_ESCAPED = {b"~": "\xa0", b"-": "", b"_": "-", b"{": "{", b"}": "}", b"\\": "\\"}
_PARAGRAPH_BREAKS = frozenset({b"par", b"sect", b"page"})
_MAX_DEPTH = 1000  # groups open at once: past it the file is not a document


@dataclass(frozen=True)
class _State:
    """What a group sets, restored when it closes."""

    skip: bool = False  # a destination that is not the document's text
    fonts: bool = False  # the font table (read for each font's charset)
    codec: str | None = None  # the current font's code page
    uc: int = 1  # fallback characters after \uN
    unseen: bool = False  # hidden (\v) or deleted (\deleted) text


def read_rtf(data: bytes, source: str) -> Document:
    """Paragraphs and tables in document order; a table row is one line of " | "-joined cells."""
    if not data.lstrip().startswith(b"{\\rtf"):
        raise ExtractError("corrupt_rtf", "the RTF file does not start with {\\rtf")
    paragraphs = _Reader(data).read()
    lines, tables = lines_and_tables(paragraphs)
    return Document(source=source, source_format="rtf", text="\n".join(lines), tables=tables, title=title_line(lines))


class _Reader:
    """One pass over the tokens, keeping the group states on a stack and the paragraphs, cells and
    rows Word's table model needs."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.state = _State()
        self.stack: list[_State] = []
        self.ansi = "cp1252"
        self.font_codecs: dict[int, str] = {}
        self.font: int | None = None  # the font being defined, in the font table
        self.text: list[str] = []
        self.pending = bytearray()  # code-page bytes not yet decoded (a GBK character is two)
        self.fallback = 0  # characters still to skip after \uN
        self.in_table = False
        self.paragraphs: list[Paragraph] = []
        self.edges: list[int] = [0]
        self.flags: list[int] = []
        self.cell_flags = 0
        self.layout: Layout | None = None
        self.first_in_group = False

    def read(self) -> list[Paragraph]:
        data, position = self.data, 0
        while (match := _TOKEN.match(data, position)) is not None:
            position = match.end()
            word, argument, hexa, symbol, brace, text = match.groups()
            first, self.first_in_group = self.first_in_group, False
            if word is not None:
                position = self._control(word, int(argument) if argument is not None else None, first, position)
            elif hexa is not None:
                if self.fallback:
                    self.fallback -= 1
                elif not self.state.skip and not self.state.unseen:
                    self.pending.append(int(hexa, 16))
            elif symbol is not None:
                if symbol == b"*":
                    self.state = replace(self.state, skip=True)
                elif (char := _ESCAPED.get(symbol)) is not None:
                    self._emit(char)
            elif brace == b"{":
                if len(self.stack) >= _MAX_DEPTH:
                    raise ExtractError("corrupt_rtf", f"the RTF nests groups more than {_MAX_DEPTH} deep")
                self.stack.append(self.state)
                self.first_in_group = True
            elif brace == b"}":
                self._flush()
                self.fallback = 0  # a group's end ends a \uN's fallback too
                if self.stack:
                    self.state = self.stack.pop()
            elif text is not None:
                if self.fallback:
                    skipped = min(self.fallback, len(text))
                    self.fallback -= skipped
                    text = text[skipped:]
                if text and not self.state.skip and not self.state.unseen:
                    self.pending += text
        self._end_paragraph(PARAGRAPH_END)
        return [p for p in self.paragraphs if p.in_table or p.text.strip()]

    def _control(self, word: bytes, argument: int | None, first: bool, position: int) -> int:
        """Apply one control word; returns where reading goes on (past \\bin's bytes)."""
        state = self.state
        if word == b"bin":  # that many bytes of binary data (a picture's), which are no tokens
            return position + max(argument or 0, 0)
        if word == b"u" and argument is not None:
            if not state.skip and not state.unseen:
                self._emit(chr(argument % 65536))
            self.fallback = state.uc
            return position
        if self.fallback:
            self.fallback -= 1
            return position
        if first and word in _SKIPPED:
            self.state = replace(state, skip=True)
        elif first and word == b"fonttbl":
            self.state = replace(state, skip=True, fonts=True)
        elif word == b"f" and argument is not None:
            if state.fonts:
                self.font = argument
            else:
                self._flush()
                self.state = replace(state, codec=self.font_codecs.get(argument))
        elif word == b"fcharset" and state.fonts and self.font is not None and argument in _CHARSETS:
            self.font_codecs[self.font] = _CHARSETS[argument]
        elif word == b"ansicpg" and argument is not None:
            self.ansi = _codec(f"cp{argument}") or self.ansi
        elif word == b"uc" and argument is not None:
            self.state = replace(state, uc=max(argument, 0))
        elif word in (b"v", b"deleted"):
            self._flush()
            self.state = replace(state, unseen=argument != 0)
        elif word == b"plain":
            self._flush()
            self.state = replace(state, unseen=False, codec=None)
        elif state.skip:
            return position
        elif (char := _SYMBOLS.get(word)) is not None:
            self._emit(char)
        elif word in _PARAGRAPH_BREAKS:
            self._end_paragraph(PARAGRAPH_END)
        elif word == b"pard":
            self.in_table = False
        elif word == b"intbl":
            self.in_table = True
        elif word == b"cell":
            self.in_table = True
            self._end_paragraph(CELL_END)
        elif word == b"row":
            self._flush()
            if "".join(self.text).strip():  # text after the row's last cell mark: a cell of its own
                self._end_paragraph(CELL_END)
            self.text.clear()
            self.paragraphs.append(Paragraph(CELL_END, in_table=True, row_end=True, layout=self.layout))
        else:
            self._row_definition(word, argument)
        return position

    def _row_definition(self, word: bytes, argument: int | None) -> None:
        if word == b"trowd":
            self.edges, self.flags, self.cell_flags, self.layout = [0], [], 0, None
        elif word == b"trleft" and argument is not None and not self.flags:
            self.edges = [argument]
        elif word == b"clvmgf":
            self.cell_flags |= VERT_MERGE | VERT_RESTART
        elif word == b"clvmrg":
            self.cell_flags |= VERT_MERGE
        elif word == b"clmrg":
            self.cell_flags |= MERGED
        elif word == b"cellx" and argument is not None:
            self.edges.append(argument)
            self.flags.append(self.cell_flags)
            self.cell_flags = 0
            self.layout = (list(self.edges), list(self.flags))

    def _emit(self, text: str) -> None:
        if not self.state.skip and not self.state.unseen:
            self._flush()
            self.text.append(text)

    def _flush(self) -> None:
        """Decode the pending code-page bytes in the current font's charset (else the document's)."""
        if self.pending:
            self.text.append(bytes(self.pending).decode(self.state.codec or self.ansi, "replace"))
            self.pending.clear()

    def _end_paragraph(self, mark: str) -> None:
        self._flush()
        self.paragraphs.append(Paragraph("".join(self.text) + mark, in_table=self.in_table))
        self.text.clear()


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
