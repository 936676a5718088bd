"""Crawler speed and politeness on loopback. Run: `uv run --frozen python benchmarks/crawl_bench.py`.

1. Politeness off (no delay, 32 connections): pages per second over a generated TRS-style portal
   (list pages paged by createPageHTML, report pages with a statistics table), the server in its
   own process so it does not share the crawler's core. Target: >= 300 pages/s on 2 cores.
2. Politeness on (the configured concurrency and minimum delay): the request rate the server saw
   per host, from its own arrival times, against the configured ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.crawl.config import PortalConfig, RateSettings  # noqa: E402
from pipeline.crawl.crawler import crawl_sync  # noqa: E402
from pipeline.crawl.demo_server import serving_demo  # noqa: E402
from pipeline.crawl.store import RawStore  # noqa: E402

TABLE = "".join(f"<tr><td>{i}、事项{i}</td>" + "<td>0</td>" * 7 + "</tr>" for i in range(30))


def scratch() -> tempfile.TemporaryDirectory:
    """A temporary folder on the repository's filesystem, where the real raw store lives (git-ignored
    `.tmp*`): file creation in the system temp folder was measured several times slower here."""
    return tempfile.TemporaryDirectory(dir=ROOT, prefix=".tmp_crawl_bench_")


def build_site(root: Path, list_pages: int, per_page: int) -> int:
    """A portal with `list_pages` list pages of `per_page` reports each; returns the page count."""
    folder = root / "zwgk" / "ndbg"
    folder.mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /internal/\n", encoding="utf-8")
    (root / "index.html").write_text('<html><body><a href="/zwgk/ndbg/index.html">政府信息公开年报</a></body></html>',
                                     encoding="utf-8")
    for page in range(list_pages):
        items = []
        for item in range(per_page):
            n = page * per_page + item
            title = f"第{n}街道办事处2023年政府信息公开工作年度报告"
            (folder / f"t{n}.html").write_text(
                f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>'
                f'<div class="TRS_Editor"><p>本报告由第{n}街道办事处编制。</p><table>{TABLE}</table></div></body></html>',
                encoding="utf-8")
            items.append(f'<li><a href="./t{n}.html">{title}</a><span>2024-01-15</span></li>')
        name = "index.html" if page == 0 else f"index_{page}.html"
        (folder / name).write_text(
            f'<html><body><ul>{"".join(items)}</ul><script>createPageHTML({list_pages}, {page}, "index", "html");'
            f"</script></body></html>", encoding="utf-8")
    return 2 + list_pages * (per_page + 1)  # home + robots-free pages: index, lists, reports


def portal(base: str, rate: RateSettings) -> PortalConfig:
    return PortalConfig(name="bench", region_code=None, start_urls=[base + "/"], allowed_domains=["127.0.0.1"],
                        rate=rate, max_pages=100_000)


def politeness_off(site: Path, port: int, concurrencies: list[int]) -> None:
    """Wall-clock pages/s, and the crawler's own CPU per page (the figure the machine's load does not bend)."""
    code = ("import sys, threading; from pathlib import Path; from pipeline.crawl.demo_server import serving_demo\n"
            f"with serving_demo({port}, Path(sys.argv[1])):\n    print('up', flush=True); threading.Event().wait()")
    server = subprocess.Popen([sys.executable, "-c", code, str(site)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()
        httpx_floor(f"http://127.0.0.1:{port}", list_pages=sum(1 for _ in (site / "zwgk" / "ndbg").glob("t*.html")))
        for concurrency in concurrencies:
            rate = RateSettings(concurrency=concurrency, min_delay=0.0, retries=0)
            with scratch() as raw, RawStore(Path(raw)) as store:
                start, cpu = time.perf_counter(), time.process_time()
                summary = crawl_sync(portal(f"http://127.0.0.1:{port}", rate), store)
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            pages = summary.pages_fetched
            print(f"politeness off, concurrency {concurrency}: {pages} pages ({summary.reports_found} reports, "
                  f"{len(summary.failed)} failed) in {elapsed:.2f} s = {pages / elapsed:.0f} pages/s "
                  f"(target >= 300); crawler CPU {cpu / pages * 1000:.2f} ms/page = {pages / cpu:.0f} pages/s per core")
    finally:
        server.terminate()
        server.wait()


def httpx_floor(base: str, list_pages: int) -> None:
    """The same report pages fetched by a bare httpx client: the ceiling the crawler works under."""
    urls = [f"{base}/zwgk/ndbg/t{n}.html" for n in range(list_pages)]

    async def fetch_all() -> None:
        async with httpx.AsyncClient(trust_env=False) as client:
            slots = asyncio.Semaphore(2)

            async def one(url: str) -> bytes:
                async with slots:
                    return (await client.get(url)).content

            await asyncio.gather(*(one(u) for u in urls))

    start, cpu = time.perf_counter(), time.process_time()
    asyncio.run(fetch_all())
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"bare httpx GETs (2 connections, no processing, no store): {len(urls) / elapsed:.0f} requests/s; "
          f"client CPU {cpu / len(urls) * 1000:.2f} ms/request")


def politeness_on(site: Path, rate: RateSettings, pages: int) -> None:
    requests: list[dict] = []
    with serving_demo(0, site, requests) as base, scratch() as raw, RawStore(Path(raw)) as store:
        start = time.perf_counter()
        summary = crawl_sync(portal(base, rate), store, max_pages=pages)
        elapsed = time.perf_counter() - start
    arrivals = sorted(r["time"] for r in requests)
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    window = max(sum(1 for t in arrivals if s <= t < s + 1.0) for s in arrivals)
    allowed = int(1.0 / rate.min_delay) + 1  # starts min_delay apart that fit in a 1-s window
    print(f"politeness on (concurrency {rate.concurrency}, min_delay {rate.min_delay} s => at most {allowed} requests "
          f"in any 1-s window): {len(arrivals)} requests in {elapsed:.2f} s; mean "
          f"{(len(arrivals) - 1) / (arrivals[-1] - arrivals[0]):.1f} req/s, busiest 1-s window {window} requests "
          f"-> {'never above' if window <= allowed else 'ABOVE'} the configured rate; smallest gap seen by the "
          f"server {min(gaps) * 1000:.1f} ms (arrival jitter) ({summary.pages_fetched} pages fetched)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, default=60, help="list pages (default 60)")
    parser.add_argument("--per-page", type=int, default=20, help="reports per list page (default 20)")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4, 8],
                        help="connections to try with politeness off (default 1 2 4 8)")
    args = parser.parse_args()
    with scratch() as tmp:
        site = Path(tmp)
        pages = build_site(site, args.lists, args.per_page)
        print(f"site: {pages} pages")
        politeness_off(site, args.port, args.concurrency)
        default = RateSettings()
        politeness_on(site, replace(default, min_delay=0.05), pages=120)
        politeness_on(site, default, pages=8)
    return 0


if __name__ == "__main__":
    sys.exit(main())
