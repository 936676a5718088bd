"""Test support: a fault-injecting HTTP server on 127.0.0.1 that attacks the crawler.

Not used by the pipeline. The crawler tests (`tests/test_crawl_hostile.py`) and the campaign
(`benchmarks/campaign.py`) crawl it to show that every hostile answer found in issue 13 is one
URL's recorded failure, bounded in time and memory, within the allowed origins and the
configured rate. Each route in `SCENARIOS` is one attack; how the site answers robots.txt is
chosen per server (`ROBOTS_MODES`), since a host has only one robots.txt.

A second server on another port of the same host stands for a service the crawler must never
reach (an admin console, a database's HTTP port): links and redirects point at it, and its hit
count must stay 0.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPORT = "某局{year}年政府信息公开工作年度报告"  # a title the crawler follows as a report
SECTION = "政府信息公开年报"  # a title the crawler follows as a list page

SCENARIOS: dict[str, str] = {
    "/gzip-lie": "Content-Encoding: gzip on a body that is not gzip",
    "/gzip-bomb": "Content-Encoding: gzip, gzip: 2.5 KB that inflate to 1 GiB",
    "/bad-links": "links to port 99999, to http://[::1/ and to another port of the same host",
    "/bad-redirects": "redirects to port 99999, to http://[::1/ and to another port of the same host",
    "/deep-json": "a list whose JSON endpoint is nested 100,000 deep",
    "/huge-list": "createPageHTML(100000000, ...): a list claiming 100 million pages",
    "/trickle-body": "a body trickled one byte at a time",
    "/trickle-headers": "headers trickled one byte at a time",
    "/redirect-disallowed": "a redirect into a path robots.txt disallows",
    "/busy-day": "429 with Retry-After: 86400, then more pages on the same host",
    "/redos-path": "a long path for robots.txt's backtracking pattern (robots mode redos)",
    "/pages": "three plain pages, for the politeness scenarios (robots modes slow, inf-delay, big-delay, huge)",
}
ROBOTS_MODES = ("plain", "slow", "trickle", "inf-delay", "big-delay", "redos", "huge")
PLAIN_ROBOTS = "User-agent: *\nDisallow: /private/\n"
HUGE_ROBOTS_BYTES = 45 * 1024 * 1024
BOMB_BYTES = 1 << 30


@dataclass
class Hit:
    path: str
    arrived: float
    finished: float | None = None
    bytes_sent: int = 0


@functools.cache
def gzip_bomb(size: int = BOMB_BYTES) -> bytes:
    """`size` zero bytes, gzipped, then gzipped again (a few KB). Built from one compressed MiB repeated:
    a full flush between MiBs makes every later MiB compress to the same bytes."""
    mib = bytes(1 << 20)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    first = squeeze.compress(mib) + squeeze.flush(zlib.Z_FULL_FLUSH)
    again = squeeze.compress(mib) + squeeze.flush(zlib.Z_FULL_FLUSH)
    count = size >> 20
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(mib, crc)
    inner = first + again * (count - 1) + b"\x03\x00" + struct.pack("<II", crc, (count << 20) & 0xFFFFFFFF)
    return gzip.compress(inner, 9)


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, robots: str = "plain", trickle_interval: float = 5.0, robots_pause: float = 0.5,
                 other_port: int = 0) -> None:
        if robots not in ROBOTS_MODES:
            raise ValueError(f"robots mode {robots!r} (known: {', '.join(ROBOTS_MODES)})")
        super().__init__(("127.0.0.1", 0), _Handler)
        self.robots, self.trickle_interval, self.robots_pause = robots, trickle_interval, robots_pause
        self.other_port = other_port  # the port of the service that must never be reached
        self.hits: list[Hit] = []
        self.lock = threading.Lock()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a crawler that gave up (deadline, size cap) leaves broken pipes behind: expected here

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hits_of(self, prefix: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path.startswith(prefix)]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        hit = Hit(self.path, time.monotonic())
        with self.server.lock:
            self.server.hits.append(hit)
        self.hit = hit
        try:
            self.route(self.path)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            hit.finished = time.monotonic()

    # -- answers -------------------------------------------------------------------------------
    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.hit.bytes_sent += len(body)

    def page(self, links: list[tuple[str, str]], extra: str = "") -> None:
        anchors = "".join(f'<a href="{href}">{text}</a>' for href, text in links)
        self.send(200, f"<html><body>{anchors}{extra}</body></html>".encode())

    def redirect(self, location: str) -> None:
        self.send(302, b"", {"Location": location})

    def trickle(self, data: bytes) -> None:
        for index in range(len(data)):
            self.wfile.write(data[index:index + 1])
            self.wfile.flush()
            self.hit.bytes_sent += 1
            time.sleep(self.server.trickle_interval)
        self.close_connection = True

    # -- routes --------------------------------------------------------------------------------
    def route(self, path: str) -> None:
        other = f"http://127.0.0.1:{self.server.other_port}/secret"
        if path == "/robots.txt":
            self.robots_txt()
        elif path == "/gzip-lie":
            self.send(200, b"<html><body>plain, not gzip</body></html>", {"Content-Encoding": "gzip"})
        elif path == "/gzip-bomb":
            self.send(200, gzip_bomb(), {"Content-Encoding": "gzip, gzip"})
        elif path == "/bad-links":
            self.page([("http://127.0.0.1:99999/a", REPORT.format(year=2020)),
                       ("http://[::1/", REPORT.format(year=2021)), (other, REPORT.format(year=2022)),
                       ("/report/2023", REPORT.format(year=2023))])
        elif path == "/bad-redirects":
            self.page([("/to/port-99999", REPORT.format(year=2020)), ("/to/ipv6", REPORT.format(year=2021)),
                       ("/to/other-port", REPORT.format(year=2022)), ("/report/2023", REPORT.format(year=2023))])
        elif path == "/to/port-99999":
            self.redirect("http://127.0.0.1:99999/a")
        elif path == "/to/ipv6":
            self.redirect("http://[::1/")
        elif path == "/to/other-port":
            self.redirect(other)
        elif path == "/deep-json":
            self.page([("/report/2023", REPORT.format(year=2023))], '<script>var api = "/deep.json";</script>')
        elif path == "/deep.json":
            self.send(200, b"[" * 100_000 + b"]" * 100_000, {"Content-Type": "application/json"})
        elif path == "/huge-list":
            self.page([("/report/2023", REPORT.format(year=2023))],
                      '<script>createPageHTML(100000000, 0, "index", "html");</script>')
        elif path == "/trickle-body":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.trickle(b"<" * 1000)
        elif path == "/trickle-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self.trickle(b"X-Slow: " + b"z" * 1000 + b"\r\n\r\n")
        elif path == "/redirect-disallowed":
            self.redirect("/private/secret")
        elif path == "/busy-day":
            self.send(429, b"come back tomorrow", {"Retry-After": "86400"})
        elif path == "/redos-path":
            self.page([("/" + "a" * 5000, REPORT.format(year=2023))])
        elif path == "/pages":
            self.page([(f"/report/{year}", REPORT.format(year=year)) for year in (2021, 2022, 2023)])
        elif path.startswith(("/report/", "/aaaa")):
            self.send(200, f"<html><head><title>{REPORT.format(year=path[-4:])}</title></head>"
                           "<body><p>报告</p></body></html>".encode())
        else:
            self.send(404, b"not here")

    def robots_txt(self) -> None:
        mode = self.server.robots
        if mode == "slow":
            time.sleep(self.server.robots_pause)
        if mode == "trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(PLAIN_ROBOTS)))
            self.end_headers()
            self.trickle(PLAIN_ROBOTS.encode())
        elif mode == "huge":
            self.huge_robots()
        else:
            extra = {"inf-delay": "Crawl-delay: inf\n", "big-delay": "Crawl-delay: 100000\n",
                     "redos": "Disallow: /" + "*a" * 40 + "*b\n"}.get(mode, "")
            self.send(200, (PLAIN_ROBOTS + extra).encode(), {"Content-Type": "text/plain"})

    def huge_robots(self) -> None:
        """45 MiB: the real rules first, a `Disallow: /` past 500 KiB that a bounded reader never sees."""
        line = b"# " + b"x" * 1021 + b"\n"
        count = HUGE_ROBOTS_BYTES // len(line)
        tail = b"User-agent: *\nDisallow: /\n"
        head = PLAIN_ROBOTS.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(head) + count * len(line) + len(tail)))
        self.end_headers()
        self.wfile.write(head)
        for _ in range(count):
            self.wfile.write(line)
            self.hit.bytes_sent += len(line)
        self.wfile.write(tail)


class _Quiet(BaseHTTPRequestHandler):
    """The service on another port: it only counts who reached it."""

    server: FaultServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.hits.append(Hit(self.path, time.monotonic(), time.monotonic()))
        self.send_response(200)
        self.send_header("Content-Length", "6")
        self.end_headers()
        self.wfile.write(b"secret")


@dataclass
class FaultSite:
    site: FaultServer
    internal: FaultServer  # another port of the same host; must never be reached


@contextlib.contextmanager
def serving_faults(**options: object) -> Iterator[FaultSite]:
    """The fault server and the must-not-reach service, each on a free loopback port, for the duration."""
    internal = FaultServer()
    internal.RequestHandlerClass = _Quiet
    site = FaultServer(other_port=internal.port, **options)  # type: ignore[arg-type]
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
               for s in (site, internal)]
    for thread in threads:
        thread.start()
    try:
        yield FaultSite(site, internal)
    finally:
        for server in (site, internal):
            server.shutdown()
            server.server_close()
