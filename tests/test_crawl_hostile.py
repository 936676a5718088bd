"""Issue 13's crawler scenarios against the fault-injecting server (`pipeline/crawl/faults.py`) on 127.0.0.1.

Each hostile answer must be one URL's recorded failure while the crawl goes on and finishes, within
a bounded time, never reaching another port of the host, at the configured pace.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.crawl.command import format_summary
from pipeline.crawl.config import PortalConfig, RateSettings
from pipeline.crawl.crawler import CrawlSummary, crawl_sync
from pipeline.crawl.faults import FaultSite, serving_faults
from pipeline.crawl.fetch import Fetcher, Response, make_client
from pipeline.crawl.robots import MAX_BYTES as ROBOTS_MAX_BYTES
from pipeline.crawl.store import RawStore
from pipeline.crawl.throttle import HostThrottle

# The read timeout (2 s) is longer than the trickle's gap between bytes (0.3 s): only the deadline can stop it.
FAST = RateSettings(concurrency=2, min_delay=0.0, connect_timeout=1.0, timeout=2.0, deadline=1.0, max_bytes=100_000,
                    retries=0, backoff_base=0.01, backoff_max=2.0, max_redirects=4, max_crawl_delay=0.3)


@pytest.fixture
def faults(request: pytest.FixtureRequest) -> Iterator[FaultSite]:
    options = getattr(request, "param", {})
    with serving_faults(trickle_interval=0.3, **options) as site:
        yield site


def portal(site: FaultSite, paths: list[str], rate: RateSettings = FAST) -> PortalConfig:
    return PortalConfig(name="hostile", region_code=None, start_urls=[site.site.base + p for p in paths],
                        allowed_domains=["127.0.0.1"], rate=rate)


def run(site: FaultSite, paths: list[str], tmp_path: Path, rate: RateSettings = FAST,
        max_pages: int | None = None) -> tuple[CrawlSummary, list[dict], list[dict]]:
    with RawStore(tmp_path / "raw") as store:
        summary = crawl_sync(portal(site, paths, rate), store, max_pages=max_pages)
        return summary, store.fetch_log(), store.crawls()


def failures(site: FaultSite, summary: CrawlSummary) -> dict[str, str]:
    return {url.removeprefix(site.site.base): reason for url, reason in summary.failed}


def fetch(site: FaultSite, path: str, rate: RateSettings = FAST) -> Response:
    async def one() -> Response:
        config = portal(site, ["/"], rate)
        async with make_client(config) as client:
            return await Fetcher(config, HostThrottle(rate.concurrency, rate.min_delay), client).fetch(
                site.site.base + path)
    return asyncio.run(one())


def assert_finished(crawls: list[dict]) -> None:
    assert crawls and all(c["finished_at"] is not None for c in crawls)  # nothing left for a resume to replay


# -- exceptions that ended the crawl ---------------------------------------------------------------
def test_gzip_header_on_a_plain_body_is_that_urls_failure(faults: FaultSite, tmp_path: Path) -> None:
    summary, _, crawls = run(faults, ["/gzip-lie", "/pages"], tmp_path)
    assert failures(faults, summary) == {"/gzip-lie": "bad_encoding"}
    assert summary.reports_found == 3
    assert_finished(crawls)


def test_links_that_do_not_parse_or_reach_another_port_are_refused(faults: FaultSite, tmp_path: Path) -> None:
    summary, log, crawls = run(faults, ["/bad-links"], tmp_path)
    assert failures(faults, summary) == {"http://127.0.0.1:99999/a": "invalid_url", "http://[::1/": "invalid_url"}
    assert {r["url"]: r["error"] for r in log if r["error"]} == {
        "http://127.0.0.1:99999/a": "invalid_url", "http://[::1/": "invalid_url"}
    assert summary.offsite_refused == 1  # the same host on another port is another origin
    assert summary.reports_found == 1
    assert not faults.internal.hits
    assert_finished(crawls)


def test_redirects_that_do_not_parse_or_reach_another_port_are_refused(faults: FaultSite, tmp_path: Path) -> None:
    summary, _, crawls = run(faults, ["/bad-redirects"], tmp_path)
    assert failures(faults, summary) == {"/to/port-99999": "invalid_url", "/to/ipv6": "invalid_url",
                                         "/to/other-port": "redirect_offsite"}
    assert summary.reports_found == 1
    assert not faults.internal.hits
    assert_finished(crawls)


def test_json_nested_100000_deep_is_that_endpoints_failure(faults: FaultSite, tmp_path: Path) -> None:
    summary, _, crawls = run(faults, ["/deep-json"], tmp_path, replace(FAST, max_bytes=1_000_000))
    assert failures(faults, summary) == {"/deep.json": "unreadable_json"}
    assert summary.reports_found == 1
    assert_finished(crawls)


def test_a_list_claiming_100_million_pages_stays_bounded(faults: FaultSite, tmp_path: Path) -> None:
    started = time.monotonic()
    summary, _, _ = run(faults, ["/huge-list"], tmp_path, max_pages=15)
    assert time.monotonic() - started < 10
    assert summary.budget_exhausted and summary.pages_fetched == 15
    assert len(faults.site.hits_of("/index")) <= 15


# -- hangs -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-headers"])
def test_a_trickled_answer_trips_the_deadline(faults: FaultSite, path: str) -> None:
    started = time.monotonic()
    response = fetch(faults, path)
    assert (response.error, response.status) == ("deadline", None)
    assert time.monotonic() - started < FAST.deadline + 1.5


@pytest.mark.parametrize("faults", [{"robots": "trickle"}], indirect=True)
def test_a_trickled_robots_txt_trips_the_deadline_and_skips_the_host(faults: FaultSite, tmp_path: Path) -> None:
    started = time.monotonic()
    summary, _, crawls = run(faults, ["/pages"], tmp_path)
    assert time.monotonic() - started < FAST.deadline + 3
    assert summary.robots_unreadable == [(faults.site.base + "/robots.txt", "deadline")]
    assert [h.path for h in faults.site.hits] == ["/robots.txt"]
    assert_finished(crawls)


@pytest.mark.parametrize("faults", [{"robots": "inf-delay"}, {"robots": "big-delay"}], indirect=True)
def test_crawl_delay_has_a_ceiling(faults: FaultSite, tmp_path: Path) -> None:
    started = time.monotonic()
    rate = replace(FAST, max_crawl_delay=0.2)
    summary, _, _ = run(faults, ["/pages"], tmp_path, rate)
    assert time.monotonic() - started < 5
    assert summary.reports_found == 3
    (host, asked, applied), = summary.delay_capped
    assert (host, applied) == ("127.0.0.1", rate.max_crawl_delay) and asked > 1000
    arrivals = [h.arrived for h in faults.site.hits]
    assert min(b - a for a, b in zip(arrivals, arrivals[1:])) >= rate.max_crawl_delay - 0.02  # still obeyed


@pytest.mark.parametrize("faults", [{"robots": "redos"}], indirect=True)
def test_a_backtracking_robots_pattern_costs_nothing(faults: FaultSite, tmp_path: Path) -> None:
    started = time.monotonic()
    summary, _, _ = run(faults, ["/redos-path"], tmp_path)
    assert time.monotonic() - started < 5
    assert faults.site.hits_of("/aaaa")  # the pattern ends in b: the path is allowed, and was decided quickly
    assert not summary.failed


@pytest.mark.parametrize("faults", [{"robots": "huge"}], indirect=True)
def test_robots_txt_is_read_up_to_500_kib_only(faults: FaultSite, tmp_path: Path) -> None:
    started = time.monotonic()
    summary, log, _ = run(faults, ["/pages"], tmp_path)
    assert time.monotonic() - started < 10
    robots = next(r for r in log if r["url"].endswith("/robots.txt"))
    assert (robots["status"], robots["bytes"], robots["error"]) == (200, ROBOTS_MAX_BYTES, None)
    assert summary.reports_found == 3  # the `Disallow: /` 45 MiB in was never read


# -- memory ------------------------------------------------------------------------------------------
def test_a_double_gzip_bomb_is_capped_on_decoded_bytes(faults: FaultSite) -> None:
    from pipeline.crawl.faults import gzip_bomb
    gzip_bomb()  # built before measuring: the server's copy is not the crawler's memory
    tracemalloc.start()
    try:
        response = fetch(faults, "/gzip-bomb")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.error == "too_large"
    assert peak < 20 * FAST.max_bytes  # 1 GiB decoded would be 10,000 times the cap


# -- robots.txt on every hop, Retry-After, politeness from the first request ------------------------
def test_a_redirect_into_a_disallowed_path_is_not_followed(faults: FaultSite, tmp_path: Path) -> None:
    summary, _, _ = run(faults, ["/redirect-disallowed", "/pages"], tmp_path)
    assert failures(faults, summary) == {"/redirect-disallowed": "redirect_robots_disallowed"}
    assert not faults.site.hits_of("/private/")


def test_retry_after_past_the_ceiling_parks_the_host(faults: FaultSite, tmp_path: Path) -> None:
    rate = replace(FAST, concurrency=1, retries=3)
    summary, _, _ = run(faults, ["/busy-day", "/report/2021", "/report/2022"], tmp_path, rate)
    assert [h.path for h in faults.site.hits] == ["/robots.txt", "/busy-day"]  # once, and nothing after it
    assert failures(faults, summary) == {"/busy-day": "http_429", "/report/2021": "host_parked",
                                         "/report/2022": "host_parked"}
    (host, why), = summary.parked
    assert host == "127.0.0.1" and "86400" in why
    assert "parked" in format_summary("hostile", summary)


@pytest.mark.parametrize("faults", [{"robots": "slow", "robots_pause": 0.4}], indirect=True)
def test_the_second_request_waits_min_delay_after_robots_txt_arrived(faults: FaultSite, tmp_path: Path) -> None:
    rate = replace(FAST, min_delay=0.5, deadline=5.0)
    run(faults, ["/report/2023"], tmp_path, rate)
    robots, second = faults.site.hits[:2]
    assert robots.path == "/robots.txt" and robots.finished is not None
    assert second.arrived - robots.finished >= rate.min_delay - 0.02


def test_a_resumed_crawl_goes_past_the_hostile_urls_it_already_met(faults: FaultSite, tmp_path: Path) -> None:
    """Stopped by its page budget after the hostile answers, then resumed: it finishes instead of replaying them."""
    paths = ["/bad-links", "/gzip-lie", "/deep-json", "/bad-redirects", "/pages"]
    rate = replace(FAST, concurrency=1, max_bytes=1_000_000)
    first, _, crawls = run(faults, paths, tmp_path, rate, max_pages=4)
    assert first.budget_exhausted and crawls[0]["finished_at"] is None
    second, _, crawls = run(faults, paths, tmp_path, rate)
    assert second.resumed and second.reused >= 1
    assert {"/to/ipv6", "/to/other-port"} <= failures(faults, second).keys()
    assert second.reports_found >= 3
    assert_finished(crawls)
    assert not faults.internal.hits
