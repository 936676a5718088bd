"""When to try a request again and how long to wait first.

Transient failures (timeouts, refused or reset connections, 429, 5xx) are retried with exponential
backoff and full jitter so several crawlers do not retry in lock-step; a server's Retry-After
(seconds or an HTTP date) is obeyed when it asks for longer than the backoff would wait.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 3  # attempts after the first
    base: float = 1.0
    cap: float = 60.0

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full-jitter delay before retry number `attempt` (1-based): uniform in [base*2^(n-1)/2, base*2^(n-1)]."""
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        return ceiling * (0.5 + 0.5 * (rng or random).random())

    def delay(self, attempt: int, retry_after: str | None = None, now: datetime | None = None) -> float | None:
        """Seconds to wait before retry `attempt`: Retry-After wins when longer. None when the server
        asks for more than `cap`: coming back early would ignore it, so the URL is reported instead."""
        wait = self.backoff(attempt)
        asked = parse_retry_after(retry_after, now) if retry_after else None
        if asked is not None:
            if asked > self.cap:
                return None
            wait = max(wait, asked)
        return wait


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now; None when unparseable (then plain backoff applies)."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
