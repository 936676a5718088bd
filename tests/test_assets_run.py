"""`xxgk run` argument handling and the nightly schedule, without running the graph."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import argparse

import dagster as dg
import pytest

from assets.cli import build_parser
from assets.run import INSTANCE_CONFIG, contiguous, release_dead_runs, run_command
from assets.schedules import nightly


def test_years_are_grouped_into_contiguous_single_run_ranges() -> None:
    assert contiguous([2024, 2019, 2020, 2023, 2020]) == [(2019, 2020), (2023, 2024)]
    assert contiguous([]) == []


def test_an_unknown_portal_is_refused_before_any_run(tmp_path, capsys) -> None:
    portals = tmp_path / "portals.toml"
    portals.write_text('[portal.county]\nstart_urls = ["http://county.test/"]\nallowed_domains = ["county.test"]\n',
                       encoding="utf-8")
    args = build_parser().parse_args(["run", "--portal", "nowhere", "--portals-file", str(portals),
                                      "--db", str(tmp_path / "x.duckdb")])
    assert run_command(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"xxgk run: {portals}: no portal named 'nowhere'"]
    assert not (tmp_path / "x.duckdb").exists()


def test_a_start_url_that_is_not_http_is_refused(tmp_path, capsys) -> None:
    args = build_parser().parse_args(["run", "--start-url", "ftp://gov.test/", "--db", str(tmp_path / "x.duckdb")])
    assert run_command(args) == 2
    assert "not an http(s) URL" in capsys.readouterr().err


def test_parse_workers_and_timeout_default_to_one_per_core_and_five_minutes_and_refuse_nonsense(capsys) -> None:
    parser = build_parser()
    defaults = parser.parse_args(["demo"])
    assert (defaults.parse_workers, defaults.parse_timeout) == (0, 300.0)
    given = parser.parse_args(["run", "--parse-workers", "3", "--parse-timeout", "45.5"])
    assert (given.parse_workers, given.parse_timeout) == (3, 45.5)
    for bad, words in ((["--parse-workers", "-1"], "must be at least 0"), (["--parse-timeout", "0"], "must be at least 1"),
                       (["--parse-workers", "two"], "not a number: 'two'")):
        with pytest.raises(SystemExit) as exit_:
            parser.parse_args(["run", *bad])
        assert exit_.value.code == 2 and words in capsys.readouterr().err


def test_the_nightly_schedule_asks_for_every_statistics_year_in_one_run() -> None:
    at = datetime(2026, 11, 23, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    request = nightly(dg.build_schedule_context(scheduled_execution_time=at))
    assert request.tags["dagster/asset_partition_range_start"] == "2019"
    assert request.tags["dagster/asset_partition_range_end"] == "2025"  # 2026 is still under way
    assert (nightly.cron_schedule, nightly.execution_timezone) == ("0 2 * * *", "Asia/Shanghai")
    assert nightly.default_status == dg.DefaultScheduleStatus.RUNNING


KILLED_RUN = """
import os, sys, time
import argparse

import dagster as dg
import pytest
from assets.run import PID_TAG

@dg.asset(pool="duckdb_writer")
def slow_load():
    print("loading", flush=True)
    time.sleep(60)

