"""`xxgk run` / `xxgk demo`: the whole graph materialized through Dagster, then a summary.

Three runs on the instance in DAGSTER_HOME, so each shows in the UI's history: ingest (crawl,
parse, fetch_log, parse_failures), load (the fact tables, every selected year in one run per
contiguous range of years) and model (SQL models, exports). Years default to the statistics
years the parse found, plus any year the warehouse holds that the parse no longer finds (emptied,
and flagged by partition_not_empty). Every write goes to a copy of the DuckDB file swapped in at
the end of its step (`pipeline.warehouse.snapshot`), so readers never block a run.
"""

import contextlib
import json
import os
import shlex
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from dagster._core.definitions.reconstruct import ReconstructableJob, ReconstructableRepository
from dagster._core.execution.api import execute_run
from dagster._core.execution.execution_result import ExecutionResult
from dagster._core.remote_origin import (ManagedGrpcPythonEnvCodeLocationOrigin, RemoteJobOrigin,
                                         RemoteRepositoryOrigin)
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

from assets.jobs import INGEST_KEYS, LOAD_KEYS, MODEL_KEYS, STEPS
from assets.partitions import statistics_years
from assets.resources import DATA, DEFAULT_DB, ROOT, ParseSettings, PortalSource, StoragePaths
from assets.schedules import all_years_tags
from pipeline.crawl.config import DEFAULT_PORTALS_FILE, ConfigError, load_portals, portal_from_start_url
from pipeline.crawl.demo_server import DEMO_PORT, serving_demo
from pipeline.crawl.sources import DEMO_PORTAL
from pipeline.warehouse.ingest import read_staged
from pipeline.warehouse.snapshot import pid_alive, reading

DAGSTER_HOME = DATA / "dagster_home"
INSTANCE_CONFIG = ROOT / "data" / "dagster_home" / "dagster.yaml"  # the repository's instance settings
PID_TAG = "xxgk/pid"  # the process executing the run in-process
INVOCATION_TAG = "xxgk/invocation"  # the command line that started the run
# The code location `dagster dev -m assets.definitions` serves: runs are launched as its jobs, with
# its origin, so the UI lists them as its own and can re-execute them (with the same run config).
CODE_LOCATION = "assets.definitions"


