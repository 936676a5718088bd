"""One polite GET: throttled, retried, size-capped, deadlined, with redirects followed by hand.

httpx's own redirect following is off so every hop is checked against the allowed origins (and
the caller's robots.txt), counted, throttled like any request and refused on a loop. httpx's own
content decoding is bypassed too: bodies are read raw and inflated piece by piece, so the size cap
counts decoded bytes as they appear. Each request has a total deadline besides the read timeout.
A failure never raises: the caller gets a `Response` whose `error` is a stable reason code
(timeout, deadline, connection_error, tls_error, request_error, http_404, too_large, bad_encoding,
invalid_url, redirect_loop, too_many_redirects, redirect_offsite, offsite, host_parked, and the
hop check's own codes) to log and report.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin

import httpx

from pipeline.crawl.config import PortalConfig, host_of
from pipeline.crawl.decoding import BodyDecoder, DecodeFailed
from pipeline.crawl.offsite import portal_origins, url_problem
from pipeline.crawl.retry import RetryPolicy, is_retryable_status
from pipeline.crawl.store import Validators
from pipeline.crawl.throttle import HostThrottle

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HopCheck = Callable[[str], Awaitable[str | None]]  # a redirect target -> a reason to refuse it, or None


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
        self.origins = portal_origins(config)
        rate = config.rate
        self.policy = RetryPolicy(retries=rate.retries, base=rate.backoff_base, cap=rate.backoff_max)

    async def fetch(self, url: str, validators: Validators | None = None, *, hop_check: HopCheck | None = None,
                    keep_first: int | None = None) -> Response:
        """GET `url`, never raising. `hop_check` may refuse a redirect target with a reason code (the
        crawler's robots.txt); `keep_first` keeps only that many body bytes instead of refusing a longer
        body (robots.txt: the rest is ignored, as Google does)."""
        if url_problem(url):
            return Response(url, url, error="invalid_url", attempts=0)
        if not self.origins.allows(url):
            return Response(url, url, error="offsite", attempts=0)
        headers = _conditional_headers(validators)
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            try:
                response = await self._follow(url, headers, hop_check, keep_first)
            except _Refused as refused:
                return Response(url, refused.final_url, error=refused.reason, attempts=attempt)
            except (httpx.TimeoutException, TimeoutError) as exc:
                response = Response(url, url, error="timeout" if isinstance(exc, httpx.TimeoutException) else "deadline")
            except httpx.TransportError as exc:
                if _caused_by(exc, ssl.SSLError):  # a bad certificate or TLS setup stays bad: no retry
                    return Response(url, url, error="tls_error", attempts=attempt)
                response = Response(url, url, error="connection_error")
            except httpx.HTTPError:  # anything else httpx refuses (a header it cannot encode, say) stays refused
                return Response(url, url, error="request_error", attempts=attempt)
            else:
                if response.status is not None and is_retryable_status(response.status):
                    retry_after = response.headers.get("retry-after")
                else:
                    return _with_attempts(response, attempt)
            wait = self.policy.delay(attempt, retry_after)
            if retry_after:
                host = host_of(response.final_url)
                if wait is None:
                    self.throttle.park(host, f"HTTP {response.status} asked to wait {retry_after.strip()[:40]!r} "
                                             f"(Retry-After), more than the {self.policy.cap:g} s ceiling")
                else:
                    self.throttle.pause(host, wait)
            if attempt > self.policy.retries or wait is None:
                return _with_attempts(response, attempt)
            await asyncio.sleep(wait)

    async def _follow(self, url: str, headers: dict[str, str], hop_check: HopCheck | None,
                      keep_first: int | None) -> Response:
        current, seen = url, {url}
        rate = self.config.rate
        for _ in range(rate.max_redirects + 1):
            host = host_of(current)
            async with self.throttle.slot(host):
                if host in self.throttle.parked:
                    raise _Refused("host_parked", current)
                async with asyncio.timeout(rate.deadline):  # the whole request, however slowly it trickles
                    async with self._stream(current, headers) as reply:
                        location = reply.headers.get("location")
                        if reply.status_code not in REDIRECT_STATUSES or not location:
                            body = await self._read_capped(reply, current, keep_first)
                            status = reply.status_code
                            error = f"http_{status}" if status >= 400 else None
                            return Response(url, current, status, body,
                                            {k.lower(): v for k, v in reply.headers.items()}, error)
            current = await self._next_hop(current, location, seen, hop_check)
        raise _Refused("too_many_redirects", current)

    @contextlib.asynccontextmanager
    async def _stream(self, url: str, headers: dict[str, str]) -> AsyncIterator[httpx.Response]:
        """`client.stream` GET. httpx works out every redirect's next request even with redirects off, and
        raises RemoteProtocolError on a Location it cannot parse (`http://[::1/`): that is the redirect's
        invalid URL, not a broken connection to retry."""
        try:
            async with self.client.stream("GET", url, headers=headers) as reply:
                yield reply
        except httpx.RemoteProtocolError as exc:
            if str(exc).startswith("Invalid URL in location header"):
                raise _Refused("invalid_url", url) from None
            raise

    async def _next_hop(self, current: str, location: str, seen: set[str], hop_check: HopCheck | None) -> str:
        """The redirect target, checked like any link: parseable, on an allowed origin, not a loop, and
        allowed by `hop_check` (robots.txt: a redirect into a disallowed path is not followed)."""
        try:
            target = urljoin(current, location.strip())
        except ValueError:
            raise _Refused("invalid_url", location.strip()) from None
        if url_problem(target):
            raise _Refused("invalid_url", target)
        if not self.origins.allows(target):
            raise _Refused("redirect_offsite", target)
        if target in seen:
            raise _Refused("redirect_loop", target)
        refusal = await hop_check(target) if hop_check is not None else None
        if refusal is not None:
            raise _Refused(refusal, target)
        seen.add(target)
        return target

    async def _read_capped(self, reply: httpx.Response, url: str, keep_first: int | None) -> bytes:
        """The decoded body, counted as it is decoded: refused past `max_bytes` (cut at `keep_first`)."""
        cap = keep_first if keep_first is not None else self.config.rate.max_bytes
        declared = reply.headers.get("content-length", "")
        encoded = reply.headers.get("content-encoding", "").strip().lower() not in ("", "identity")
        if keep_first is None and not encoded and declared.isdigit() and int(declared) > cap:
            raise _Refused("too_large", url)
        chunks, size = [], 0
        try:
            decoder = BodyDecoder(reply.headers.get("content-encoding"))
            async for raw in reply.aiter_raw():
                for piece in decoder.feed(raw):
                    size += len(piece)
                    chunks.append(piece)
                    if size > cap:
                        if keep_first is not None:
                            return b"".join(chunks)[:cap]
                        raise _Refused("too_large", url)
            chunks.extend(decoder.finish())
        except DecodeFailed:
            raise _Refused("bad_encoding", url) from None
        body = b"".join(chunks)
        if len(body) > cap:
            if keep_first is not None:
                return body[:cap]
            raise _Refused("too_large", url)
        return body


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