dg.materialize([slow_load], instance=dg.DagsterInstance.get(), tags={PID_TAG: str(os.getpid())})
"""


def test_a_run_whose_process_was_killed_is_failed_and_its_pool_slot_freed(tmp_path, monkeypatch) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(INSTANCE_CONFIG, home / "dagster.yaml")
    env = os.environ | {"DAGSTER_HOME": str(home)}
    with subprocess.Popen([sys.executable, "-c", KILLED_RUN], env=env, stdout=subprocess.PIPE, text=True,
                          cwd=Path(__file__).resolve().parents[1]) as child:
        assert child.stdout.readline().strip() == "loading"
        child.kill()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as dagster:
        assert dagster.event_log_storage.get_concurrency_info("duckdb_writer").claimed_slots
        (stale,) = dagster.get_runs()
        assert release_dead_runs(dagster) == [stale.run_id]
        assert dagster.get_run_by_id(stale.run_id).status == dg.DagsterRunStatus.FAILURE
        assert not dagster.event_log_storage.get_concurrency_info("duckdb_writer").claimed_slots
        assert release_dead_runs(dagster) == []


def _xxgk(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assets.cli", *args], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1], env=os.environ | (env or {}))


@pytest.mark.parametrize("content, words", [(None, "portals file not found"), ("[portal.x", "not valid TOML")])
def test_a_bad_portals_file_is_one_line_and_exit_2_before_any_run(tmp_path, capsys, monkeypatch, content, words) -> None:
    portals = tmp_path / "portals.toml"
    if content is not None:
        portals.write_text(content, encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    args = build_parser().parse_args(["run", "--portals-file", str(portals), "--db", str(tmp_path / "x.duckdb")])
    assert run_command(args) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"xxgk run: {portals}: {words}")
    assert not (tmp_path / "x.duckdb").exists() and not (tmp_path / "home").exists()


def test_years_the_warehouse_cannot_hold_are_refused_before_any_run(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    args = build_parser().parse_args(["run", "--years", "2030", "--db", str(tmp_path / "x.duckdb")])
    assert run_command(args) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("xxgk run: --years 2030: statistics years are 2019-")
    assert not (tmp_path / "home").exists()


def test_the_demo_on_a_port_that_is_taken_is_refused_in_one_line(tmp_path, capsys, monkeypatch) -> None:
    import socket

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = build_parser().parse_args(["demo", "--port", str(port), "--db", str(tmp_path / "x.duckdb")])
        assert run_command(args) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"xxgk demo: cannot serve the demo on 127.0.0.1:{port}: ")


def test_ports_out_of_range_are_refused_by_argparse_without_a_traceback() -> None:
    for args in (["serve-demo", "--port", "80000"], ["demo", "--port", "0"]):
        done = _xxgk(*args)
        assert done.returncode == 2, done
        assert "Traceback" not in done.stderr and "argument --port: must be" in done.stderr


def test_version_help_defaults_descriptions_and_exit_codes() -> None:
    parser = build_parser()
    done = _xxgk("--version")
    assert done.returncode == 0 and done.stdout.strip() == "xxgk 0.1.0"
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) == {"parse", "crawl", "serve-demo", "forget", "run", "demo", "dashboard", "serve-dashboard"}
    for name, sub in commands.choices.items():
        assert sub.description, name
        for action in sub._actions:
            if action.option_strings and action.dest != "help" and not action.required:
                assert "default" in (action.help or ""), (name, action.dest)
    run_help = _xxgk("run", "--help").stdout
    assert "exit status:" in run_help and "  2  bad configuration" in run_help


def test_forget_removes_a_portals_documents_and_data_points_everything_elsewhere(tmp_path) -> None:
    from assets.forget import forget_portal
    from pipeline.crawl.store import RawStore

    raw = tmp_path / "data" / "raw"
    with RawStore(raw) as store:
        for portal in ("trial", "county"):
            crawl_id, _ = store.begin_crawl(portal)
            url = f"http://{portal}.test/report.txt"
            store.record_document(url=url, final_url=url, portal=portal, region_code=None, kind="report_page",
                                  parent_url=None, title=None, published_on=None, sha256=store.put(portal.encode()),
                                  content_type="text/plain", charset="utf-8", source_format="text")
            store.finish_crawl(crawl_id)
    done = _xxgk("forget", "--data", str(tmp_path / "data"), "--portal", "nowhere")
    assert done.returncode == 2 and f"in {raw} (portals there: county, trial)" in done.stderr
    done = _xxgk("forget", "--portal", "trial", env={"XXGK_DATA": str(tmp_path / "data")})
    assert done.returncode == 0, done.stderr
    with RawStore(raw) as store:
        assert [d.portal for d in store.documents()] == ["county"]
        assert [c["portal"] for c in store.crawls()] == ["county"]
    assert forget_portal(raw, "trial") == {"documents": 0, "fetch_log": 0, "crawls": 0}


def test_the_instance_settings_live_in_dagster_home_and_what_the_ui_writes_is_ignored() -> None:
    root = Path(__file__).resolve().parents[1]
    # `dagster dev` warns that a dagster.yaml in the current folder "will not be used" when
    # DAGSTER_HOME points elsewhere, even if the instance's file links to it: there is none.
    assert not (root / "dagster.yaml").exists() and not (root / "dagster.yml").exists()
    assert INSTANCE_CONFIG.is_file() and not INSTANCE_CONFIG.is_symlink()

    def ignored(path: str) -> bool:
        return subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=root).returncode == 0

    assert all(ignored(p) for p in ("data/dagster_home/.nux/nux.yaml", "data/dagster_home/storage/runs.db",
                                    "data/dagster_home/.telemetry/id.yaml", "data/.xxgk.duckdb.12.ab.building",
                                    "data/.xxgk.duckdb.lock"))
    assert not ignored("data/dagster_home/dagster.yaml")
