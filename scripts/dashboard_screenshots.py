"""Screenshots of every dashboard page at 1440x900 in headless Chromium, and each page's weight.

Serves the built site (`xxgk dashboard`) on 127.0.0.1, opens each page at a region with the
browser's cache off, writes `<out>/<page>.png` and prints what the page loaded: bytes as
served, and gzip-compressed as a web server with compression would send them.

    uv run --frozen python scripts/dashboard_screenshots.py [--site data/dashboard] [--out data/screenshots]
        [--unit all] [--year 2024]

Chinese text needs a CJK font installed (Debian: `apt-get install fonts-wqy-microhei`).
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.dashboard.browser import Browser
from pipeline.dashboard.build import PAGES
from pipeline.crawl.demo_server import serving_demo as serving

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "data" / "dashboard", help="the built site")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "screenshots", help="folder for the PNG files")
    parser.add_argument("--unit", default="all", help="region key, e.g. all, province-130000, county-130827")
    parser.add_argument("--year", type=int, help="statistics year (default: the latest)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    fragment = f"#u={args.unit}" + (f"&y={args.year}" if args.year else "")
    with serving(root=args.site) as base_url, Browser(width=1440, height=900) as browser:
        browser.call("Network.setCacheDisabled", cacheDisabled=True)
        for page in PAGES:
            start = len(browser.events)
            browser.open(f"{base_url}/{page}.html{fragment}", "document.readyState === 'complete' && "
                         "(document.body.dataset.ready || document.body.dataset.page === 'dictionary')")
            events = browser.events[start:]
            served = sum(e["params"]["encodedDataLength"] for e in events if e.get("method") == "Network.loadingFinished")
            urls = [e["params"]["response"]["url"] for e in events if e.get("method") == "Network.responseReceived"]
            files = [args.site / unquote(urlsplit(u).path).lstrip("/") for u in urls if u.startswith(base_url)]
            compressed = sum(len(gzip.compress(f.read_bytes())) for f in files if f.is_file())
            data = sum(f.stat().st_size for f in files if f.is_file() and "data" in f.relative_to(args.site).parts)
            browser.screenshot(args.out / f"{page}.png")
            print(f"{page}: {len(files)} files, {served / 1e3:.0f} kB served ({data / 1e3:.0f} kB of data), "
                  f"{compressed / 1e3:.0f} kB gzip -> {args.out / (page + '.png')}")
        errors = browser.errors()
    if errors:
        raise SystemExit("errors in the pages:\n" + "\n".join(errors))


if __name__ == "__main__":
    main()
