"""The fetcher against a real fault-injecting HTTP server on 127.0.0.1.

Each route misbehaves the way government servers do: errors that clear up, 429 with Retry-After,
answers that never come, connections reset, redirect loops, redirects off the site, huge bodies.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipeline.crawl.config import PortalConfig, RateSettings
from pipeline.crawl.crawler import crawl_sync
from pipeline.crawl.fetch import Fetcher, Response, make_client
from pipeline.crawl.store import RawStore, Validators
from pipeline.crawl.throttle import HostThrottle

FAST = RateSettings(concurrency=2, min_delay=0.0, connect_timeout=1.0, timeout=0.3, max_bytes=100_000,
                    retries=2, backoff_base=0.01, backoff_max=2.0, max_redirects=4)


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.hits: dict[str, list[dict]] = defaultdict(list)
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that gave up (timeouts, size cap) leave broken pipes behind: expected here

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class FaultHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path
        with self.server.lock:
            self.server.hits[path].append({"time": time.monotonic(), "headers": dict(self.headers)})
            count = len(self.server.hits[path])
            self.server.in_flight += 1
            self.server.max_in_flight = max(self.server.max_in_flight, self.server.in_flight)
        try:
            self.route(path, count)
        finally:
            with self.server.lock:
                self.server.in_flight -= 1

    def route(self, path: str, count: int) -> None:
        port = self.server.server_address[1]
        if path == "/flaky":
            self.reply(500 if count <= 2 else 200, b"ok")
        elif path == "/always-503":
            self.reply(503, b"down")
        elif path == "/closed-for-an-hour":
            self.reply(503, b"maintenance", {"Retry-After": "3600"})
        elif path == "/busy":
            self.reply(429, b"slow down", {"Retry-After": "1"}) if count == 1 else self.reply(200, b"ok")
        elif path == "/slow":
            time.sleep(1.0)
            self.reply(200, b"late")
        elif path == "/slow-once":
            if count == 1:
                time.sleep(1.0)
            self.reply(200, b"ok")
        elif path in ("/reset", "/reset-once") and (path == "/reset" or count == 1):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif path == "/reset-once":
            self.reply(200, b"ok")
        elif path == "/loop-a":
            self.reply(302, b"", {"Location": "/loop-b"})
        elif path == "/loop-b":
            self.reply(302, b"", {"Location": f"http://127.0.0.1:{port}/loop-a"})
        elif path.startswith("/chain/"):
            self.reply(302, b"", {"Location": f"/chain/{int(path.rsplit('/', 1)[1]) + 1}"})
        elif path == "/moved":
            self.reply(301, b"", {"Location": "/ok"})
        elif path == "/foreign":
            self.reply(302, b"", {"Location": f"http://localhost:{port}/ok"})
        elif path == "/big":
            self.reply(200, b"x" * 200_000)
        elif path == "/big-unsized":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"y" * 10_000)
            self.close_connection = True
        elif path == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self.reply(304, b"", {"ETag": '"v1"'})
            else:
                self.reply(200, b"versioned", {"ETag": '"v1"', "Last-Modified": "Mon, 06 Jan 2025 08:00:00 GMT"})
        elif path == "/start":  # a home page that only forwards, as many portals' do
            self.reply(200, b'<html><head><meta http-equiv="refresh" content="0;url=/"></head></html>',
                       {"Content-Type": "text/html"})
        elif path == "/":
            links = "".join(f'<a href="{p}">某局{2020 + i}年政府信息公开工作年度报告</a>' for i, p in enumerate(
                ("/report", "/flaky", "/slow", "/reset", "/foreign", "/big", "/loop-a", "/files/r2027.pdf")))
            links += '<a href="/section">政府信息公开年报</a>'
            self.reply(200, f"<html><body>{links}</body></html>".encode(), {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/section":
            self.reply(301, b"", {"Location": "/lists/"})
        elif path == "/lists/":  # its relative link only works against the redirect's target
            self.reply(200, '<a href="r1.html">某局2018年政府信息公开工作年度报告</a>'.encode(),
                       {"Content-Type": "text/html; charset=utf-8"})
        elif path in ("/report", "/report-2019", "/lists/r1.html"):
            self.reply(200, "<html><head><title>某局2020年政府信息公开工作年度报告</title></head><body>"
                       "<div class='content'><p>报告</p></div><a href='/news'>工作动态</a>"
                       "<a href='/report-2019'>下一篇：某局2019年政府信息公开工作年度报告</a></body></html>".encode(),
                       {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/files/r2027.pdf":
            self.reply(200, b"%PDF-1.4\n%report\n", {"Content-Type": "application/pdf"})
        elif path.startswith("/pace/"):
            time.sleep(0.05)
            self.reply(200, b"paced")
        else:
            self.reply(200 if path in ("/ok", "/robots.txt") else 404, b"ok")

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
            if "Content-Type" not in (headers or {}):
                self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    srv = FaultServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def portal(port: int, rate: RateSettings = FAST) -> PortalConfig:
    """Loopback on the test server's port only: another port of the same host is another origin."""
    return PortalConfig(name="faults", region_code=None, start_urls=[], allowed_domains=[f"127.0.0.1:{port}"],
                        rate=rate)


