"""Serve the bundled demo portal (`data/demo_portal/`) on 127.0.0.1, like a county web server would.

The site is static, but a real server's behaviour matters to the crawler, so this one has it:
Content-Type per file, with no HTTP charset on GB-encoded pages (only their `<meta>` says it);
strong ETags and Last-Modified with 304 answers to conditional requests (so re-crawls are tested
for real); HTTP/1.1 keep-alive; 404 for what is not there. The pages' absolute links name the
portal's public origin (`DEMO_ORIGIN`); it is rewritten to the served base URL on the way out.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import re
import sys
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

DEMO_ROOT = Path(__file__).resolve().parents[2] / "data" / "demo_portal"
DEMO_ORIGIN = b"http://www.kuancheng-demo.gov.cn"
# The port `xxgk crawl` serves the demo on, so its URLs stay the same between runs and re-crawls
# are answered with 304; a random port is used when this one is taken (report ids do not change:
# they are made from `public_url`).
DEMO_PORT = 8765
_LOOPBACK_ORIGIN = re.compile(r"^http://127\.0\.0\.1:\d+(?=/|$)")
_REWRITTEN_SUFFIXES = {".html", ".htm", ".json", ".txt", ".xml"}
_GB_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?(gb2312|gbk|gb18030)", re.I)
# Hanweb's list proxy answers by query; the demo keeps each (column, page) answer as a file beside it.
HANWEB_PROXY = "/module/web/jpage/dataproxy.jsp"
_TYPES = {".json": "application/json", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".doc": "application/msword", ".wps": "application/vnd.ms-works", ".xls": "application/vnd.ms-excel"}


def content_type_for(path: Path, body: bytes) -> str:
    """Text gets `charset=utf-8` unless the page itself declares a GB charset in `<meta>`."""
    ctype = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype == "application/json":
        if _GB_META.search(body[:4096]):
            return ctype
        return f"{ctype}; charset=utf-8"
    return ctype


def _handler(root: Path, request_log: list[dict] | None) -> type[BaseHTTPRequestHandler]:
    class DemoHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "DemoCMS/1.0"
        disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

        def log_message(self, format: str, *args: object) -> None:  # quiet: tests read request_log
            pass

        def do_GET(self) -> None:
            if request_log is not None:
                request_log.append({"path": self.path, "time": time.monotonic(), "headers": dict(self.headers)})
            url = urlsplit(self.path)
            path = self._resolve(_proxy_answer(url) or unquote(url.path))
            if path is None:
                self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8")
                return
            body = path.read_bytes()
            if path.suffix.lower() in _REWRITTEN_SUFFIXES:
                body = body.replace(DEMO_ORIGIN, f"http://{self.headers.get('Host', '127.0.0.1')}".encode())
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            mtime = int(path.stat().st_mtime)
            headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
            if self._not_modified(etag, mtime):
                self._send(304, b"", None, headers)
                return
            self._send(200, body, content_type_for(path, body), headers)

        def _resolve(self, url_path: str) -> Path | None:
            candidate = (root / url_path.lstrip("/")).resolve()
            if candidate.is_dir():
                candidate = candidate / "index.html"
            if not candidate.is_file() or not candidate.is_relative_to(root):
                return None
            return candidate

        def _not_modified(self, etag: str, mtime: int) -> bool:
            if "If-None-Match" in self.headers:
                return etag in [t.strip() for t in self.headers["If-None-Match"].split(",")]
            since = self.headers.get("If-Modified-Since")
            if since:
                with contextlib.suppress(TypeError, ValueError):
                    return mtime <= parsedate_to_datetime(since).timestamp()
            return False

        def _send(self, status: int, body: bytes, ctype: str | None, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if ctype:
                self.send_header("Content-Type", ctype)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    return DemoHandler


def public_url(url: str) -> str:
    """A URL the demo was served at, under the portal's public origin instead of the loopback port:
    the demo's report ids and source URLs are made from it, so they do not depend on which port
    happened to be free."""
    return _LOOPBACK_ORIGIN.sub(DEMO_ORIGIN.decode(), url)


def proxy_answer_file(column: str, page: int | str) -> str:
    """Where the demo keeps the list proxy's answer for a column's page (the site builder writes it)."""
    return f"{HANWEB_PROXY.removesuffix('.jsp').lstrip('/')}/{column}-{page}.xml"


def _proxy_answer(url: SplitResult) -> str | None:
    """The file holding the list proxy's answer for `columnid` and `page`, if the URL asks the proxy."""
    if url.path != HANWEB_PROXY:
        return None
    query = parse_qs(url.query)
    column, page = query.get("columnid", [""])[0], query.get("page", [""])[0]
    if not (column.isdigit() and page.isdigit()):
        return None
    return proxy_answer_file(column, page)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


@contextlib.contextmanager
def serving_demo(port: int = 0, root: Path = DEMO_ROOT, request_log: list[dict] | None = None, *,
                 any_port_if_taken: bool = False) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 in a background thread; yields the base URL (no trailing slash).

    `request_log`, when given, receives one dict per GET (path, monotonic time, headers): tests and
    the benchmark read it to see what the crawler really asked for and when. With
    `any_port_if_taken`, a busy `port` falls back to a free one instead of failing.
    """
    handler = _handler(Path(root).resolve(), request_log)
    try:
        server = _Server(("127.0.0.1", port), handler)
    except OSError:
        if not any_port_if_taken:
            raise
        server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="demo-portal",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def serve_forever(port: int, root: Path = DEMO_ROOT, what: str = "the demo portal") -> int:
    """`xxgk serve-demo` (and `xxgk serve-dashboard`, with the dashboard's folder): serve until interrupted."""
    if not (root / "index.html").is_file():
        print(f"{what} not found at {root}", file=sys.stderr)
        return 1
    try:
        with serving_demo(port, root) as base_url:
            print(f"serving {what} at {base_url}/ (Ctrl-C to stop)", file=sys.stderr)
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()
    except OSError as exc:
        print(f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
