"""Word 97-2003 (.doc, .wps): tables from paragraph marks and row layouts, in files LibreOffice wrote
and in our own renderings; damaged containers fail with a reason, never a traceback."""

from __future__ import annotations

import importlib.util
import sqlite3
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.contract import APPLICATIONS_TABLE_LABELS
from pipeline.crawl.store import RawStore
from pipeline.errors import DocumentError, ExtractError
from pipeline.extract import read_document
from pipeline.extract.doc import _split
from pipeline.extract.doc_numbering import DocNumbering
from pipeline.extract.word_tables import lines_and_tables
from pipeline.parse import parse_bytes
from pipeline.render import render_report
from pipeline.render.doc import _container
from seeds import COMPARED, SEED_PATHS, expected

FIXTURES = Path(__file__).parent / "data" / "doc"


def _fixture_script():
    path = Path(__file__).resolve().parents[1] / "scripts" / "build_doc_fixtures.py"
    spec = importlib.util.spec_from_file_location("build_doc_fixtures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Written by LibreOffice ("MS Word 97") from our DOCX renderings by scripts/build_doc_fixtures.py: the
# name, the seed and how it was rendered. The tracked-change and hidden-text ones have a deleted or
# hidden "7" before the first count of 本年新收: kept, it would read 71.
SCRIPT = _fixture_script()
LIBREOFFICE = {name: seed for name, seed, _options in SCRIPT.FIXTURES}


@pytest.mark.parametrize("name", LIBREOFFICE)
def test_documents_libreoffice_wrote_parse_to_the_seed_values(name):
    values = expected(next(path for path in SEED_PATHS if path.stem.startswith(LIBREOFFICE[name])))
    report = parse_bytes((FIXTURES / f"{name}.doc").read_bytes(), f"http://demo.example.gov.cn/ndbg/{name}.doc")
    assert {key: report.to_json()[key] for key in COMPARED} == {key: values[key] for key in COMPARED}
    assert report.source_format == "doc" and report.findings == []


@pytest.mark.parametrize("name", LIBREOFFICE)
def test_a_doc_reads_as_the_docx_it_was_converted_from(name):
    """Word's own numbers (list labels), merged cells, cell paragraphs and tracked changes: the same
    lines and grids from LibreOffice's .doc as from the DOCX it converted."""
    word97 = read_document((FIXTURES / f"{name}.doc").read_bytes(), "r.doc")
    docx = read_document(SCRIPT.source_docx(name), "r.docx")
    assert word97.text.splitlines() == docx.text.splitlines()
    assert word97.tables == docx.tables


@pytest.mark.parametrize("name", ["seed001_tracked_change_libreoffice", "seed002_hidden_text_libreoffice"])
def test_deleted_and_hidden_text_is_not_read_from_the_docx_either(name):
    values = expected(next(path for path in SEED_PATHS if path.stem.startswith(LIBREOFFICE[name])))
    assert parse_bytes(SCRIPT.source_docx(name), "r.docx").applications == values["applications"]


def test_list_numbers_are_computed_as_word_shows_them():
    document = read_document((FIXTURES / "seed000_auto_numbering_libreoffice.doc").read_bytes(), "r.doc")
    labels = {tuple(row[:3]) for grid in document.tables for row in grid}
    assert {(None, "（六）其他处理", None), (None, "（七）总计", None), ("一、本年新收政府信息公开申请数量", None, None),
            (None, None, "2.重复申请")} <= labels
    assert "二、 主动公开政府信息情况" in document.text.splitlines()  # the heading level's suffix is a tab


def test_merged_cells_are_placed_on_the_grid_not_read_as_blanks():
    """Section 三's label column spans 22 rows and its group headings several: the cells Word keeps
    below them (fVertMerge) are covered positions, and the header's column spans widen their cells."""
    document = read_document((FIXTURES / "seed001_libreoffice.doc").read_bytes(), "r.doc")
    applications = next(grid for grid in document.tables if any("本年度办理结果" in (cell or "") for cell in grid[5]))
    assert len({len(row) for row in applications}) == 1 and len(applications[0]) == 10
    assert applications[0][:4] == [APPLICATIONS_TABLE_LABELS["balance_note"], None, None, "申请人情况"]
    results = next(r for r, row in enumerate(applications) if row[0] == "三、本年度办理结果")
    assert [row[0] for row in applications[results + 1 : results + 22]] == [None] * 21
    assert applications[results + 2][1:3] == ["（三）不予公开", "1.属于国家秘密"]
    assert applications[results + 3][1] is None  # under the (三) heading's row span
    assert "六、其他需要报告的事项" in document.text.splitlines()  # paragraphs outside tables stay lines
    review = document.tables[-1]  # its rows' edges differ by Word's rounding (2891 / 2892 twips)
    assert [len(row) for row in review] == [15] * 4 and review[1][5] == "未经复议直接起诉"


def test_a_cell_of_several_paragraphs_reads_as_one_cell():
    document = read_document((FIXTURES / "seed004_messy_libreoffice.doc").read_bytes(), "r.doc")
    cells = {cell for grid in document.tables for row in grid for cell in row if cell}
    assert {"商业企业", "尚未审结"} <= cells  # written as "商业" / "企业" paragraphs in one cell


@pytest.mark.parametrize("name", ["report.wps", "download?id=4"])
def test_wps_and_unnamed_word_files_are_read_by_their_bytes(name):
    values = expected(SEED_PATHS[2])
    report = parse_bytes(render_report(values, "doc"), f"http://demo.example.gov.cn/{name}")
    assert report.applications == values["applications"] and report.source_format == "doc"


def test_field_codes_are_dropped_and_their_results_kept():
    """A field is code (0x13 … 0x14) then result (… 0x15), possibly nested: only results are text."""
    text = "页\x13 PAGE \x141\x15 共\x13 NUMPAGES \x13 IF \x142\x15\x143\x15页\r"
    (paragraph,) = _split(text, [(0, 0, 2)], [], b"", [])
    assert paragraph.text == "页1 共3页\r"


def test_row_spans_set_by_sprm_t_vert_merge_are_placed():
    """Word may set a cell's row span after the row layout, one sprmTVertMerge per cell (index,
    then 3 restart / 1 continue), instead of in the layout's own cell flags."""
    in_table = struct.pack("<HB", 0x2416, 1)
    layout = struct.pack("<B3h", 2, 0, 1000, 2000) + struct.pack("<HH16x", 0, 0) * 2  # no merge flags

    def row_end(vertical_merge: int) -> bytes:
        return (in_table + struct.pack("<HB", 0x2417, 1) + struct.pack("<HH", 0xD608, len(layout) + 1) + layout
                + struct.pack("<HBBB", 0xD62B, 2, 0, vertical_merge))  # cell 0

    text = "分组\x07甲\x07\x07\x07乙\x07\x07"
    grpprls = [in_table, in_table, row_end(3), in_table, in_table, row_end(1)]
    ends = [i + 1 for i, char in enumerate(text) if char == "\x07"]
    runs = [(start * 2, end * 2, grpprl) for start, end, grpprl in zip([0, *ends], ends, grpprls)]
    _lines, (grid,) = lines_and_tables(_split(text, [(0, 0, 2)], runs, b"", []))
    assert grid == [["分组", "甲"], [None, "乙"]]


def _word_stream_offset(data: bytes) -> int:
    """Where our renderer's WordDocument stream starts: its first sector (the directory lists it)."""
    directory_sector = struct.unpack_from("<I", data, 0x30)[0]
    directory = data[(directory_sector + 1) * 512 :]
    for index in range(1, 4):
        entry = directory[index * 128 : (index + 1) * 128]
        if entry[:24].decode("utf-16-le") == "WordDocument":
            return (struct.unpack_from("<I", entry, 0x74)[0] + 1) * 512
    raise AssertionError("no WordDocument stream")


def test_password_protected_files_say_so():
    data = bytearray(render_report(expected(SEED_PATHS[1]), "doc"))
    at = _word_stream_offset(data) + 0x0A
    data[at : at + 2] = struct.pack("<H", struct.unpack_from("<H", data, at)[0] | 0x0100)  # fEncrypted
    with pytest.raises(ExtractError) as error:
        read_document(bytes(data), "r.doc")
    assert error.value.reason == "encrypted_doc"


def test_word_95_files_are_unsupported_and_say_so():
    data = bytearray(render_report(expected(SEED_PATHS[1]), "doc"))
    struct.pack_into("<H", data, _word_stream_offset(data) + 2, 0x0068)  # nFib of Word 95
    with pytest.raises(ExtractError) as error:
        read_document(bytes(data), "r.doc")
    assert error.value.reason == "unsupported_format" and "Word 6/95" in error.value.message


def test_a_compound_file_without_a_word_document_is_unsupported():
    with pytest.raises(ExtractError) as error:
        read_document(_container({"Workbook": b"\x09\x08" * 100}), "http://x.gov.cn/P0201.doc")
    assert error.value.reason == "unsupported_format" and "WordDocument" in error.value.message


def test_a_sector_chain_that_loops_is_corrupt_not_a_hang():
    data = bytearray(render_report(expected(SEED_PATHS[1]), "doc"))
    start = struct.unpack_from("<I", data, 0x30)[0]  # the directory's first sector
    struct.pack_into("<I", data, 512 + start * 4, start)  # its FAT entry points at itself
    with pytest.raises(ExtractError) as error:
        read_document(bytes(data), "r.doc")
    assert error.value.reason == "corrupt_doc" and "loops" in error.value.message


def test_a_truncated_file_is_corrupt():
    data = (FIXTURES / "seed001_libreoffice.doc").read_bytes()
    with pytest.raises(ExtractError) as error:
        read_document(data[: len(data) // 2], "r.doc")
    assert error.value.reason == "corrupt_doc" and "r.doc" not in error.value.message  # the caller names the file


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(["ours", *LIBREOFFICE]), cut=st.floats(0.0, 1.0),
       damage=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=12))
def test_damaged_word_files_give_a_report_or_a_document_error(source, cut, damage):
    data = bytearray(render_report(expected(SEED_PATHS[3]), "doc") if source == "ours"
                     else (FIXTURES / f"{source}.doc").read_bytes())
    for position, byte in damage:
        data[int(position * (len(data) - 1))] = byte
    data = bytes(data[: max(1, int(cut * len(data)))])
    try:
        parse_bytes(data, "http://demo.example.gov.cn/ndbg/r.doc")
    except DocumentError as error:
        assert error.reason and "\n" not in error.message


def test_a_store_made_before_doc_was_readable_accepts_doc_documents(tmp_path: Path):
    """Old stores check source_format against the older list; opening one widens the check and
    keeps every row."""
    with sqlite3.connect(tmp_path / "crawl.sqlite") as db:
        db.execute("""CREATE TABLE documents (
            url TEXT PRIMARY KEY, final_url TEXT, portal TEXT, region_code TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('report_page', 'attachment')), parent_url TEXT, title TEXT,
            published_on TEXT, sha256 TEXT, content_type TEXT, charset TEXT,
            source_format TEXT CHECK (source_format IN ('html', 'text', 'docx', 'pdf', 'unsupported')),
            first_seen TEXT NOT NULL, last_seen TEXT NOT NULL)""")
        db.execute("INSERT INTO documents VALUES ('http://x/a.doc', NULL, 'demo', NULL, 'attachment', NULL, 't', "
                   "NULL, 'ab', NULL, NULL, 'unsupported', '2024-01-01', '2024-01-01')")
    with RawStore(tmp_path) as store:
        store.record_document(url="http://x/a.doc", final_url=None, portal="demo", region_code=None,
                              kind="attachment", parent_url=None, title="t", published_on=None, sha256="ab",
                              content_type=None, charset=None, source_format="doc")
        store.record_document(url="http://x/b.pdf", final_url=None, portal="demo", region_code=None,
                              kind="attachment", parent_url=None, title="u", published_on=None, sha256="cd",
                              content_type=None, charset=None, source_format="pdf")
        documents = {d.url: d for d in store.documents()}
    assert {url: (d.source_format, d.first_seen) for url, d in documents.items()}["http://x/a.doc"] == (
        "doc", "2024-01-01")
    assert documents["http://x/b.pdf"].source_format == "pdf"
    with RawStore(tmp_path) as store, pytest.raises(sqlite3.IntegrityError):
        store.record_document(url="http://x/c", final_url=None, portal="demo", region_code=None, kind="attachment",
                              parent_url=None, title=None, published_on=None, sha256=None, content_type=None,
                              charset=None, source_format="xls")



def _list_tables(overrides: list[dict[int, int]]) -> tuple[bytes, tuple[int, int], tuple[int, int]]:
    """A table stream holding one nine-level list ("一、", "（一）", "1.") and an LFO per item of
    `overrides` (level -> start-at), as Word writes them: the PlfLst, its LVLs, then the PlfLfo."""
    lstf = struct.pack("<iI18sBB", 7, 0, b"\xff" * 18, 0, 0)
    texts = ["\x00、", "（\x01）", "\x02."] + [f"{chr(level)}." for level in range(3, 9)]
    formats = [0x25, 0x25] + [0x00] * 7

    def lvl(text: str, number_format: int) -> bytes:
        lvlf = struct.pack("<iBB9sBiiBBBB", 1, number_format, 0, b"\x00" * 9, 2, 0, 0, 0, 0, 0, 0)
        return lvlf + struct.pack("<H", len(text)) + text.encode("utf-16-le")

    plf_lst = struct.pack("<h", 1) + lstf
    levels = b"".join(lvl(text, number_format) for text, number_format in zip(texts, formats))
    lfos = b"".join(struct.pack("<iIIBBBB", 7, 0, 0, len(starts), 0, 0, 0) for starts in overrides)
    data = b"".join(struct.pack("<I", 0) + b"".join(struct.pack("<iI", start, level | 0x10)
                                                     for level, start in starts.items()) for starts in overrides)
    plf_lfo = struct.pack("<I", len(overrides)) + lfos + data
    table = plf_lst + levels + plf_lfo
    return table, (0, len(plf_lst)), (len(plf_lst) + len(levels), len(plf_lfo))


def test_list_numbers_follow_words_counting_rules():
    """One count per list, shared by every LFO naming it; an LFO's start-at override restarts it
    where that LFO is first used; a higher level restarts the levels below it."""
    table, lists, overrides = _list_tables([{}, {1: 5}])
    numbering = DocNumbering(table, lists, overrides)
    sequence = [(1, 1), (1, 1), (2, 1), (2, 1), (1, 1), (1, 2), (1, 0), (1, 1), (1, 2), (0, 1), (3, 1)]
    assert [numbering.label(ilfo, ilvl) for ilfo, ilvl in sequence] == [
        "（一）", "（二）", "（五）", "（六）", "（七）", "1.", "一、", "（一）", "1.", "", ""]
