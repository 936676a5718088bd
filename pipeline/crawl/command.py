"""`xxgk crawl`: crawl one portal into the raw store with a progress line and a closing summary."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from pipeline.crawl.config import (
    DEFAULT_PORTALS_FILE,
    ConfigError,
)
from pipeline.crawl.crawler import CrawlEvent, CrawlSummary, crawl_sync
from pipeline.crawl.sources import DEMO_PORTAL, portal_configs
from pipeline.crawl.store import RawStore

# The repository's git-ignored data/raw (or $XXGK_DATA/raw), the same store `xxgk run` reads.
DEFAULT_RAW_DIR = Path(os.environ.get("XXGK_DATA", Path(__file__).resolve().parents[2] / "data")) / "raw"


def run_crawl(portal: str | None = None, start_url: str | None = None, max_pages: int | None = None,
              raw_dir: Path | None = None, portals_file: Path | None = None) -> int:
    """Exit status 0 when the crawl ran (individual failures are listed), 2 on a configuration error,
    130 when interrupted (the crawl stays resumable)."""
    portals_file = portals_file or DEFAULT_PORTALS_FILE
    try:
        with portal_configs([portal or DEMO_PORTAL], start_url, portals_file) as (config,):
            with RawStore(raw_dir or DEFAULT_RAW_DIR) as store:
                progress = ProgressLine(sys.stderr)
                summary = crawl_sync(config, store, max_pages=max_pages, progress=progress)
                progress.close()
    except ConfigError as exc:
        print(f"xxgk crawl: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nxxgk crawl: interrupted; the next crawl of this portal resumes where this one stopped",
              file=sys.stderr)
        return 130
    print(format_summary(config.name, summary), file=sys.stderr)
    return 0


class ProgressLine:
    """One self-overwriting stderr line: requests, reports, attachments, unchanged, failures."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.counts = {"fetched": 0, "unchanged": 0, "reused": 0, "failed": 0, "report": 0, "attachment": 0}
        self.interactive = stream.isatty()

    def __call__(self, event: CrawlEvent) -> None:
        if event.kind in self.counts:
            self.counts[event.kind] += 1
        c = self.counts
        line = (f"crawl: {c['fetched'] + c['unchanged']} requests, {c['reused']} reused, {c['report']} reports, "
                f"{c['attachment']} attachments, {c['unchanged']} unchanged, {c['failed']} failed")
        if self.interactive:
            self.stream.write("\r" + line)
            self.stream.flush()
        elif event.kind in ("fetched", "unchanged") and (c["fetched"] + c["unchanged"]) % 50 == 0:
            self.stream.write(line + "\n")

    def close(self) -> None:
        if self.interactive:
            self.stream.write("\n")


def format_summary(name: str, summary: CrawlSummary) -> str:
    lines = [
        f"crawl of {name}{' (resumed)' if summary.resumed else ''}: {summary.pages_fetched} pages fetched, "
        f"{summary.reports_found} reports found, {summary.attachments} attachments, "
        f"{summary.unchanged} unchanged, {summary.reused} reused from the interrupted crawl, "
        f"{summary.robots_disallowed} disallowed by robots.txt, {summary.offsite_refused} off-site links refused, "
        f"{len(summary.failed)} failed",
    ]
    lines += [f"  robots.txt unreadable, so nothing on its host was fetched: {url} ({reason})"
              for url, reason in summary.robots_unreadable]
    lines += [f"  host parked, nothing more sent to it in this crawl: {host} ({why})" for host, why in summary.parked]
    lines += [f"  Crawl-delay capped: {host} asked for {asked:g} s, {applied:g} s applied"
              for host, asked, applied in summary.delay_capped]
    lines += [f"  failed: {url} ({reason})" for url, reason in summary.failed]
    lines += [f"  kept, format not readable: {url} ({kind})" for url, kind in summary.unsupported]
    if summary.budget_exhausted:
        lines.append("  stopped at the page budget; the next crawl of this portal continues from here")
    return "\n".join(lines)
