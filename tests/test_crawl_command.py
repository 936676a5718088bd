"""`xxgk crawl` as users call it: the default demo crawl, its summary, and one-line config errors."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from assets.cli import main
from pipeline.crawl.demo_server import serve_forever
from pipeline.crawl.store import RawStore


def test_default_crawl_serves_and_crawls_the_demo_portal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--raw-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "crawl of demo:" in err and "19 reports found, 6 attachments" in err
    assert "failed: http://127.0.0.1:" in err and "(http_404)" in err
    assert "kept, format not readable: http://127.0.0.1:" in err and "P020240126_2.xls (.xls)" in err
    assert len(RawStore(tmp_path).documents()) == 25


def test_a_budget_stops_the_crawl_and_the_next_run_continues(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--raw-dir", str(tmp_path), "--max-pages", "5"]) == 0
    err = capsys.readouterr().err
    assert "5 pages fetched" in err and "stopped at the page budget" in err
    assert main(["crawl", "--raw-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    resumed = re.search(r"crawl of demo \(resumed\): (\d+) pages fetched, 19 reports found.* 5 reused", err)
    assert resumed, err
    # the five pages and robots.txt of the first run, then the rest: each logged once
    assert len(RawStore(tmp_path).fetch_log()) == 5 + 1 + int(resumed.group(1))


@pytest.mark.parametrize(("argv", "message"), [
    (["--portal", "nowhere"], "no portal named 'nowhere'"),
    (["--start-url", "www.example.gov.cn"], "not an http(s) URL"),
    (["--portal", "x", "--portals-file", "missing.toml"], "portals file not found"),
])
def test_configuration_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                           message: str) -> None:
    assert main(["crawl", "--raw-dir", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_host_that_is_down_is_named_in_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # bound, not listening: connections are refused
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/"
        portals = tmp_path / "portals.toml"
        portals.write_text(f'[portal.down]\nstart_urls = ["{url}"]\nallowed_domains = ["127.0.0.1"]\n'
                           "[portal.down.rate]\nretries = 0\nmin_delay = 0.0\n", encoding="utf-8")
        assert main(["crawl", "--portal", "down", "--portals-file", str(portals), "--raw-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert f"robots.txt unreadable, so nothing on its host was fetched: {url}robots.txt (connection_error)" in err


def test_serve_demo_on_a_busy_port_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert serve_forever(busy.getsockname()[1]) == 1
    assert "cannot serve on 127.0.0.1:" in capsys.readouterr().err
