"""Retry timing, robots.txt rules, allowed origins and the per-host throttle, each on its own."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from pipeline.crawl.offsite import Origins, allowed_host, is_allowed, url_problem
from pipeline.crawl.retry import RetryPolicy, is_retryable_status, parse_retry_after
from pipeline.crawl.robots import MAX_BYTES as ROBOTS_MAX_BYTES
from pipeline.crawl.robots import Robots, robots_url
from pipeline.crawl.throttle import HostThrottle

UA = "xxgk-crawler/0.1 (+research)"


# -- retry ---------------------------------------------------------------------------------------
def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(retries=6, base=1.0, cap=8.0)
    rng = random.Random(7)
    for attempt, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (6, 8.0)):
        delays = [policy.backoff(attempt, rng) for _ in range(200)]
        assert ceiling / 2 <= min(delays) and max(delays) <= ceiling
        assert max(delays) - min(delays) > ceiling / 4  # jittered, not a fixed wait


def test_retry_after_in_seconds_and_as_a_date() -> None:
    now = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert parse_retry_after("soon") is None


def test_retry_after_wins_over_a_shorter_backoff_and_beyond_the_cap_means_give_up() -> None:
    policy = RetryPolicy(retries=3, base=0.01, cap=10.0)
    assert policy.delay(1, "3") == 3.0
    assert policy.delay(1, "3600") is None  # an hour: report the URL rather than come back early
    assert policy.delay(1, "nonsense") <= 0.01


@pytest.mark.parametrize(("status", "retryable"), [(429, True), (500, True), (503, True), (504, True),
                                                   (404, False), (403, False), (501, False), (200, False)])
def test_which_statuses_are_retried(status: int, retryable: bool) -> None:
    assert is_retryable_status(status) is retryable


# -- robots.txt ----------------------------------------------------------------------------------
ROBOTS = """User-agent: *
Disallow: /internal/
Allow: /internal/public.html

