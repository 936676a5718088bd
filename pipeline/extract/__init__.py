"""Readers that turn a document's bytes (HTML, text, DOCX, Word 97 .doc, RTF, PDF) into a `Document`.

`read_document` decides the format from the bytes first (magic numbers do not lie), then the
declared content type, then the file extension, then a sniff of the text, so a PDF served as
`text/html` or an HTML error page saved as `.pdf` still reaches the right reader.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import zipfile
from urllib.parse import urlsplit

from pipeline.errors import ExtractError
from pipeline.extract.decode import BOMS, decode_html, decode_text
from pipeline.extract.document import Attachment, Document, Grid

__all__ = ["Attachment", "Document", "Grid", "read_document", "detect_format"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UNSUPPORTED_NAMES = {
    ".xls": ".xls (Excel 97)", ".xlsx": ".xlsx (Excel)",
    ".et": ".et (WPS spreadsheet)", ".ppt": ".ppt (PowerPoint 97)",
    ".pptx": ".pptx (PowerPoint)", ".ofd": ".ofd", ".zip": ".zip archive", ".rar": ".rar archive",
}
_IMAGES = {".jpg": ".jpg image", ".jpeg": ".jpeg image", ".png": ".png image", ".gif": ".gif image",
           ".bmp": ".bmp image", ".tif": ".tif image", ".tiff": ".tiff image"}  # read by OCR
_UNSUPPORTED_NAMES.update(_IMAGES)
_CONTENT_TYPES = {
    "text/html": "html", "application/xhtml+xml": "html", "text/plain": "text", "text/markdown": "text",
    "text/xml": "html", "application/xml": "html",  # markup all the same (Hanweb's list proxy answers in XML)
    "application/pdf": "pdf", "application/rtf": "rtf", "text/rtf": "rtf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc", "application/vnd.ms-excel": ".xls", "application/vnd.ms-works": "doc",
    "application/kswps": "doc", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/bmp": ".bmp", "image/tiff": ".tif",
}
_EXTENSIONS = {".html": "html", ".htm": "html", ".mht": "html", ".mhtml": "html", ".shtml": "html",
               ".jhtml": "html", ".xhtml": "html", ".jsp": "html", ".php": "html", ".asp": "html", ".aspx": "html",
               ".txt": "text", ".md": "text", ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "doc",
               ".rtf": "rtf"}
_HTML_SNIFF = re.compile(rb"<(?:!doctype html|html|head|body|meta|div|table|p|title)[\s>/]", re.IGNORECASE)
_WORD2003_SNIFF = re.compile(rb"<\?mso-application\s+progid=\"Word\.Document\"|<w:wordDocument\b")
# A web archive (Word's "single file web page", often saved or served as .doc): MIME headers, then
# the page as a text/html part.
_MHTML_SNIFF = re.compile(rb"\A\s*(?:[\w-]+:[^\n]*\n)*?content-type:\s*multipart/related", re.IGNORECASE)
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"II*\x00", b"MM\x00*")


def _extension(source: str) -> str:
    path = urlsplit(source).path if "://" in source else source
    name = path.rsplit("/", 1)[-1].lower()
    return name[name.rfind("."):] if "." in name else ""


def _unsupported(kind: str) -> ExtractError:
    name = _UNSUPPORTED_NAMES.get(kind, kind)
    return ExtractError("unsupported_format", f"the file is a {name} document, which is not supported; kept in the store")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


def _looks_binary(data: bytes) -> bool:
    """Many NUL or C0 control bytes in the first 4 KB: no text encoding produces those. (A few are
    damage, replaced and recorded when the text is decoded: one NUL used to lose the whole report.)"""
    sample = data[:4096]
    text_bytes = len(sample.translate(None, _CONTROL_BYTES))
    return len(sample) - text_bytes > len(sample) // 20


def detect_format(data: bytes, source: str, content_type: str | None = None) -> str:
    """'html' (a web archive of a page too) | 'text' | 'docx' | 'doc' | 'rtf' | 'pdf', or an unsupported kind such
    as '.xls' (raising is the caller's call)."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    extension = _extension(source)
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except Exception:  # a damaged directory raises more than BadZipFile (NotImplementedError, EOFError...)
            return "docx" if extension == ".docx" else ".zip"
        if "word/document.xml" in names:
            return "docx"
        if any(name.startswith("xl/") for name in names):
            return ".xlsx"
        return "docx" if extension == ".docx" else ".zip"
    if _WORD2003_SNIFF.search(head):
        return "docx"  # Word 2003 XML, often saved or served as .doc: read_docx takes it
    if _MHTML_SNIFF.match(head):
        return "html"  # read_document takes the page out of the archive
    if data.startswith(_OLE):  # .wps files are Word documents too; the reader tells a spreadsheet from a document
        return extension if extension in (".xls", ".et", ".ppt") else "doc"
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    for magic, kind in zip(_IMAGE_MAGIC, (".png", ".jpg", ".gif", ".rar", ".tif", ".tif")):
        if data.startswith(magic):
            return kind
    declared = _CONTENT_TYPES.get((content_type or "").split(";")[0].strip().lower()) or _EXTENSIONS.get(extension)
    if declared in ("pdf", "docx", "doc", "rtf") and not _HTML_SNIFF.search(head):
        return declared  # declared binary format with foreign bytes: the reader reports it corrupt
    if declared in ("html", "text"):
        return declared
    if declared and declared.startswith("."):
        return declared
    if extension in _UNSUPPORTED_NAMES:
        return extension
    return "html" if _HTML_SNIFF.search(head) else "text"


def _web_archive_page(data: bytes) -> tuple[bytes, str | None]:
    """The page of a web archive (MHTML): its first text/html part, decoded from quoted-printable
    or base64, and the charset the part declares."""
    try:  # the email parser and walk() recurse once per nesting level
        message = email.message_from_bytes(data, policy=email.policy.compat32)
        for part in message.walk():
            if part.get_content_type() == "text/html":
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes) and payload.strip():
                    return payload, part.get_content_charset()
    except RecursionError:
        raise ExtractError("corrupt_mhtml", "the web archive (MHTML) nests its parts too deep to read") from None
    raise ExtractError("unsupported_format", "the file is a web archive (MHTML) without an HTML page; kept in the store")


