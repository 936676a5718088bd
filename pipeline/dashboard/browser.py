"""Headless Chromium driven over the DevTools protocol, for the dashboard's tests and screenshots.

The protocol is a websocket of JSON messages (the `websockets` package is in the lock), so no
browser automation package with its own browser download is needed: Debian's `chromium` is
used as installed (`.ci/run` installs it when missing).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from websockets.sync.client import connect

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


def find_chromium() -> str | None:
    """$XXGK_CHROMIUM, else the first Chromium on PATH."""
    return os.environ.get("XXGK_CHROMIUM") or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium with one page, closed by `close()` (or `with`)."""

    def __init__(self, executable: str | None = None, width: int = 1440, height: int = 900, timeout: float = 30.0):
        executable = executable or find_chromium()
        if executable is None:
            raise BrowserError("no Chromium found (apt-get install chromium, or set XXGK_CHROMIUM)")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="xxgk-chromium-")
        args = [executable, "--headless=new", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--mute-audio", "--hide-scrollbars", "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium's sandbox refuses to run as root
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True, errors="replace")
        self.events: list[dict] = []
        self._id = 0
        self.session: str | None = None
        try:
            self.ws = connect(self._devtools_url(), max_size=None, open_timeout=timeout)
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.call(f"{domain}.enable")
            self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                      mobile=False)
        except Exception:
            self.close()
            raise

    def _devtools_url(self) -> str:
        deadline = time.monotonic() + self.timeout
        assert self.process.stderr is not None
        for line in self.process.stderr:
            found = _LISTENING.search(line)
            if found:
                # keep draining stderr so Chromium never blocks on a full pipe
                threading.Thread(target=self.process.stderr.read, daemon=True).start()
                return found.group(1)
            if time.monotonic() > deadline:
                break
        raise BrowserError(f"Chromium did not start (exit {self.process.poll()})")

    def call(self, method: str, **params: object) -> dict:
        """Send one command (to the page once attached) and return its result; events that
        arrive meanwhile are kept in `events`."""
        self._id += 1
        message: dict = {"id": self._id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv(timeout=self.timeout))
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def evaluate(self, expression: str) -> object:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float | None = None) -> object:
        """Poll until the expression is truthy; its value."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {expression}; errors: {self.errors()}")
            time.sleep(0.05)

    def open(self, url: str, ready: str = "document.readyState === 'complete'") -> None:
        """Go to `url` and wait until `ready` holds there. A new document is told from the old by
        a mark left on the old window; a URL that differs only in its fragment stays in the
        document (the pages re-render on hashchange)."""
        here, _, fragment = url.partition("#")
        if fragment and self.evaluate("location.href").split("#")[0] == here:
            self.evaluate(f"location.hash = {json.dumps(fragment)}")
            self.wait_for(ready)
            return
        self.evaluate("window.__xxgkLeaving = true")
        self.call("Page.navigate", url=url)
        self.wait_for(f"!window.__xxgkLeaving && document.body && ({ready})")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads reported since the start."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append("exception: " + (details.get("exception", {}).get("description") or details["text"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"log: {params['entry']['text']} {params['entry'].get('url', '')}")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                found.append(f"network: {params.get('errorText')}")
        return found

    def transferred(self) -> int:
        """Bytes received for every response so far (DevTools' encodedDataLength)."""
        return sum(e["params"]["encodedDataLength"] for e in self.events if e.get("method") == "Network.loadingFinished")

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