def fetch(url: str, rate: RateSettings = FAST, validators: Validators | None = None) -> Response:
    return asyncio.run(fetch_many([url], rate, validators))[0]


async def fetch_many(urls: list[str], rate: RateSettings = FAST, validators: Validators | None = None) -> list[Response]:
    config = portal(urlsplit(urls[0]).port, rate)
    async with make_client(config) as client:
        fetcher = Fetcher(config, HostThrottle(rate.concurrency, rate.min_delay), client)
        return await asyncio.gather(*(fetcher.fetch(u, validators) for u in urls))


def test_500_then_200_is_retried(server: FaultServer) -> None:
    response = fetch(server.base + "/flaky")
    assert (response.status, response.body, response.error, response.attempts) == (200, b"ok", None, 3)
    assert len(server.hits["/flaky"]) == 3


def test_persistent_5xx_is_reported_after_the_retries(server: FaultServer) -> None:
    response = fetch(server.base + "/always-503")
    assert (response.status, response.error, response.attempts) == (503, "http_503", FAST.retries + 1)
    assert len(server.hits["/always-503"]) == FAST.retries + 1


def test_429_waits_for_retry_after(server: FaultServer) -> None:
    response = fetch(server.base + "/busy")
    assert response.status == 200
    first, second = (hit["time"] for hit in server.hits["/busy"])
    assert second - first >= 0.95  # Retry-After: 1, though the backoff alone would wait ~0.01 s


def test_retry_after_holds_the_whole_host(server: FaultServer) -> None:
    urls = [server.base + "/busy"] + [f"{server.base}/pace/{i}" for i in range(3)]
    responses = asyncio.run(fetch_many(urls, replace(FAST, concurrency=1)))
    assert all(r.status == 200 for r in responses)
    refused_at = server.hits["/busy"][0]["time"]
    others = [hit["time"] for path, hits in server.hits.items() if path.startswith("/pace/") for hit in hits]
    assert min(others) - refused_at >= 0.95  # nothing else went to the host during its Retry-After


def test_retry_after_beyond_the_backoff_cap_is_reported_not_hammered(server: FaultServer) -> None:
    response = fetch(server.base + "/closed-for-an-hour")
    assert (response.error, response.attempts) == ("http_503", 1)
    assert len(server.hits["/closed-for-an-hour"]) == 1


def test_timeout_is_retried_then_reported(server: FaultServer) -> None:
    response = fetch(server.base + "/slow")
    assert (response.status, response.error, response.attempts) == (None, "timeout", FAST.retries + 1)
    assert len(server.hits["/slow"]) == FAST.retries + 1


def test_timeout_then_success_recovers(server: FaultServer) -> None:
    response = fetch(server.base + "/slow-once")
    assert (response.status, response.attempts) == (200, 2)


def test_connection_reset_is_retried_then_reported(server: FaultServer) -> None:
    response = fetch(server.base + "/reset")
    assert (response.error, response.attempts) == ("connection_error", FAST.retries + 1)
    assert len(server.hits["/reset"]) == FAST.retries + 1
    assert fetch(server.base + "/reset-once").status == 200


def test_connection_refused_is_reported() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        response = fetch(f"http://127.0.0.1:{port}/")
    assert (response.error, response.attempts) == ("connection_error", FAST.retries + 1)


def test_redirect_is_followed_within_the_site(server: FaultServer) -> None:
    response = fetch(server.base + "/moved")
    assert (response.status, response.final_url, response.url) == (200, server.base + "/ok", server.base + "/moved")


def test_redirect_loop_is_refused(server: FaultServer) -> None:
    response = fetch(server.base + "/loop-a")
    assert response.error == "redirect_loop"
    assert len(server.hits["/loop-a"]) == 1 and len(server.hits["/loop-b"]) == 1  # not retried either


