"""Per-host politeness: at most `concurrency` requests in flight, request starts `min_delay` apart, and
no request sooner than `min_delay` after the host's last answer finished.

Every request, including retries and redirect hops, passes through `slot(host)`, so the rate a
server sees never exceeds one request per `min_delay` however many workers the crawler runs. The
clock also counts from the end of each answer: a robots.txt that takes 0.85 s to arrive is not
followed by the next request 0.15 s later. A robots.txt Crawl-delay slows a host down, up to
`max_delay` (a `Crawl-delay: inf` or `100000` would otherwise stall the crawl for good).

A host whose server asks for a longer pause than the crawler will wait (a Retry-After past the
ceiling) is parked: nothing more is sent to it in this crawl, and the reason is kept to report.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostThrottle:
    def __init__(self, concurrency: int, min_delay: float, max_delay: float = math.inf) -> None:
        self.concurrency = concurrency
        self.min_delay = min_delay
        self.max_delay = max(min_delay, max_delay)
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._spacing: dict[str, asyncio.Lock] = {}
        self._next_start: dict[str, float] = {}
        self._last_done: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}
        self.parked: dict[str, str] = {}  # host -> why nothing more is sent to it in this crawl

    def set_host_delay(self, host: str, delay: float) -> float:
        """Slow one host down further (a robots.txt Crawl-delay): never below `min_delay`, never above
        `max_delay`. Returns the delay that applies."""
        applied = min(self.max_delay, max(self.min_delay, delay if not math.isnan(delay) else self.min_delay))
        self._host_delay[host] = applied
        return applied

    def pause(self, host: str, seconds: float) -> None:
        """Hold every request to `host` for `seconds` (a 429/503 Retry-After speaks for the whole server)."""
        self._next_start[host] = max(self._next_start.get(host, 0.0), time.monotonic() + seconds)

    def park(self, host: str, why: str) -> None:
        """Send nothing more to `host` in this crawl; the first reason given is kept."""
        self.parked.setdefault(host, why)

    def delay_for(self, host: str) -> float:
        return self._host_delay.get(host, self.min_delay)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self.concurrency))
        spacing = self._spacing.setdefault(host, asyncio.Lock())
        async with semaphore:
            async with spacing:
                delay = self.delay_for(host)
                start = max(self._next_start.get(host, 0.0), self._last_done.get(host, -math.inf) + delay)
                wait = start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start[host] = time.monotonic() + self.delay_for(host)
            try:
                yield
            finally:
                self._last_done[host] = time.monotonic()
