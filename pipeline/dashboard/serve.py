"""`xxgk serve-dashboard`: the built site on 127.0.0.1, as any static web server would serve it."""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(root: Path, port: int = 0) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 in a background thread; yields the base URL (no trailing slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_QuietHandler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def serve_forever(root: Path, port: int) -> int:
    """Serve until interrupted; 1 when there is no built site or the port is taken."""
    if not (root / "index.html").is_file():
        print(f"xxgk serve-dashboard: no dashboard in {root}: build it with `xxgk dashboard`", file=sys.stderr)
        return 1
    try:
        with serving(root, port) as base_url:
            print(f"serving the dashboard at {base_url}/ (Ctrl-C to stop)", file=sys.stderr)
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()
    except OSError as exc:
        print(f"xxgk serve-dashboard: cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