def instance() -> dg.DagsterInstance:
    """The instance in DAGSTER_HOME (default data/dagster_home), given the repository's dagster.yaml."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(DAGSTER_HOME)))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(INSTANCE_CONFIG, config)
    return dg.DagsterInstance.get()


def release_dead_runs(dagster: dg.DagsterInstance) -> list[str]:
    """Mark runs whose `xxgk run` process died (killed, out of memory) as failed and free their
    `duckdb_writer` slot: a slot left claimed would hold every later daemon run in the queue.
    Returns the ids released."""
    released = []
    for run in dagster.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED,
                                                                dg.DagsterRunStatus.STARTING])):
        pid = run.tags.get(PID_TAG)
        if pid is None or pid_alive(int(pid)):
            continue
        dagster.report_run_failed(run, message=f"the process running it (pid {pid}) is gone")
        dagster.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        released.append(run.run_id)
    return released


def contiguous(years: list[int]) -> list[tuple[int, int]]:
    """[2019, 2020, 2023] -> [(2019, 2020), (2023, 2023)]: one single-run backfill per range."""
    ranges: list[tuple[int, int]] = []
    for year in sorted(set(years)):
        if ranges and ranges[-1][1] == year - 1:
            ranges[-1] = (ranges[-1][0], year)
        else:
            ranges.append((year, year))
    return ranges


def _failure_line(result: ExecutionResult) -> str:
    for event in result.all_events:
        if event.is_step_failure:
            data = event.step_failure_data
            if data.user_failure_data is not None and data.user_failure_data.description:
                return f"{event.step_key}: {data.user_failure_data.description}"
            error = data.error
            while error.cause is not None:
                error = error.cause
            return f"{event.step_key}: {error.message.strip().splitlines()[0]}"
    return "the run failed"


def _origin(job_name: str) -> RemoteJobOrigin:
    """Where the UI finds the job: the code location `dagster dev -m assets.definitions` loads."""
    target = LoadableTargetOrigin(executable_path=sys.executable, module_name=CODE_LOCATION, working_directory=str(ROOT))
    location = ManagedGrpcPythonEnvCodeLocationOrigin(target, CODE_LOCATION)
    return RemoteJobOrigin(RemoteRepositoryOrigin(location, "__repository__"), job_name)


def _resource_config(resource: dg.ConfigurableResource) -> dict:
    return {"config": {k: v for k, v in resource.model_dump().items() if v is not None}}


class Runner:
    """The graph bound to one DuckDB file and one source, run step by step on the instance.

    The files and the source are the run config of the code location's jobs (not resources
    bound here), so a run re-executed from the UI reads and writes the same files."""

    def __init__(self, source: PortalSource, db: Path, paths: StoragePaths, echo=print,
                 parsing: ParseSettings | None = None, invocation: str | None = None) -> None:
        db.parent.mkdir(parents=True, exist_ok=True)
        resources = {"duckdb": DuckDBResource(database=str(db)), "paths": paths, "source": source,
                     "parsing": parsing or ParseSettings()}
        self.run_config = {"loggers": {"progress": {}},
                           "resources": {name: _resource_config(r) for name, r in resources.items()}}
        self.repository = ReconstructableRepository.for_module(CODE_LOCATION, "defs", working_directory=str(ROOT))
        self.tags = {PID_TAG: str(os.getpid())} | ({INVOCATION_TAG: invocation} if invocation else {})
        self.instance = instance()
        self.db = db
        self.paths = paths
        self.warned: dict[str, str] = {}  # check name -> what it found, for the closing summary
        self.echo = echo
        for run_id in release_dead_runs(self.instance):
            echo(f"  run {run_id[:8]} was left running by a process that is gone: marked failed")

    def run(self, step: str, keys: list[dg.AssetKey], tags: dict[str, str] | None = None) -> ExecutionResult:
        """One Dagster run of the step job selecting `keys` (ingest, load, model); prints the
        step, then its time or the failure in one line."""
        self.echo(step)
        started = time.perf_counter()
        name = next(name for name, selected in STEPS.items() if selected == keys)
        job: ReconstructableJob = self.repository.get_reconstructable_job(name)
        run = self.instance.create_run_for_job(job_def=job.get_definition(), run_config=self.run_config,
                                               tags=self.tags | (tags or {}), job_code_origin=job.get_python_origin(),
                                               remote_job_origin=_origin(name))
        result = execute_run(job, run, self.instance, raise_on_error=False)
        for evaluation in result.get_asset_check_evaluations():
            if not evaluation.passed:
                self.warned[evaluation.check_name] = _check_line(evaluation)
        if result.success:
            self.echo(f"  done in {time.perf_counter() - started:.1f} s (Dagster run {result.run_id[:8]})")
        else:
            self.echo(f"xxgk: {step} failed: {_failure_line(result)}")
        return result

    def load(self, first: int, last: int) -> ExecutionResult:
        """Replace statistics years first..last in one run (the fact tables' single-run backfill)."""
        span = str(first) if first == last else f"{first}-{last}"
        return self.run(f"load: statistics years {span}", LOAD_KEYS, all_years_tags([str(first), str(last)]))

    def years_to_load(self, years: list[int] | None) -> list[int]:
        """The requested years, or by default the years found, and the years the warehouse holds
        that are no longer found: those are emptied (and flagged by partition_not_empty), not left
        stale. A requested year with no report found nor loaded is left out and said so; when
        that leaves nothing to load, it is an error."""
        found = read_staged(Path(self.paths.frames_dir)).years()
        present = set(found) | set(loaded_years(self.db))
        if not years:
            return sorted(present)
        empty = sorted(set(years) - present)
        if empty and len(empty) == len(set(years)):
            raise ConfigError(f"nothing to load: no reports for statistics year {', '.join(map(str, empty))} "
                              f"(found: {_spans(found) or 'none'})")
        if empty:
            self.echo(f"  no reports for statistics year {', '.join(map(str, empty))}: not loaded")
        return sorted(set(years) & present)

    def everything(self, years: list[int] | None) -> bool:
        """Ingest, load the years, model and export; False (after printing why) when a run fails."""
        if not self.run("ingest: crawl and parse", INGEST_KEYS).success:
            return False
        for first, last in contiguous(self.years_to_load(years)):
            if not self.load(first, last).success:
                return False
        return self.run("model: SQL models and exports", MODEL_KEYS).success


def _spans(years: list[int]) -> str:
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in contiguous(years))


def check_years(years: list[int] | None) -> None:
    """Years the warehouse cannot hold are a configuration error, reported before any run."""
    known = [int(k) for k in statistics_years.get_partition_keys()]
    outside = sorted(set(years or []) - set(known))
    if outside:
        raise ConfigError(f"--years {', '.join(map(str, outside))}: statistics years are {known[0]}-{known[-1]} "
                          "(a year is loadable once it has ended)")


