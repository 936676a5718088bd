"""`xxgk run` argument handling and the nightly schedule, without running the graph."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from assets.cli import build_parser
from assets.run import contiguous, release_dead_runs, run_command
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
    shutil.copyfile(Path(__file__).resolve().parents[1] / "dagster.yaml", home / "dagster.yaml")
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
