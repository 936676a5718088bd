"""The standing hostile-input campaign of issue 13. Run: `uv run --frozen python benchmarks/campaign.py [--quick]`.

Crawler half: every scenario of the fault-injecting server (`pipeline/crawl/faults.py`) on
127.0.0.1 is crawled in this process with a wall-clock bound, at the real trickle pace of one
byte per 5 s (`--quick`: 0.5 s, for a run in well under a minute). Printed per scenario and in
total: documents tried (URLs the crawler logged an outcome for), tracebacks (exceptions that
escaped the crawl), hangs (scenarios past their bound), peak memory (the process's peak RSS),
requests per host per second as the server saw them (over each crawl) against the configured rate, the shortest gap
after robots.txt finished, and requests outside the allowed origins (hits on the other port of the
same host). Targets: 0 tracebacks, 0 hangs, bounded memory, at most the configured rate, 0 outside.

Parser half (`--mutants N`, default 200): every seed rendered in six layouts (HTML, PDF, DOCX, DOC,
text, markdown), damaged N ways each by the seeded generator (`pipeline/render/hostile.py`: bytes
flipped, the file cut, ranges lost, doubled, zeroed, junk inserted), and the hand-made hostile files,
parsed in worker processes under `--parse-timeout`: tracebacks (internal errors, dead workers), hangs
(past the limit) and wrong-but-confident reports (numbers changed and no finding at all). The
suite runs a small sample of the same (`tests/test_hostile_parse.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.crawl.config import PortalConfig, RateSettings  # noqa: E402
from pipeline.crawl.crawler import CrawlSummary, crawl  # noqa: E402
from pipeline.crawl.faults import FaultServer, gzip_bomb, serving_faults  # noqa: E402
from pipeline.crawl.store import RawStore  # noqa: E402


@dataclass
class Result:
    """One campaign row. None in a column means the campaign does not measure it."""

    campaign: str
    scenario: str
    documents_tried: int
    tracebacks: int
    hangs: int
    seconds: float
    wrong_but_confident: int | None = None
    requests_per_host_per_second: float | None = None
    gap_after_robots: float | None = None
    outside_origins: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    name: str
    paths: list[str]
    robots: str = "plain"
    max_pages: int | None = None
    rate: dict[str, float] = field(default_factory=dict)


CRAWLER_SCENARIOS = [
    Scenario("gzip header, plain body", ["/gzip-lie", "/pages"]),
    Scenario("gzip, gzip bomb (1 GiB)", ["/gzip-bomb", "/pages"]),
    Scenario("links: port 99999, [::1, other port", ["/bad-links"]),
    Scenario("redirects: port 99999, [::1, other port", ["/bad-redirects"]),
    Scenario("JSON nested 100,000 deep", ["/deep-json"]),
    Scenario("createPageHTML(100000000)", ["/huge-list"], max_pages=40),
    Scenario("body trickled", ["/trickle-body", "/pages"]),
    Scenario("headers trickled", ["/trickle-headers", "/pages"]),
    Scenario("robots.txt trickled", ["/pages"], robots="trickle"),
    Scenario("Crawl-delay: inf", ["/pages"], robots="inf-delay"),
    Scenario("Crawl-delay: 100000", ["/pages"], robots="big-delay"),
    Scenario("robots.txt ReDoS pattern", ["/redos-path"], robots="redos"),
    Scenario("robots.txt of 45 MiB", ["/pages"], robots="huge"),
    Scenario("redirect into a disallowed path", ["/redirect-disallowed", "/pages"]),
    Scenario("429 Retry-After: 86400", ["/busy-day", "/report/2021", "/report/2022"], rate={"concurrency": 1}),
    Scenario("slow robots.txt, then politeness", ["/pages"], robots="slow"),
]


def crawler_rate(quick: bool) -> RateSettings:
    """Politeness on (0.2 s between requests to a host), retries on, a deadline the trickles must hit."""
    return RateSettings(concurrency=2, min_delay=0.2, connect_timeout=2.0, timeout=2.0 if quick else 10.0,
                        deadline=1.5 if quick else 12.0, retries=1, backoff_base=0.1, backoff_max=5.0,
                        max_crawl_delay=0.5)


def crawler_campaign(args: argparse.Namespace) -> list[Result]:
    gzip_bomb()  # built once, before any crawl, so its seconds are not a scenario's
    base_rate = crawler_rate(args.quick)
    bound = 30.0 if args.quick else 120.0
    results = []
    for scenario in CRAWLER_SCENARIOS:
        if args.only and args.only.lower() not in scenario.name.lower():
            continue
        rate = replace(base_rate, **scenario.rate)
        with serving_faults(robots=scenario.robots, trickle_interval=0.5 if args.quick else 5.0,
                            robots_pause=0.6) as faults, tempfile.TemporaryDirectory() as tmp:
            results.append(_crawl_scenario(scenario, faults.site, faults.internal, rate, bound, Path(tmp)))
        print(_row(results[-1]), flush=True)
    return results


def _crawl_scenario(scenario: Scenario, site: FaultServer, internal: FaultServer, rate: RateSettings,
                    bound: float, tmp: Path) -> Result:
    config = PortalConfig(name="campaign", region_code=None, start_urls=[site.base + p for p in scenario.paths],
                          allowed_domains=["127.0.0.1"], rate=rate)
    tracebacks = hangs = tried = 0
    notes: list[str] = []
    started = time.monotonic()
    with RawStore(tmp / "raw") as store:
        try:
            summary: CrawlSummary = asyncio.run(
                asyncio.wait_for(crawl(config, store, max_pages=scenario.max_pages), bound))
            notes += [f"{url.removeprefix(site.base)}: {reason}" for url, reason in summary.failed[:4]]
            notes += [f"parked {host}" for host, _ in summary.parked]
            notes += [f"robots.txt unreadable ({reason})" for _, reason in summary.robots_unreadable]
            notes += [f"Crawl-delay {asked:g} -> {applied:g} s" for _, asked, applied in summary.delay_capped]
        except TimeoutError:
            hangs = 1
        except Exception:  # noqa: BLE001 - counting what escapes is the point
            tracebacks = 1
            notes.append(traceback.format_exc().strip().splitlines()[-1])
        tried = len(store.fetch_log())
    return Result("crawler", scenario.name, tried, tracebacks, hangs, time.monotonic() - started,
                  requests_per_host_per_second=_rate(site), gap_after_robots=_gap_after_robots(site, scenario.robots),
                  outside_origins=len(internal.hits), notes=notes)


def _rate(site: FaultServer) -> float | None:
    """Requests per second the host saw from its first request to its last. Over a short span this is noise:
    one arrival delayed by the server's thread scheduling makes the next gap look short."""
    arrivals = sorted(h.arrived for h in site.hits)
    if len(arrivals) < 2 or arrivals[-1] <= arrivals[0]:
        return None
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])


