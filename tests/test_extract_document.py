"""`read_document` dispatch by bytes, content type and extension, and its errors for bad input."""

import io
import quopri
import zipfile

import pytest

from pipeline.errors import ExtractError
from pipeline.extract import detect_format, read_document

HTML = "<html><head><meta charset='gb2312'><title>t</title></head><body><p>朱镕基</p></body></html>"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def reason(data: bytes, source: str, content_type: str | None = None) -> str:
    with pytest.raises(ExtractError) as error:
        read_document(data, source, content_type)
    assert "\n" not in error.value.message
    return error.value.reason


@pytest.mark.parametrize("data", [b"", b"  \n\t \r\n"])
def test_empty_input(data):
    assert reason(data, "a.txt") == "empty"


def test_binary_junk_is_not_text():
    junk = bytes(range(256)) * 8
    assert reason(junk, "report.txt") == "not_text"
    assert reason(junk, "http://x.gov.cn/download?id=3") == "not_text"


@pytest.mark.parametrize(("source", "name"), [
    ("files/r.xls", ".xls"), ("files/r.et", ".et"), ("http://x.gov.cn/P0201.ppt", ".ppt"),
])
def test_ole_spreadsheets_and_presentations_are_unsupported_and_say_so(source, name):
    with pytest.raises(ExtractError) as error:
        read_document(OLE, source)
    assert error.value.reason == "unsupported_format"
    assert name in error.value.message and "kept in the store" in error.value.message


def test_xlsx_zip_is_unsupported_not_corrupt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert reason(buffer.getvalue(), "http://x.gov.cn/file?id=1") == "unsupported_format"


def test_html_is_sniffed_and_decoded_with_its_meta():
    doc = read_document(HTML.encode("gbk"), "http://x.gov.cn/detail?id=1")
    assert doc.source_format == "html" and doc.encoding == "gb18030" and "朱镕基" in doc.text


def test_content_type_charset_reaches_the_decoder():
    data = "<p>朱镕基</p>".encode("gbk")
    doc = read_document(data, "http://x.gov.cn/a", "text/html; charset=GBK")
    assert doc.source_format == "html" and doc.text == "朱镕基"


def test_text_and_markdown_keep_their_text():
    doc = read_document("| a | b |\n|---|---|\n".encode("utf-8"), "r.md")
    assert doc.source_format == "text" and doc.tables == [] and doc.text.startswith("| a | b |")
    assert read_document("第一行\n朱镕基".encode("gb18030"), "r.txt").encoding == "gb18030"


def test_magic_bytes_beat_declared_type():
    assert detect_format(b"%PDF-1.4\n...", "http://x.gov.cn/page.html", "text/html") == "pdf"
    assert detect_format(HTML.encode(), "http://x.gov.cn/broken.pdf", "application/pdf") == "html"
    assert detect_format(b"not a pdf at all", "a.pdf") == "pdf"  # then reported corrupt by the PDF reader


def test_declared_pdf_with_foreign_bytes_is_corrupt():
    assert reason(b"\x01\x02garbage" * 10, "a.pdf") == "corrupt_pdf"


@pytest.mark.parametrize("content_type", ["application/msword", "application/kswps"])
def test_word_files_that_are_not_compound_files(content_type):
    """Served as Word: HTML (Word's web-page export saved as .doc) is read as HTML; other bytes are
    a damaged .doc, not an unsupported format."""
    assert detect_format(HTML.encode("gbk"), "http://x.gov.cn/r.doc", content_type) == "html"
    assert reason(b"\x01\x02 not a compound file " * 20, "http://x.gov.cn/download?id=5", content_type) == "corrupt_doc"
    assert reason(OLE, "http://x.gov.cn/r.wps") == "corrupt_doc"


@pytest.mark.parametrize(("source", "content_type"), [
    ("http://x.gov.cn/P0201.doc", "application/msword"), ("files/report.mht", None), ("download?id=8", None)])
def test_a_web_archive_reads_as_its_page(source, content_type):
    """Word's "single file web page" (MHTML), often saved as .doc: the page is a quoted-printable
    GBK text/html part, whose charset only the part's header gives."""
    from pipeline.parse import parse_bytes
    from pipeline.render import render_report
    from tests.seeds import SEED_PATHS, expected

    values = expected(SEED_PATHS[1])
    meta = b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    html = render_report(values, "html_gbk")
    assert meta in html
    page = html.replace(meta, b"")  # only the part's header names the charset
    data = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01D9"\r\n\r\n'
            b"This document is a Single File Web Page, also known as a Web Archive file.\r\n\r\n"
            b"------=_NextPart_01D9\r\nContent-Location: file:///C:/report.htm\r\n"
            b"Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset=\"gb2312\"\r\n\r\n"
            + quopri.encodestring(page) + b"\r\n------=_NextPart_01D9--\r\n")
    assert "予以公开".encode("gbk") not in data  # quoted-printable
    report = parse_bytes(data, source, content_type)
    assert (report.source_format, report.agency, report.applications) == ("html", values["agency"],
                                                                           values["applications"])


def test_a_web_archive_without_a_page_is_unsupported():
    data = b"MIME-Version: 1.0\nContent-Type: multipart/related; boundary=b\n\n--b\nContent-Type: image/png\n\nxx\n--b--\n"
    assert reason(data, "r.doc", "application/msword") == "unsupported_format"


def test_a_web_archive_nested_thousands_deep_is_corrupt_not_a_crash():
    """Found by the hostile-input campaign: 3,000 nested multipart parts ran Python's email parser
    out of stack (RecursionError, reported as an internal error)."""
    head = b'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="b0"\n\n'
    body = b"".join(b'--b%d\nContent-Type: multipart/related; boundary="b%d"\n\n' % (i, i + 1) for i in range(3000))
    assert reason(head + body, "deep.mht", None) == "corrupt_mhtml"