User-agent: xxgk-crawler
Disallow: /search/
Crawl-delay: 3
"""


def test_robots_rules_for_the_named_agent_and_the_rest() -> None:
    robots = Robots.from_text(ROBOTS)
    assert not robots.can_fetch(UA, "http://a.gov.cn/search/q.html")
    assert robots.can_fetch(UA, "http://a.gov.cn/internal/x.html")  # its own group replaces *
    assert not robots.can_fetch("OtherBot/1.0", "http://a.gov.cn/internal/x.html")
    assert robots.can_fetch("OtherBot/1.0", "http://a.gov.cn/internal/public.html")
    assert robots.crawl_delay(UA) == 3.0
    assert robots.crawl_delay("OtherBot/1.0") is None


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, True), (500, False), (503, False), (None, False)])
def test_missing_or_failing_robots_txt(status: int | None, allowed: bool) -> None:
    """RFC 9309: 4xx means no rules; 5xx or no answer means assume everything is disallowed."""
    assert Robots.from_fetch(status, "").can_fetch(UA, "http://a.gov.cn/zwgk/") is allowed


def test_robots_url_is_at_the_root_of_the_host() -> None:
    assert robots_url("https://www.a.gov.cn:8443/zwgk/ndbg/index.html?x=1#top") == "https://www.a.gov.cn:8443/robots.txt"


# -- allowed domains -----------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "allowed"), [
    ("http://www.hebkc.gov.cn/zwgk/", True),
    ("https://xxgk.www.hebkc.gov.cn/a.pdf", True),
    ("http://WWW.HEBKC.GOV.CN./x", True),
    ("http://evilwww.hebkc.gov.cn.example.com/", False),
    ("http://fakehebkc.gov.cn/", False),
    ("http://www.gov.cn/", False),
    ("ftp://www.hebkc.gov.cn/a.doc", False),
    ("mailto:xxgk@www.hebkc.gov.cn", False),
    ("javascript:void(0)", False),
])
def test_allowed_domains_and_their_subdomains_only(url: str, allowed: bool) -> None:
    assert is_allowed(url, ["www.hebkc.gov.cn"]) is allowed


def test_allowed_host_is_case_and_dot_insensitive() -> None:
    assert allowed_host("Www.A.Gov.Cn.", ["www.a.gov.cn"])
    assert not allowed_host("a.gov.cn", ["www.a.gov.cn"])  # a parent domain is not allowed


# -- throttle ------------------------------------------------------------------------------------
def _run_slots(throttle: HostThrottle, hosts: list[str], hold: float) -> tuple[dict[str, list[float]], int]:
    starts: dict[str, list[float]] = {}
    state = {"now": 0, "max": 0}

    async def one(host: str) -> None:
        async with throttle.slot(host):
            starts.setdefault(host, []).append(time.monotonic())
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
            await asyncio.sleep(hold)
            state["now"] -= 1

    async def main() -> None:
        await asyncio.gather(*(one(h) for h in hosts))

    asyncio.run(main())
    return starts, state["max"]


def test_throttle_spaces_starts_per_host() -> None:
    starts, _ = _run_slots(HostThrottle(concurrency=4, min_delay=0.03), ["a"] * 6, hold=0.0)
    gaps = [b - a for a, b in zip(starts["a"], starts["a"][1:])]
    assert min(gaps) >= 0.03 - 0.002


def test_throttle_limits_concurrency_per_host_not_across_hosts() -> None:
    starts, peak = _run_slots(HostThrottle(concurrency=2, min_delay=0.0), ["a"] * 6, hold=0.05)
    assert peak == 2
    starts, peak = _run_slots(HostThrottle(concurrency=1, min_delay=0.2), ["a", "b", "c"], hold=0.0)
    first = [times[0] for times in starts.values()]
    assert max(first) - min(first) < 0.1  # different hosts do not wait for each other


def test_crawl_delay_slows_one_host_but_never_speeds_it_up() -> None:
    throttle = HostThrottle(concurrency=2, min_delay=0.5)
    throttle.set_host_delay("a", 2.0)
    throttle.set_host_delay("b", 0.1)
    assert (throttle.delay_for("a"), throttle.delay_for("b"), throttle.delay_for("c")) == (2.0, 0.5, 0.5)


@pytest.mark.parametrize(("path", "allowed"), [
    ("/a/", False), ("/a/b.html", True), ("/a/c.html", False), ("/file.pdf", False), ("/file.pdf?x=1", True),
    ("/q?page=2", False), ("/%E5%85%AC%E5%BC%80/x", False),
])
def test_longest_match_wins_with_wildcards(path: str, allowed: bool) -> None:
    robots = Robots.from_text("User-agent: *\nDisallow: /a/\nAllow: /a/b.html\nDisallow: /*.pdf$\n"
                              "Disallow: /q?\nDisallow: /公开/\n")
    assert robots.can_fetch(UA, "http://x.gov.cn" + path) is allowed


# -- allowed origins: scheme + host + port -------------------------------------------------------
@pytest.mark.parametrize(("url", "allowed"), [
    ("http://www.a.gov.cn/x", True),
    ("http://www.a.gov.cn:80/x", True),
    ("https://www.a.gov.cn/x", True),
    ("https://xxgk.www.a.gov.cn:443/x", True),
    ("http://www.a.gov.cn:8080/x", False),  # another service on the same machine
    ("http://www.a.gov.cn:443/x", False),  # the https port spoken to in plain http
    ("https://www.a.gov.cn:80/x", False),
    ("http://www.a.gov.cn:8443/x", True),  # listed as www.a.gov.cn:8443
    ("http://www.a.gov.cn:99999/x", False),  # does not parse: refused, never raises
    ("http://[::1/", False),
])
def test_allowed_origins_count_the_port(url: str, allowed: bool) -> None:
    assert Origins.of(["www.a.gov.cn", "www.a.gov.cn:8443"]).allows(url) is allowed


def test_a_start_urls_port_is_allowed_for_its_host_only() -> None:
    origins = Origins.of(["127.0.0.1", "a.gov.cn"], ["http://127.0.0.1:8765/", "http://elsewhere.cn:81/"])
    assert origins.allows("http://127.0.0.1:8765/x") and origins.allows("http://127.0.0.1/x")
    assert not origins.allows("http://127.0.0.1:8766/x")
    assert not origins.allows("http://elsewhere.cn:81/")  # a start URL does not widen the allowed hosts
    assert not origins.allows("http://a.gov.cn:8765/")  # nor give its port to the other hosts


@pytest.mark.parametrize(("url", "problem"), [("http://a.gov.cn/x", None), ("http://a.gov.cn:99999/", "invalid_url"),
                                              ("http://[::1/", "invalid_url"), ("http://a.gov.cn:port/", "invalid_url")])
def test_urls_that_do_not_parse_are_named(url: str, problem: str | None) -> None:
    assert url_problem(url) == problem


# -- robots.txt: bounded and linear --------------------------------------------------------------
def test_a_backtracking_pattern_is_decided_in_linear_time() -> None:
    robots = Robots.from_text("User-agent: *\nDisallow: /" + "*a" * 200 + "*b\n")
    started = time.monotonic()
    assert robots.can_fetch(UA, "http://x.gov.cn/" + "a" * 200_000)
    assert not robots.can_fetch(UA, "http://x.gov.cn/" + "a" * 200_000 + "b")
    assert time.monotonic() - started < 1.0  # `re` takes longer than any test timeout on this pattern


def test_rules_past_500_kib_are_ignored() -> None:
    padding = ("#" + "x" * 1000 + "\n") * (ROBOTS_MAX_BYTES // 1000)
    robots = Robots.from_text("User-agent: *\nDisallow: /private/\n" + padding + "Disallow: /\n")
    assert robots.can_fetch(UA, "http://x.gov.cn/zwgk/") and not robots.can_fetch(UA, "http://x.gov.cn/private/a")


@pytest.mark.parametrize(("value", "delay"), [("5", 5.0), ("inf", float("inf")), ("nan", None), ("-1", None),
                                              ("soon", None)])
def test_crawl_delay_values(value: str, delay: float | None) -> None:
    assert Robots.from_text(f"User-agent: *\nCrawl-delay: {value}\n").crawl_delay(UA) == delay


# -- throttle: a ceiling on Crawl-delay, a clock from the end of each answer, parking ------------
@pytest.mark.parametrize("asked", [float("inf"), 100_000.0, float("nan")])
def test_crawl_delay_has_a_ceiling(asked: float) -> None:
    throttle = HostThrottle(concurrency=1, min_delay=0.5, max_delay=30.0)
    applied = throttle.set_host_delay("a", asked)
    assert applied == throttle.delay_for("a") == (0.5 if asked != asked else 30.0)


def test_the_next_request_waits_min_delay_after_the_last_answer_finished() -> None:
    throttle = HostThrottle(concurrency=1, min_delay=0.2)
    times: dict[str, float] = {}

    async def main() -> None:
        async with throttle.slot("a"):
            await asyncio.sleep(0.15)  # a slow answer: the clock must not start when it was asked for
            times["first_done"] = time.monotonic()
        async with throttle.slot("a"):
            times["second"] = time.monotonic()

    asyncio.run(main())
    assert times["second"] - times["first_done"] >= 0.2 - 0.005


def test_a_parked_host_keeps_its_first_reason() -> None:
    throttle = HostThrottle(concurrency=1, min_delay=0.0)
    throttle.park("a", "Retry-After 86400")
    throttle.park("a", "later")
    assert throttle.parked == {"a": "Retry-After 86400"}
