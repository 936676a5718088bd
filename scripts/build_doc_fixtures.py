"""Write the Word 97 (.doc) test fixtures with LibreOffice, a writer independent of ours.

The .doc reader is tested on what `pipeline.render` writes (every seed, every variation) and on
these files, so a misreading of the format shared by our writer and our reader still shows. Each
fixture is a seed's values rendered as DOCX and saved as "MS Word 97" by LibreOffice. Needs
`soffice` (Debian: libreoffice-writer) only to regenerate them; the files are committed.

    uv run --frozen python scripts/build_doc_fixtures.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
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
]


def main() -> int:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice not found: install LibreOffice Writer (Debian: apt-get install libreoffice-writer)",
              file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name, seed, options in FIXTURES:
            values = json.loads(next(SEEDS.glob(f"{seed}_*.json")).read_text(encoding="utf-8"))
            source = Path(folder) / f"{name}.docx"
            source.write_bytes(render_report(values, "docx", options))
            subprocess.run([soffice, "--headless", "--convert-to", "doc:MS Word 97", "--outdir", str(OUT), str(source)],
                           check=True, capture_output=True, timeout=120)
            print(f"wrote {OUT / (name + '.doc')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
