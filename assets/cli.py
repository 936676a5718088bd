"""The `xxgk` command: argument parsing only; each subcommand lives beside the code it drives.

Imports are deferred to the chosen subcommand so `xxgk parse` starts without loading Dagster.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.workers import DEFAULT_TIMEOUT


def _years(value: str) -> list[int]:
    try:
        return [int(y) for y in value.split(",") if y.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--years takes comma-separated years like 2023,2024, not {value!r}")


def _at_least(low: float, kind: type) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
        if number < low:
            raise argparse.ArgumentTypeError(f"must be at least {low:g}, not {value}")
        return number
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xxgk", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse annual reports (text, HTML, DOCX, DOC, PDF) into JSON lines")
    p.add_argument("paths", nargs="+", type=Path, help="report files")
    p.add_argument("--frames", type=Path, metavar="DIR", help="write validated frames as Parquet to DIR instead")
    p.add_argument("--workers", type=_at_least(0, int), default=0, metavar="N",
                   help="processes parsing files (default 0: one per core)")
    p.add_argument("--timeout", type=_at_least(1, float), default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"give up on a file after this long (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--no-ocr", action="store_true",
                   help="do not OCR scanned PDFs and images (they fail as no_text_layer / unsupported_format)")

    def add_source_options(p: argparse.ArgumentParser) -> None:
        group = p.add_mutually_exclusive_group()
        group.add_argument("--portal", metavar="NAME", help="a portal named in data/portals.toml")
        group.add_argument("--start-url", metavar="URL", help="crawl from this URL (its host is the allowed domain)")
        p.add_argument("--portals-file", type=Path, help="portal configuration (default: data/portals.toml)")

    p = sub.add_parser("crawl", help="crawl portals politely into the raw document store")
    add_source_options(p)
    p.add_argument("--max-pages", type=int, metavar="N", help="stop after N fetched pages")
    p.add_argument("--raw-dir", type=Path, help="raw document store (default: data/raw)")

    p = sub.add_parser("serve-demo", help="serve the bundled demo portal on 127.0.0.1")
    p.add_argument("--port", type=int, default=8765)

    for name, text in (("run", "crawl, parse, validate, load and model through Dagster"),
                       ("demo", "serve the demo portal on loopback and `xxgk run` against it")):
        p = sub.add_parser(name, help=text)
        if name == "run":
            add_source_options(p)
        p.add_argument("--db", type=Path, help="DuckDB file (default: data/xxgk.duckdb)")
        p.add_argument("--years", type=_years, help="statistics years to load, e.g. 2023,2024 (default: all found)")
        p.add_argument("--parse-workers", type=_at_least(0, int), default=0, metavar="N",
                       help="processes parsing documents (default 0: one per core)")
        p.add_argument("--parse-timeout", type=_at_least(1, float), default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help=f"stop parsing a document after this long and report it as timeout (default {DEFAULT_TIMEOUT:g})")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "parse":
        from pipeline.parse.command import run_parse

        if args.no_ocr:  # the setting the readers check, inherited by the worker processes
            os.environ["XXGK_OCR"] = "0"

        return run_parse(args.paths, frames_dir=args.frames, workers=args.workers, timeout=args.timeout)
    if args.command == "crawl":
        from pipeline.crawl.command import run_crawl

        return run_crawl(portal=args.portal, start_url=args.start_url, max_pages=args.max_pages,
                         raw_dir=args.raw_dir, portals_file=args.portals_file)
    if args.command == "serve-demo":
        from pipeline.crawl.demo_server import serve_forever

        return serve_forever(port=args.port)
    from assets.run import run_command

    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
