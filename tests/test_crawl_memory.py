"""The crawler's memory ceiling: an allocation past it is a MemoryError in the crawl's own process,
the earlier limit comes back after it, and a real `xxgk crawl` process runs under it."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.workers import CRAWL_MEMORY_HEADROOM, address_space_ceiling

ROOT = Path(__file__).resolve().parents[1]
MiB = 1024 ** 2


def test_an_allocation_past_the_ceiling_fails_and_the_limit_is_restored_after() -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    with address_space_ceiling(64 * MiB):
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        assert soft != resource.RLIM_INFINITY
        with pytest.raises(MemoryError):
            bytearray(256 * MiB)
        small = bytearray(8 * MiB)  # within the headroom
        assert len(small) == 8 * MiB
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert len(bytearray(256 * MiB)) == 256 * MiB


def _address_space_limit(pid: int) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max address space"):
            return line.split()[3]
    raise AssertionError("no address space line")


def test_a_real_crawl_process_runs_under_the_ceiling(tmp_path: Path) -> None:
    """A host that accepts connections and never answers keeps the crawl waiting long enough to
    read its limits from /proc."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        crawl = subprocess.Popen([sys.executable, "-m", "assets.cli", "crawl", "--start-url",
                                  f"http://127.0.0.1:{port}/", "--raw-dir", str(tmp_path / "raw")],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while _address_space_limit(crawl.pid) == "unlimited":
                assert crawl.poll() is None and time.monotonic() < deadline, "the crawl ended or never set a ceiling"
                time.sleep(0.05)
            limit = int(_address_space_limit(crawl.pid))
            mapped = int(Path(f"/proc/{crawl.pid}/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            assert CRAWL_MEMORY_HEADROOM < limit <= mapped + CRAWL_MEMORY_HEADROOM + 64 * MiB  # some slack: mappings come and go
        finally:
            os.killpg(crawl.pid, signal.SIGKILL)
            crawl.wait()