def _charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def _blank(data: bytes) -> bool:
    """Whether the file holds nothing but white space after its byte-order mark: an editor saves a
    BOM alone for an empty file."""
    bom = next((b for b, _encoding in BOMS if data.startswith(b)), b"")
    return not data[len(bom):].strip()


def read_document(data: bytes, source: str, content_type: str | None = None) -> Document:
    """The document in `data`, whatever format a portal served it in.

    Raises ExtractError: `empty`, `not_text` (binary junk), `unsupported_format` (.xls, images...),
    `unreadable_encoding`, `corrupt_docx`, `corrupt_doc`, `encrypted_doc`, `corrupt_rtf`, `corrupt_mhtml`, `corrupt_pdf`,
    `no_text_layer`.
    """
    if _blank(data):
        raise ExtractError("empty", "the file is empty")
    kind = detect_format(data, source, content_type)
    if kind == "pdf":
        from pipeline.extract.pdf import read_pdf

        return read_pdf(data, source)
    if kind == "docx":
        from pipeline.extract.docx import read_docx

        return read_docx(data, source)
    if kind == "doc":
        from pipeline.extract.doc import read_doc

        return read_doc(data, source)
    if kind == "rtf":
        from pipeline.extract.rtf import read_rtf

        return read_rtf(data, source)
    if kind in _IMAGES:
        from pipeline.extract.ocr import read_image_file

        return read_image_file(data, source)
    if kind.startswith("."):
        raise _unsupported(kind)
    if kind == "html" and _MHTML_SNIFF.match(data[:1024]):
        data, part_charset = _web_archive_page(data)
        content_type = f"text/html; charset={part_charset}" if part_charset else None
    if _looks_binary(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractError("not_text", "the file is binary data, not a text, HTML, Word, RTF or PDF document")
    if kind == "html":
        from pipeline.extract.html import page_tree, read_html

        text, encoding = decode_html(data, _charset(content_type))
        text, replaced = _repaired(text)
        document = read_html(text, source, page_tree(text, None if replaced else data, encoding))
    else:
        text, encoding = decode_text(data, _charset(content_type))
        text, replaced = _repaired(text)
        document = Document(source=source, source_format="text", text=text)
    document.encoding, document.replaced = encoding, replaced
    return document


def _repaired(text: str) -> tuple[str, int]:
    """The text with NULs (damage: no text holds them) as U+FFFD, and how many characters are
    U+FFFD, counted before markup is parsed: a damaged byte inside a tag blanks the cell after it."""
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    return text, text.count("\ufffd")
