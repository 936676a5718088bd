"""Per-host politeness: at most `concurrency` requests in flight and request starts `min_delay` apart.

Every request, including retries and redirect hops, passes through `slot(host)`, so the rate a
server sees never exceeds one request per `min_delay` however many workers the crawler runs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostThrottle:
    def __init__(self, concurrency: int, min_delay: float) -> None:
        self.concurrency = concurrency
        self.min_delay = min_delay
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._spacing: dict[str, asyncio.Lock] = {}
        self._next_start: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}

    def set_host_delay(self, host: str, delay: float) -> None:
        """Slow one host down further (a robots.txt Crawl-delay); never below `min_delay`."""
        self._host_delay[host] = max(self.min_delay, delay)

    def pause(self, host: str, seconds: float) -> None:
        """Hold every request to `host` for `seconds` (a 429/503 Retry-After speaks for the whole server)."""
        self._next_start[host] = max(self._next_start.get(host, 0.0), time.monotonic() + seconds)

    def delay_for(self, host: str) -> float:
        return self._host_delay.get(host, self.min_delay)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self.concurrency))
        spacing = self._spacing.setdefault(host, asyncio.Lock())
        async with semaphore:
            async with spacing:
                wait = self._next_start.get(host, 0.0) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start[host] = time.monotonic() + self.delay_for(host)
            yield
