"""Charset decoding order: BOM, HTTP header, <meta>, UTF-8, GB18030 (GB labels widened to GB18030)."""

import codecs

import pytest

from pipeline.errors import ExtractError
from pipeline.extract.decode import decode_html, decode_text, normalize_charset

GBK_ONLY = "国务院总理朱镕基，王堃"  # 镕 and 堃 are in GBK but not in GB2312


def page(charset_meta: str, body: str) -> str:
    return f"<html><head>{charset_meta}<title>t</title></head><body><p>{body}</p></body></html>"


def test_gbk_page_with_only_gb2312_meta_decodes_gbk_only_characters():
    data = page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', GBK_ONLY).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")  # why the label must be widened
    text, encoding = decode_html(data)
    assert GBK_ONLY in text and encoding == "gb18030"


def test_html5_meta_charset_is_honoured():
    data = page('<meta charset="GBK">', GBK_ONLY).encode("gbk")
    assert GBK_ONLY in decode_html(data)[0]


def test_http_header_beats_meta():
    # The page claims utf-8 in its meta, the server says GBK, the bytes are GBK.
    data = page('<meta charset="utf-8">', GBK_ONLY).encode("gbk")
    text, encoding = decode_html(data, http_charset="GBK")
    assert GBK_ONLY in text and encoding == "gb18030"
    # Both decodable: latin-1 header wins over the utf-8 meta (the declared order, not a guess).
    ascii_page = page('<meta charset="utf-8">', "abc").encode("ascii")
    assert decode_html(ascii_page, http_charset="iso-8859-1")[1] == codecs.lookup("latin-1").name


def test_bom_beats_everything():
    data = codecs.BOM_UTF8 + page('<meta charset="gbk">', GBK_ONLY).encode("utf-8")
    text, encoding = decode_html(data, http_charset="gbk")
    assert encoding == "utf-8" and GBK_ONLY in text and not text.startswith("\ufeff")
    utf16 = codecs.BOM_UTF16_LE + GBK_ONLY.encode("utf-16-le")
    assert decode_text(utf16) == (GBK_ONLY, "utf-16-le")


def test_undeclared_pages_try_utf8_then_gb18030():
    assert decode_html(page("", GBK_ONLY).encode("utf-8"))[1] == "utf-8"
    text, encoding = decode_html(page("", GBK_ONLY).encode("gbk"))
    assert encoding == "gb18030" and GBK_ONLY in text


def test_wrong_declaration_falls_through_to_what_decodes():
    data = page('<meta charset="utf-8">', GBK_ONLY).encode("gbk")
    text, encoding = decode_html(data)
    assert encoding == "gb18030" and GBK_ONLY in text


def test_meta_after_first_4kb_is_ignored():
    data = ("<html><head><!--" + "x" * 5000 + '--><meta charset="iso-8859-1"></head><body>é</body></html>').encode("utf-8")
    assert decode_html(data)[1] == "utf-8"


def test_plain_text_ignores_meta_like_content():
    data = '<meta charset="iso-8859-1"> 朱镕基'.encode("gbk")
    assert decode_text(data) == ('<meta charset="iso-8859-1"> 朱镕基', "gb18030")


def test_undecodable_bytes_raise_unreadable_encoding():
    with pytest.raises(ExtractError) as error:
        decode_text(b"\x81\x20\xff\xfe\x80" * 10)
    assert error.value.reason == "unreadable_encoding"


@pytest.mark.parametrize("label", ["gb2312", "GBK", "x-gbk", "cp936", "EUC-CN", '"gb2312"'])
def test_gb_labels_widen_to_gb18030(label):
    assert normalize_charset(label) == "gb18030"


def test_unknown_labels_are_none():
    assert normalize_charset("no-such-charset") is None and normalize_charset("UTF8") == "utf-8"


def _utf8_page() -> bytes:
    from pipeline.render import render_report
    from tests.seeds import SEED_PATHS, expected

    return render_report(expected(SEED_PATHS[1]), "html")


def test_one_damaged_byte_in_a_utf8_page_is_replaced_and_recorded():
    """Found by the hostile-input campaign: one 0xFF byte made a UTF-8 page `unreadable_encoding`
    (67 of 204 single-byte flips). The page is read, and a finding says bytes were replaced."""
    from pipeline.parse import parse_bytes
    from tests.seeds import SEED_PATHS, expected

    page = _utf8_page()
    at = page.index("全文包括".encode())  # the first byte of a character of the preamble's prose
    damaged = page[:at] + b"\xff" + page[at + 1:]
    report = parse_bytes(damaged, "http://x.gov.cn/a.html", "text/html; charset=utf-8")
    assert report.applications == expected(SEED_PATHS[1])["applications"]
    assert [f.rule for f in report.findings if f.rule == "replaced_bytes"] == ["replaced_bytes"]


def test_a_page_damaged_past_repair_is_still_unreadable():
    noise = b"\xff\x80" * 1000  # valid in neither UTF-8 nor GB18030: nothing decodes
    with pytest.raises(ExtractError) as err:
        decode_html(b"<html><body>" + noise + b"</body></html>")
    assert err.value.reason == "unreadable_encoding"


@pytest.mark.parametrize("label", ["latin-1", "utf-16", "ISO-8859-1", "windows-1252"])
def test_utf8_bytes_win_over_a_label_that_cannot_be_right(label):
    page = _utf8_page()
    text, encoding = decode_html(page, label)
    assert encoding == "utf-8" and "予以公开" in text


def test_a_gbk_page_labelled_gb2312_still_reads_as_gb18030():
    text, encoding = decode_html("<p>镕 予以公开</p>".encode("gbk"), "gb2312")
    assert (text, encoding) == ("<p>镕 予以公开</p>", "gb18030")