def _check_line(evaluation) -> str:
    """`name (asset): what it found`, from the check's metadata."""
    found = "; ".join(f"{k} {json.dumps(v.value, ensure_ascii=False)}" for k, v in evaluation.metadata.items()
                      if v.value not in ({}, [], 0, None))
    return f"{evaluation.check_name} ({evaluation.asset_key.to_user_string()})" + (f": {found}" if found else "")


def loaded_years(db: Path) -> list[int]:
    """Statistics years the warehouse holds reports of (none when there is no warehouse yet)."""
    if not Path(db).exists():
        return []
    with reading(db) as con:
        try:
            return [y for (y,) in con.execute("SELECT DISTINCT year FROM reports ORDER BY 1").fetchall()]
        except duckdb.CatalogException:
            return []


def summary(db: Path, exports_dir: Path, warned: dict[str, str] | None = None) -> str:
    """Reports per year, findings, failures, the checks that warned and where everything is."""
    with reading(db) as con:
        per_year = con.execute(
            "SELECT r.year, count(*), count(DISTINCT f.report_id) FROM reports r "
            "LEFT JOIN (SELECT DISTINCT report_id, year FROM findings) f USING (report_id, year) GROUP BY 1 ORDER BY 1"
        ).fetchall()
        findings = con.execute("SELECT count(*) FROM findings").fetchone()[0]
        failures = con.execute("SELECT reason, count(*) FROM parse_failures GROUP BY 1 ORDER BY 1").fetchall()
        breaks = con.execute("SELECT count(*) FROM marts.cross_year_findings").fetchone()[0]
    lines = ["summary:"]
    lines += [f"  {year}: {n} reports, {with_findings} with findings" for year, n, with_findings in per_year]
    lines.append(f"  findings: {findings}; cross-year breaks: {breaks}")
    lines.append(f"  parse failures: {sum(n for _, n in failures)}"
                 + (" (" + ", ".join(f"{reason} {n}" for reason, n in failures) + ")" if failures else ""))
    lines += [f"  check warned: {line}" for line in (warned or {}).values()]
    lines.append(f"  warehouse: {db}")
    lines.append(f"  exports: {exports_dir}/parquet/<mart>/<year>.parquet and {exports_dir}/csv/<mart>.csv")
    return "\n".join(lines)


@contextlib.contextmanager
def _serving(port: int | None) -> Iterator[str]:
    """The demo on `port`, or on 8765 falling back to any free port (its report ids do not depend
    on the port)."""
    try:
        with serving_demo(port or DEMO_PORT, any_port_if_taken=port is None) as base_url:
            yield base_url
    except OSError as err:
        raise ConfigError(f"cannot serve the demo on 127.0.0.1:{port}: {err.strerror or err}") from None


@contextlib.contextmanager
def _source(args) -> Iterator[PortalSource]:
    """The portals to crawl, every configuration error raised before any Dagster run starts."""
    portals_file = Path(getattr(args, "portals_file", None) or DEFAULT_PORTALS_FILE)
    check_years(args.years)
    if getattr(args, "start_url", None):
        portal_from_start_url(args.start_url)
    else:
        known = load_portals(portals_file)
        wanted = DEMO_PORTAL if args.command == "demo" else getattr(args, "portal", None)
        if wanted and wanted not in known:
            raise ConfigError(f"{portals_file}: no portal named {wanted!r}")
    if args.command == "demo":
        with _serving(args.port) as base_url:
            print(f"demo portal serving at {base_url}/", file=sys.stderr)
            yield PortalSource(portals=[DEMO_PORTAL], demo_base_url=base_url, portals_file=str(portals_file))
    else:
        yield PortalSource(portals=[args.portal] if args.portal else [], start_url=args.start_url,
                           portals_file=str(portals_file))


def run_command(args) -> int:
    """`xxgk run` and `xxgk demo`: 0 when every run succeeded, 1 when one failed, 2 on bad
    configuration (`assets.cli.RUN_EXIT_CODES`)."""
    db = Path(args.db or DEFAULT_DB)
    paths = StoragePaths()

    def echo(line: str) -> None:
        print(line, file=sys.stderr)

    try:
        with _source(args) as source:
            parsing = ParseSettings(workers=args.parse_workers, timeout_seconds=args.parse_timeout)
            invocation = shlex.join(["xxgk", *sys.argv[1:]])
            runner = Runner(source, db, paths, echo, parsing, invocation)
            ok = runner.everything(args.years)
    except ConfigError as err:
        echo(f"xxgk {args.command}: {err}")
        return 2
    if ok:
        print(summary(db, Path(paths.exports_dir), runner.warned))
    return 0 if ok else 1