def _gap_after_robots(site: FaultServer, robots_mode: str) -> float | None:
    """Seconds between robots.txt finishing and the next request arriving. Not measured where the server
    writes on after the crawler stopped reading (a trickled or 45 MiB robots.txt): its end is not the crawler's."""
    if robots_mode in ("trickle", "huge"):
        return None
    hits = sorted(site.hits, key=lambda h: h.arrived)
    robots = next((h for h in hits if h.path == "/robots.txt"), None)
    if robots is None or robots.finished is None:
        return None
    later = [h.arrived for h in hits if h.path != "/robots.txt" and h.arrived >= robots.arrived]
    return min(later) - robots.finished if later else None


def parser_campaign(args: argparse.Namespace) -> list[Result]:
    """Every seed in every campaign layout, damaged `--mutants` ways each, and every hostile file,
    parsed as `xxgk parse` does (worker processes, a time limit), one row per layout."""
    import collections
    import json

    from pipeline.render.hostile import DEFECTS, campaign_documents, run_campaign

    if args.only and args.only not in "parser":
        return []
    seeds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "data/seeds/expected").glob("*.json"))]
    documents = campaign_documents(seeds, per_layout=args.mutants, seed=args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = run_campaign(documents, Path(tmp), timeout=args.parse_timeout)
    seconds = time.monotonic() - started
    groups: dict[str, list] = collections.defaultdict(list)
    for (name, extension, _data, original), outcome in zip(documents, outcomes):
        groups[name.split(":")[0].split(" ", 1)[-1] if original is not None else "hostile files"].append(outcome)
    results = []
    for group, members in groups.items():
        verdicts = collections.Counter(o.verdict for o in members)
        notes = [f"{v} {n}" for v, n in sorted(verdicts.items()) if v not in DEFECTS]
        notes += [f"{o.verdict}: {o.name}: {o.detail[:80]}" for o in members if o.verdict in DEFECTS][:3]
        results.append(Result("parser", group, len(members), verdicts["traceback"], verdicts["hang"],
                              seconds * len(members) / len(outcomes), wrong_but_confident=verdicts["wrong_but_confident"],
                              notes=notes))
        print(_row(results[-1]), flush=True)
    return results


CAMPAIGNS: list[Callable[[argparse.Namespace], list[Result]]] = [crawler_campaign, parser_campaign]


def _fmt(value: float | int | None, spec: str = "") -> str:
    return "n/a" if value is None else format(value, spec)


def _row(r: Result) -> str:
    return (f"{r.campaign:8} {r.scenario:40} tried {r.documents_tried:4}  tracebacks {r.tracebacks}  hangs {r.hangs}  "
            f"{r.seconds:6.1f} s  req/host/s {_fmt(r.requests_per_host_per_second, '.1f'):>4}  "
            f"after robots {_fmt(r.gap_after_robots, '.2f'):>5} s  outside {_fmt(r.outside_origins)}"
            + (f"  [{'; '.join(r.notes)}]" if r.notes else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="trickle at 0.5 s per byte instead of 5 s")
    parser.add_argument("--only", help="run only the scenarios whose name contains this ('parser': the parser half)")
    parser.add_argument("--mutants", type=int, default=200, help="damaged copies per seed and layout (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="the mutations' random seed (default 0)")
    parser.add_argument("--parse-timeout", type=float, default=60.0, help="seconds per document (default 60)")
    args = parser.parse_args()
    results = [r for campaign in CAMPAIGNS for r in campaign(args)]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = crawler_rate(args.quick)
    configured = 1 / rate.min_delay if rate.min_delay else float("inf")
    crawler = [r for r in results if r.campaign == "crawler"]
    rates = [r.requests_per_host_per_second for r in crawler if r.requests_per_host_per_second is not None]
    gaps = [r.gap_after_robots for r in crawler if r.gap_after_robots is not None]
    wrong = [r.wrong_but_confident for r in results if r.wrong_but_confident is not None]
    print()
    print(f"documents tried            {sum(r.documents_tried for r in results)}")
    print(f"tracebacks                 {sum(r.tracebacks for r in results)}  (target 0)")
    print(f"hangs                      {sum(r.hangs for r in results)}  (target 0)")
    print(f"peak memory                {peak_mib:.0f} MiB RSS  (target: bounded; the body cap is "
          f"{rate.max_bytes / 1e6:.0f} MB)")
    print(f"wrong-but-confident        {sum(wrong) if wrong else 'n/a (the parser campaign measures it)'}")
    print(f"requests per host per s    {max(rates):.2f} at the busiest  (target <= {configured:.2f}: "
          f"one per min_delay {rate.min_delay:g} s)" if rates else "requests per host per s    n/a")
    print(f"gap after robots.txt       {min(gaps):.2f} s shortest  (target >= min_delay {rate.min_delay:g} s)"
          if gaps else "gap after robots.txt       n/a")
    print(f"outside allowed origins    {sum(r.outside_origins or 0 for r in results)}  (target 0)")
    failed = (sum(r.tracebacks + r.hangs + (r.outside_origins or 0) for r in results) > 0
              or (gaps and min(gaps) < rate.min_delay - 0.02) or (rates and max(rates) > configured * 1.02)
              or sum(wrong) > 0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
