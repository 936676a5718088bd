"""The `xxgk` command: argument parsing only; each subcommand lives beside the code it drives.

Imports are deferred to the chosen subcommand so `xxgk parse` starts without loading Dagster, and
so `--data DIR` is in place (as `XXGK_DATA`) before the modules that read it are imported.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from pipeline.workers import DEFAULT_TIMEOUT

RUN_EXIT_CODES = """exit status:
  0  every run succeeded (checks that warned are listed in the summary)
  1  a run failed: the line before names the step and the error (a full disk: the folder)
  2  bad configuration or arguments (portals file, portal name, start URL, years), or the data
     folder in use by another xxgk run or demo (the line names its pid), before any run"""


def _years(value: str) -> list[int]:
    try:
        return [int(y) for y in value.split(",") if y.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--years takes comma-separated years like 2023,2024, not {value!r}")


def _between(low: float, high: float | None, kind: type) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
        if number < low:
            raise argparse.ArgumentTypeError(f"must be at least {low:g}, not {value}")
        if high is not None and number > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:g}, not {value}")
        return number
    return parse


_PORT = _between(1, 65535, int)


def _command(sub, name: str, text: str, epilog: str | None = None) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".", epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


DESCRIPTION = ("xxgk turns China's government information disclosure annual reports (政府信息公开工作年度报告) "
               "into a DuckDB warehouse: it crawls portals politely, reads every format they publish, parses the "
               "statistics tables exactly (a cell it cannot read for sure is null with a finding), and loads "
               "and models them by region and year.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xxgk", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('xxgk')}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _command(sub, "parse", "parse annual reports (text, HTML, DOCX, DOC, RTF, PDF) into JSON lines")
    p.add_argument("paths", nargs="+", type=Path, help="report files")
    p.add_argument("--frames", type=Path, metavar="DIR",
                   help="write validated frames as Parquet to DIR instead (default: JSON lines on stdout)")
    p.add_argument("--workers", type=_between(0, None, int), default=0, metavar="N",
                   help="processes parsing files (default 0: one per core)")
    p.add_argument("--timeout", type=_between(1, None, float), default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"give up on a file after this long (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--no-ocr", action="store_true",
                   help="do not OCR scanned PDFs and images (default: OCR on; without it they fail as no_text_layer / unsupported_format)")

    def add_data_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data", type=Path, metavar="DIR",
                       help="folder for the raw store, staging, warehouse, exports and Dagster instance "
                            "(default: $XXGK_DATA, else the repository's data/)")

    def add_source_options(p: argparse.ArgumentParser, every_portal: str) -> None:
        group = p.add_mutually_exclusive_group()
        group.add_argument("--portal", metavar="NAME", help=f"a portal named in the portals file (default: {every_portal})")
        group.add_argument("--start-url", metavar="URL", help="crawl from this URL instead, its host the allowed "
                           "domain (default: none, the portals file decides)")
        p.add_argument("--portals-file", type=Path, metavar="F", help="portal configuration (default: data/portals.toml)")

    p = _command(sub, "crawl", "crawl portals politely into the raw document store")
    add_source_options(p, "demo")
    p.add_argument("--max-pages", type=_between(1, None, int), metavar="N",
                   help="stop after N fetched pages (default: the portal's max_pages)")
    p.add_argument("--raw-dir", type=Path, metavar="DIR", help="raw document store (default: data/raw)")

    p = _command(sub, "serve-demo", "serve the bundled demo portal on 127.0.0.1")
    p.add_argument("--port", type=_PORT, default=8765, help="port, 1-65535 (default 8765)")

    p = _command(sub, "dashboard", "build the static dashboard from the exports")
    p.add_argument("--out", type=Path, metavar="DIR", help="where to write it (default: dashboard/ in the data folder)")
    add_data_option(p)
    p = _command(sub, "serve-dashboard", "serve the built dashboard on 127.0.0.1")
    p.add_argument("--port", type=_PORT, default=8766, help="port, 1-65535 (default 8766)")
    p.add_argument("--dir", type=Path, metavar="DIR", help="the built site (default: dashboard/ in the data folder)")
    add_data_option(p)

    p = _command(sub, "forget", "remove a portal's documents from the raw store, so the next run drops its reports")
    p.add_argument("--portal", metavar="NAME", required=True, help="the portal's name, as in the portals file")
    add_data_option(p)

    for name, text in (("run", "crawl, parse, validate, load and model through Dagster"),
                       ("demo", "serve the demo portal on loopback and `xxgk run` against it")):
        p = _command(sub, name, text, RUN_EXIT_CODES)
        if name == "run":
            add_source_options(p, "every portal in it")
        else:
            p.add_argument("--port", type=_PORT, metavar="PORT",
                           help="serve the demo on this port, 1-65535 (default 8765, or any free port when taken)")
        p.add_argument("--db", type=Path, metavar="PATH", help="DuckDB file (default: xxgk.duckdb in the data folder)")
        add_data_option(p)
        p.add_argument("--years", type=_years, metavar="Y,Y", help="statistics years to load, e.g. 2023,2024 "
                       "(default: every year found, and any the warehouse holds that is no longer found)")
        p.add_argument("--parse-workers", type=_between(0, None, int), default=0, metavar="N",
                       help="processes parsing documents (default 0: one per core)")
        p.add_argument("--parse-timeout", type=_between(1, None, float), default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help=f"stop parsing a document after this long and report it as timeout (default {DEFAULT_TIMEOUT:g})")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit status as each subcommand says; an unexpected error is one line, not a traceback."""
    args = build_parser().parse_args(argv)
    if getattr(args, "data", None):
        os.environ["XXGK_DATA"] = str(args.data.resolve())
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        print(f"xxgk {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # the last resort: every expected failure has its own line and code
        print(f"xxgk {args.command}: {type(err).__name__}: {str(err).strip().splitlines()[0] if str(err).strip() else ''}",
              file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "parse":
        from pipeline.parse.command import run_parse

        if args.no_ocr:  # the setting the readers check, inherited by the worker processes
            os.environ["XXGK_OCR"] = "0"

        return run_parse(args.paths, frames_dir=args.frames, workers=args.workers, timeout=args.timeout)
    if args.command == "crawl":
        from pipeline.crawl.command import run_crawl
        from pipeline.workers import CRAWL_MEMORY_HEADROOM, address_space_ceiling

        try:
            with address_space_ceiling(CRAWL_MEMORY_HEADROOM):
                return run_crawl(portal=args.portal, start_url=args.start_url, max_pages=args.max_pages,
                                 raw_dir=args.raw_dir, portals_file=args.portals_file)
        except MemoryError:
            print(f"xxgk crawl: out of memory: the crawl passed its {CRAWL_MEMORY_HEADROOM / 1024 ** 3:g} GiB "
                  "ceiling and was stopped", file=sys.stderr)
            return 1
    if args.command == "serve-demo":
        from pipeline.crawl.demo_server import serve_forever

        return serve_forever(port=args.port)
    if args.command in ("dashboard", "serve-dashboard"):
        from assets.dashboard import dashboard_command

        return dashboard_command(args)
    if args.command == "forget":
        from assets.forget import forget_command

        return forget_command(args.portal)
    from assets.run import run_command

    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
