"""Write the Word 97 (.doc), RTF and Word 2003 XML test fixtures with LibreOffice, a writer independent of ours.

The .doc reader is tested on what `pipeline.render` writes (every seed, every variation) and on
these files, so a misreading of the format shared by our writer and our reader still shows; the
RTF reader on these files alone. Each fixture is a seed's values rendered as DOCX, then saved by
LibreOffice as "MS Word 97" (.doc) and as RTF (gzipped), and one as Word 2003 XML (gzipped). Tests
read each beside the DOCX it came from. Needs `soffice` (Debian: libreoffice-writer) only to
regenerate them; the files are committed.

    uv run --frozen python scripts/build_doc_fixtures.py
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from pipeline.render import RenderOptions, render_report

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "seeds" / "expected"
OUT = ROOT / "tests" / "data" / "doc"
# (fixture name, seed, options): the mixed 2019/2021 seed, a 2021 seed, and header words split over
# lines with full-width digits (each a paragraph of its own in the cell).
FIXTURES = [
    ("seed000_libreoffice", "000", RenderOptions()),
    ("seed001_libreoffice", "001", RenderOptions()),
    ("seed004_messy_libreoffice", "004", RenderOptions(split_headers=True, fullwidth_digits=True)),
    ("seed001_tracked_change_libreoffice", "001", RenderOptions()),
    ("seed002_hidden_text_libreoffice", "002", RenderOptions()),
    # headings' and row labels' numbers as Word list numbers (PlfLst, PlfLfo, sprmPIlfo/sprmPIlvl)
    ("seed000_auto_numbering_libreoffice", "000", RenderOptions(auto_numbering=True)),
]
WORD2003 = "seed001_word2003_libreoffice"
# Before the first count of 本年新收: a tracked change deleting "7" (the count inserted), or a hidden
# "7", so a reader that keeps deleted or hidden text reads 71 where the report says 1.
TRACKED = ('<w:del w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>7</w:delText></w:r></w:del>'
           '<w:ins w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z">{run}</w:ins>')
HIDDEN = '<w:r><w:rPr><w:vanish/></w:rPr><w:t>7</w:t></w:r>{run}'


def with_seven_before_a_count(docx: bytes, wrapper: str) -> bytes:
    """The DOCX with the first count of the 本年新收 row wrapped in `wrapper` ({run} is the count's run)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    document = parts["word/document.xml"].decode("utf-8")
    row = document.index("本年新收")
    value_end = document.index("</w:t></w:r>", document.index("<w:tc>", row)) + len("</w:t></w:r>")
    value_start = document.rindex("<w:r>", 0, value_end)
    document = document[:value_start] + wrapper.format(run=document[value_start:value_end]) + document[value_end:]
    parts["word/document.xml"] = document.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def seed_values(seed: str) -> dict:
    return json.loads(next(SEEDS.glob(f"{seed}_*.json")).read_text(encoding="utf-8"))


def source_docx(name: str) -> bytes:
    """The DOCX a fixture is LibreOffice's conversion of (tests read both and compare)."""
    _name, seed, options = next(fixture for fixture in FIXTURES if fixture[0] == name)
    docx = render_report(seed_values(seed), "docx", options)
    if "tracked" in name:
        return with_seven_before_a_count(docx, TRACKED)
    return with_seven_before_a_count(docx, HIDDEN) if "hidden" in name else docx


def main() -> int:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice not found: install LibreOffice Writer (Debian: apt-get install libreoffice-writer)",
              file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name, _seed, _options in FIXTURES:
            source = Path(folder) / f"{name}.docx"
            source.write_bytes(source_docx(name))
            convert(soffice, source, "doc:MS Word 97", OUT)
            convert(soffice, source, "rtf", Path(folder))  # RTF too, gzipped (a plain-text 170 KB)
            rtf = (Path(folder) / f"{name}.rtf").read_bytes()
            (OUT / f"{name}.rtf.gz").write_bytes(gzip.compress(rtf, mtime=0))
            print(f"wrote {OUT / (name + '.doc')} and .rtf.gz")
        # Word 2003 XML, gzipped (one XML file of 170 KB): LibreOffice's export of this format drops
        # row spans and numbered paragraphs' text, so only a plain rendering makes a fair sample.
        source = Path(folder) / f"{WORD2003}.docx"
        source.write_bytes(source_docx("seed001_libreoffice"))
        convert(soffice, source, "xml:MS Word 2003 XML", Path(folder))
        xml = (Path(folder) / f"{WORD2003}.xml").read_bytes()
        (OUT / f"{WORD2003}.xml.gz").write_bytes(gzip.compress(xml, mtime=0))
        print(f"wrote {OUT / (WORD2003 + '.xml.gz')}")
    return 0


def convert(soffice: str, source: Path, target: str, folder: Path) -> None:
    subprocess.run([soffice, "--headless", "--convert-to", target, "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=120)


if __name__ == "__main__":
    sys.exit(main())
