"""One polite GET: throttled, retried, size-capped, with redirects followed by hand.

httpx's own redirect following is off so every hop is checked against the allowed domains,
counted, throttled like any request and refused on a loop. A failure never raises: the caller gets
a `Response` whose `error` is a stable reason code (timeout, connection_error, tls_error, http_404,
too_large, redirect_loop, too_many_redirects, redirect_offsite, offsite) to log and report.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin

import httpx

from pipeline.crawl.config import PortalConfig, host_of
from pipeline.crawl.offsite import is_allowed
from pipeline.crawl.retry import RetryPolicy, is_retryable_status
from pipeline.crawl.store import Validators
from pipeline.crawl.throttle import HostThrottle

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Response:
    url: str
    final_url: str
    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    error: str | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and (200 <= self.status < 300 or self.status == 304)

    @property
    def content_type(self) -> str | None:
        value = self.headers.get("content-type")
        return value.split(";")[0].strip().lower() if value else None

    @property
    def charset(self) -> str | None:
        """The HTTP header's charset only; pages that declare theirs in `<meta>` return None."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'").lower()
        return None


class _Refused(Exception):
    def __init__(self, reason: str, final_url: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.final_url = final_url


def make_client(config: PortalConfig) -> httpx.AsyncClient:
    """The portal's HTTP client. `trust_env=False`: no proxy from the environment sees our traffic."""
    rate = config.rate
    connections = max(10, rate.concurrency * 4)  # the throttle limits per host; this only caps the pool
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(rate.timeout, connect=rate.connect_timeout),
        headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"},
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    )


class Fetcher:
    def __init__(self, config: PortalConfig, throttle: HostThrottle, client: httpx.AsyncClient) -> None:
        self.config = config
        self.throttle = throttle
        self.client = client
        rate = config.rate
        self.policy = RetryPolicy(retries=rate.retries, base=rate.backoff_base, cap=rate.backoff_max)

    async def fetch(self, url: str, validators: Validators | None = None) -> Response:
        if not is_allowed(url, self.config.allowed_domains):
            return Response(url, url, error="offsite", attempts=0)
        headers = _conditional_headers(validators)
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            try:
                response = await self._follow(url, headers)
            except _Refused as refused:
                return Response(url, refused.final_url, error=refused.reason, attempts=attempt)
            except httpx.TimeoutException:
                response = Response(url, url, error="timeout")
            except httpx.TransportError as exc:
                if _caused_by(exc, ssl.SSLError):  # a bad certificate or TLS setup stays bad: no retry
                    return Response(url, url, error="tls_error", attempts=attempt)
                response = Response(url, url, error="connection_error")
            else:
                if response.status is not None and is_retryable_status(response.status):
                    retry_after = response.headers.get("retry-after")
                else:
                    return _with_attempts(response, attempt)
            wait = self.policy.delay(attempt, retry_after)
            if retry_after and wait is not None:
                self.throttle.pause(host_of(response.final_url), wait)
            if attempt > self.policy.retries or wait is None:
                return _with_attempts(response, attempt)
            await asyncio.sleep(wait)

    async def _follow(self, url: str, headers: dict[str, str]) -> Response:
        current, seen = url, {url}
        for _ in range(self.config.rate.max_redirects + 1):
            async with self.throttle.slot(host_of(current)):
                async with self.client.stream("GET", current, headers=headers) as reply:
                    location = reply.headers.get("location")
                    if reply.status_code not in REDIRECT_STATUSES or not location:
                        body = await self._read_capped(reply, current)
                        status = reply.status_code
                        error = f"http_{status}" if status >= 400 else None
                        return Response(url, current, status, body,
                                        {k.lower(): v for k, v in reply.headers.items()}, error)
            target = urljoin(current, location.strip())
            if not is_allowed(target, self.config.allowed_domains):
                raise _Refused("redirect_offsite", target)
            if target in seen:
                raise _Refused("redirect_loop", target)
            seen.add(target)
            current = target
        raise _Refused("too_many_redirects", current)

    async def _read_capped(self, reply: httpx.Response, url: str) -> bytes:
        cap = self.config.rate.max_bytes
        declared = reply.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _Refused("too_large", url)
        chunks, size = [], 0
        async for chunk in reply.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise _Refused("too_large", url)
            chunks.append(chunk)
        return b"".join(chunks)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether `kind` is anywhere in the chain httpx and httpcore wrap errors in."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    if validators is None:
        return {}
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _with_attempts(response: Response, attempts: int) -> Response:
    return replace(response, attempts=attempts)