def test_endless_redirects_stop_at_the_limit(server: FaultServer) -> None:
    response = fetch(server.base + "/chain/0")
    assert response.error == "too_many_redirects"
    assert sum(len(v) for k, v in server.hits.items() if k.startswith("/chain/")) == FAST.max_redirects + 1


def test_redirect_to_a_foreign_domain_is_refused(server: FaultServer) -> None:
    response = fetch(server.base + "/foreign")
    assert response.error == "redirect_offsite"
    assert response.final_url.startswith("http://localhost:")
    assert all(hit["headers"].get("Host", "").startswith("127.0.0.1") for hits in server.hits.values() for hit in hits)


def test_offsite_url_is_never_requested(server: FaultServer) -> None:
    port = server.server_address[1]
    response = fetch(f"http://localhost:{port}/ok")
    assert (response.error, response.attempts) == ("offsite", 0)
    assert not server.hits


@pytest.mark.parametrize("path", ["/big", "/big-unsized"])
def test_body_over_the_cap_is_refused(server: FaultServer, path: str) -> None:
    response = fetch(server.base + path)
    assert (response.error, response.body) == ("too_large", b"")
    assert fetch(server.base + path, replace(FAST, max_bytes=1_000_000)).error is None


def test_conditional_request_gets_304(server: FaultServer) -> None:
    first = fetch(server.base + "/etag")
    assert (first.status, first.headers["etag"]) == (200, '"v1"')
    second = fetch(server.base + "/etag", validators=Validators('"v1"', first.headers["last-modified"], "0" * 64))
    assert (second.status, second.body, second.ok) == (304, b"", True)
    sent = server.hits["/etag"][1]["headers"]
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == "Mon, 06 Jan 2025 08:00:00 GMT"


def test_user_agent_is_sent(server: FaultServer) -> None:
    fetch(server.base + "/ok")
    assert server.hits["/ok"][0]["headers"]["User-Agent"].startswith("xxgk-crawler/")


def test_per_host_concurrency_and_spacing_hold_under_load(server: FaultServer) -> None:
    rate = replace(FAST, concurrency=2, min_delay=0.05, timeout=5.0)
    urls = [f"{server.base}/pace/{i}" for i in range(12)]
    responses = asyncio.run(fetch_many(urls, rate))
    assert all(r.status == 200 for r in responses)
    starts = sorted(hit["time"] for hits in server.hits.values() for hit in hits)
    # Arrival times jitter on a busy machine, so pairs of gaps can look short; a burst cannot hide in
    # the span, which must hold one min_delay per request (the client-side spacing is tested exactly
    # in test_crawl_politeness).
    assert starts[-1] - starts[0] >= (len(starts) - 1) * 0.05 - 0.03
    assert server.max_in_flight <= 2


def test_a_crawl_logs_and_reports_every_failure_and_goes_on(server: FaultServer, tmp_path: Path) -> None:
    config = replace(portal(server.server_address[1]), start_urls=[server.base + "/start"])
    with RawStore(tmp_path) as store:
        summary = crawl_sync(config, store)
        rows = {r["url"][len(server.base):]: r for r in store.fetch_log()}
        found = sorted((d.url[len(server.base):], d.kind, d.source_format) for d in store.documents())
    assert found == [("/files/r2027.pdf", "report_page", "pdf"), ("/flaky", "report_page", "text"),
                     ("/lists/r1.html", "report_page", "html"), ("/report", "report_page", "html"),
                     ("/report-2019", "report_page", "html")]
    assert "/news" not in rows  # only report links are followed from a report page
    assert sorted((url[len(server.base):], reason) for url, reason in summary.failed) == [
        ("/big", "too_large"), ("/foreign", "redirect_offsite"), ("/loop-a", "redirect_loop"),
        ("/reset", "connection_error"), ("/slow", "timeout")]
    assert (rows["/slow"]["error"], rows["/slow"]["attempts"], rows["/slow"]["sha256"]) == ("timeout", 3, None)
    assert (rows["/flaky"]["status"], rows["/flaky"]["attempts"]) == (200, 3)
    assert rows["/foreign"]["final_url"].startswith("http://localhost:")
    assert summary.pages_fetched == len(rows) - 1  # every request but robots.txt, each logged once


def test_tls_failure_is_reported_once_not_retried(server: FaultServer) -> None:
    port = server.server_address[1]
    response = fetch(f"https://127.0.0.1:{port}/ok")  # TLS to a plain-HTTP server: the handshake fails
    assert (response.error, response.attempts) == ("tls_error", 1)
