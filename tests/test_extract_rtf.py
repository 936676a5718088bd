"""RTF (often served as .doc): files LibreOffice wrote from our DOCX renderings read as those DOCX
do; code pages, Unicode escapes, skipped destinations and damaged files."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import DocumentError, ExtractError
from pipeline.extract import read_document
from pipeline.parse import parse_bytes
from seeds import COMPARED, SEED_PATHS, expected
from test_extract_doc import FIXTURES, LIBREOFFICE, SCRIPT


def rtf(name: str) -> bytes:
    return gzip.decompress((FIXTURES / f"{name}.rtf.gz").read_bytes())


def squeezed(document) -> tuple[list[str], list]:
    """Lines and grids without whitespace: RTF's list text puts a tab after a row label's number
    where the DOCX numbering has none."""
    return (["".join(line.split()) for line in document.text.splitlines()],
            [[[None if cell is None else "".join(cell.split()) for cell in row] for row in grid]
             for grid in document.tables])


@pytest.mark.parametrize("name", LIBREOFFICE)
def test_rtf_libreoffice_wrote_parses_to_the_seed_values(name):
    values = expected(next(path for path in SEED_PATHS if path.stem.startswith(LIBREOFFICE[name])))
    report = parse_bytes(rtf(name), "http://x.gov.cn/P0201.doc", "application/msword")
    assert {key: report.to_json()[key] for key in COMPARED} == {key: values[key] for key in COMPARED}
    assert report.source_format == "rtf" and report.findings == []


@pytest.mark.parametrize("name", LIBREOFFICE)
def test_an_rtf_reads_as_the_docx_it_was_converted_from(name):
    """Merged cells (\\clvmgf/\\clvmrg), list numbers (\\listtext), hidden (\\v) and deleted text."""
    assert squeezed(read_document(rtf(name), "r.rtf")) == squeezed(read_document(SCRIPT.source_docx(name), "r.docx"))


def test_code_page_bytes_unicode_escapes_and_skipped_destinations():
    """GBK bytes in a font whose charset is 134, \\uN with its fallback skipped (\\uc2: two bytes),
    a field's result but not its instruction, no font names, bookmarks or hidden text."""
    data = (b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0\\fnil\\fcharset134 \\'cb\\'ce\\'cc\\'e5;}{\\f1 Arial;}}"
            b"{\\info{\\title \\'b1\\'ea\\'cc\\'e2}}\\pard\\f0 \\'b1\\'be\\'c4\\'ea{\\*\\bkmkstart a}\\uc2\\u20844\\'b9\\'ab"
            b"\\u24320\\'bf\\'aa{\\v \\'c9\\'be}{\\field{\\*\\fldinst PAGE}{\\fldrslt 3}}\\par"
            b"\\f1 caf\\'e9\\~x\\par}")
    assert read_document(data, "r.rtf").text == "本年公开3\ncafé x"  # a non-breaking space is a space in a line


def test_a_table_with_row_and_column_spans():
    row_definition = b"\\trowd\\trleft0\\clvmgf\\cellx1000\\clmgf\\cellx2000\\clmrg\\cellx3000"
    data = (b"{\\rtf1\\ansi" + row_definition + b"\\pard\\intbl A\\cell B\\cell\\cell\\row"
            + row_definition.replace(b"\\clvmgf", b"\\clvmrg").replace(b"\\clmgf", b"").replace(b"\\clmrg", b"")
            + b"\\pard\\intbl\\cell C\\cell D\\par E\\cell\\row\\pard after\\par}")
    document = read_document(data, "r.rtf")
    assert document.tables == [[["A", "B", None], [None, "C", "DE"]]]
    assert document.text.splitlines()[-1] == "after"


def test_binary_data_is_skipped_by_its_length():
    data = b"{\\rtf1\\ansi{\\pict\\bin6 }{\\x\\par}before\\par}"
    assert read_document(data, "r.rtf").text == "before"


def test_groups_nested_without_end_are_corrupt():
    with pytest.raises(ExtractError) as error:
        read_document(b"{\\rtf1" + b"{" * 5000, "r.rtf")
    assert error.value.reason == "corrupt_rtf"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(LIBREOFFICE)), cut=st.floats(0.0, 1.0),
       damage=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=12))
def test_damaged_rtf_gives_a_report_or_a_document_error(name, cut, damage):
    data = bytearray(rtf(name))
    for position, byte in damage:
        data[int(position * (len(data) - 1))] = byte
    try:
        parse_bytes(bytes(data[: max(1, int(cut * len(data)))]), "http://x.gov.cn/r.rtf")
    except DocumentError as error:
        assert error.reason and "\n" not in error.message
