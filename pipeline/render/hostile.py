"""Damaged and hostile documents for the standing hostile-input campaign (issue 13), seeded.

`mutants` damages a real document the way disks, transfers and careless tools do (a byte flipped,
the file cut short, a range lost, doubled or zeroed, junk inserted); `hostile_files` are inputs
written to hurt a reader (nesting thousands deep, a number of 23 digits, a PDF whose page contents
refer to themselves, a byte-order mark alone). The test suite parses a bounded sample of both and
`benchmarks/campaign.py` a large one; every result must be a report or a reasoned failure, never a
traceback, a hang or a report whose cells changed without a finding.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.accuracy import compare

Mutant = tuple[str, bytes]  # (what was done, the damaged bytes)


def _flip(rng: random.Random, data: bytes) -> Mutant:
    at = rng.randrange(len(data))
    value = rng.choice((0x00, 0xFF, data[at] ^ (1 << rng.randrange(8))))
    return f"byte {at} -> {value:#04x}", data[:at] + bytes([value]) + data[at + 1:]


def _truncate(rng: random.Random, data: bytes) -> Mutant:
    at = rng.randrange(1, len(data))
    return f"cut at {at}", data[:at]


def _delete(rng: random.Random, data: bytes) -> Mutant:
    at = rng.randrange(len(data))
    size = rng.randint(1, 512)
    return f"{size} bytes lost at {at}", data[:at] + data[at + size:]


def _duplicate(rng: random.Random, data: bytes) -> Mutant:
    at = rng.randrange(len(data))
    size = rng.randint(1, 512)
    return f"{size} bytes doubled at {at}", data[:at + size] + data[at:]


def _zero(rng: random.Random, data: bytes) -> Mutant:
    at = rng.randrange(len(data))
    size = rng.randint(1, 4096)
    return f"{size} bytes zeroed at {at}", data[:at] + bytes(min(size, len(data) - at)) + data[at + size:]


def _insert(rng: random.Random, data: bytes) -> Mutant:
    at = rng.randrange(len(data))
    junk = rng.randbytes(rng.randint(1, 64))
    return f"{len(junk)} random bytes at {at}", data[:at] + junk + data[at:]


MUTATIONS = (_flip, _flip, _truncate, _delete, _duplicate, _zero, _insert)


def mutants(data: bytes, seed: int, count: int) -> Iterator[Mutant]:
    """`count` damaged copies of `data`, the same ones for the same seed."""
    rng = random.Random(seed)
    for _ in range(count):
        yield rng.choice(MUTATIONS)(rng, data)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of numbered objects with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _self_referring_contents() -> bytes:
    """A page whose /Contents array holds itself: a reader that follows it never ends."""
    return pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                 b"[4 0 R 4 0 R]"])


def _deep_form_xobjects(depth: int = 2000) -> bytes:
    """Form XObjects each drawing the next, `depth` deep."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X 5 0 R >> >> "
               b"/Contents 4 0 R >>"]
    draw = b"/X Do"
    objects.append(b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
    for level in range(depth):
        target = 5 + level + 1
        resources = b"<< /XObject << /X %d 0 R >> >>" % target if level + 1 < depth else b"<< >>"
        objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources " + resources
                       + b" /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
    return pdf_file(objects)


def _inflating_stream() -> bytes:
    """A 100 KB page stream inflating to 100 MB of nothing but spaces."""
    packed = zlib.compress(b" " * 100_000_000, 9)
    return pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                 b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"])


def hostile_files(report_text: str) -> list[Mutant]:
    """Hand-made hostile inputs; `report_text` is a real report's text (UTF-8), which some embed."""
    title = "2023年某县人民政府政府信息公开工作年度报告".encode()
    huge = report_text.replace("\t0\t", "\t12345678901234567890123\t", 3).encode()
    mhtml_head = b'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="b0"\n\n'
    return [
        ("html nested 1,000 deep", b"<html><body>" + b"<div>" * 1000 + title + b"</body></html>"),
        ("html tables nested 1,000 deep", b"<html><body>" + b"<table><tr><td>" * 1000 + title + b"</body></html>"),
        ("mhtml nested 3,000 deep", mhtml_head + b"".join(
            b'--b%d\nContent-Type: multipart/related; boundary="b%d"\n\n' % (i, i + 1) for i in range(3000))),
        ("rtf groups nested 100,000 deep", b"{\\rtf1 " + b"{" * 100_000 + title + b"}" * 100_000 + b"}"),
        ("a count of 23 digits", huge),
        ("a byte-order mark alone", b"\xef\xbb\xbf"),
        ("NUL bytes only", bytes(4096)),
        ("pdf /Contents refers to itself", _self_referring_contents()),
        ("pdf form XObjects 2,000 deep", _deep_form_xobjects()),
        ("pdf stream inflating to 100 MB", _inflating_stream()),
        ("docx that is a zip of nothing", b"PK\x05\x06" + bytes(18)),
        ("ole header, nothing after", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
    ]


CAMPAIGN_LAYOUTS = ("html", "pdf", "docx", "doc", "tabs", "markdown")
_HOSTILE_EXTENSIONS = {"html": ".html", "mhtml": ".mht", "rtf": ".rtf", "pdf": ".pdf", "docx": ".docx", "ole": ".doc"}
Campaign = list[tuple[str, str, bytes, "dict[str, Any] | None"]]  # (name, extension, bytes, original report)


def campaign_documents(reports: list[dict[str, Any]], per_layout: int, seed: int = 0) -> Campaign:
    """Every report (expected-values form) in every campaign layout, damaged `per_layout` ways, each
    with its undamaged rendering's parsed report; then every hostile file."""
    from pipeline.parse import parse_bytes
    from pipeline.render import EXTENSIONS, render_report

    documents: Campaign = []
    for r, values in enumerate(reports):
        for k, layout in enumerate(CAMPAIGN_LAYOUTS):
            data = render_report(values, layout)
            original = parse_bytes(data, f"original{EXTENSIONS[layout]}").to_json()
            for name, damaged in mutants(data, seed * 1000 + r * 10 + k, per_layout):
                documents.append((f"{r} {layout}: {name}", EXTENSIONS[layout], damaged, original))
    text = render_report(reports[0], "tabs").decode("utf-8")
    for name, data in hostile_files(text):
        kind = next((k for k in _HOSTILE_EXTENSIONS if name.startswith(k)), None)
        documents.append((name, _HOSTILE_EXTENSIONS.get(kind, ".txt"), data, None))
    return documents


@dataclass(frozen=True)
class Outcome:
    """What one damaged or hostile document gave: `verdict` is `report`, `failure` (a reasoned
    refusal), `flagged` (a report whose changed cells carry findings), or one of the defects:
    `traceback` (internal_error or a dead worker), `hang` (past the time limit),
    `wrong_but_confident` (cells changed, no finding at all)."""

    name: str
    verdict: str
    detail: str = ""


DEFECTS = ("traceback", "hang", "wrong_but_confident")
_JUDGED = ("year", "proactive", "applications", "review_litigation")


def _verdict(original: dict[str, Any] | None, report: dict[str, Any], findings: int) -> tuple[str, str]:
    if original is None:
        return "report", ""
    # The numbers and the year: a damaged byte in a name can make another valid character, which
    # no reader can know, while a changed count must be flagged.
    differences = compare(report, {key: original.get(key) for key in _JUDGED}).differences
    if not differences:
        return "report", ""
    if findings:
        return "flagged", differences[0]
    return "wrong_but_confident", "; ".join(differences[:3])


def run_campaign(documents: Campaign, folder: Path,
                 timeout: float = 30.0, workers: int = 0) -> list[Outcome]:
    """Parse every (name, extension, bytes, original report JSON or None) as `xxgk parse` does,
    in worker processes under `timeout`, and judge each against its undamaged original."""
    from pipeline.frames import reports_to_frames
    from pipeline.parse.files import parse_path
    from pipeline.record import Report
    from pipeline.validate import validation_findings
    from pipeline.workers import Fault, WorkerPool, default_workers

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (_name, extension, data, _original) in enumerate(documents):
        path = folder / f"{i:05d}{extension}"
        path.write_bytes(data)
        paths.append(str(path))
    results: dict[int, Any] = {}
    with WorkerPool(parse_path, min(workers or default_workers(), len(paths)), timeout) as pool:
        for index, result in pool.map_unordered(enumerate(paths)):
            results[index] = result  # type: ignore[index]
    reports = [r for r in results.values() if isinstance(r, Report)]
    flagged: dict[str, int] = {}
    for row in validation_findings(reports_to_frames(reports)).iter_rows(named=True):
        flagged[row["report_id"]] = flagged.get(row["report_id"], 0) + 1
    outcomes = []
    for i, (name, _extension, _data, original) in enumerate(documents):
        result = results[i]
        if isinstance(result, Fault):
            verdict = "hang" if result.reason == "timeout" else "traceback"
            outcomes.append(Outcome(name, verdict, result.message))
        elif isinstance(result, Report):
            findings = len(result.findings) + flagged.get(result.report_id, 0)
            outcomes.append(Outcome(name, *_verdict(original, result.to_json(), findings)))
        else:
            _stage, reason, message = result
            outcomes.append(Outcome(name, "traceback" if reason == "internal_error" else "failure",
                                    f"{reason}: {message}"))
    return outcomes
