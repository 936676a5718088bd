"""The whole graph materialized through Dagster against the demo portal on loopback, then the
DuckDB file queried: the demo portal's reports (five of them the seeds) arrive with their numbers,
every mart equals the hand computation, a re-run changes nothing, a load that fails between DELETE
and COMMIT leaves the previous data, and documents that cannot be parsed land in parse_failures.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from dagster._core.execution.execution_result import ExecutionResult
import duckdb
import polars as pl
import pytest

from assets.resources import PortalSource, StoragePaths
from assets.jobs import INGEST_KEYS, MODEL_KEYS
from assets.run import Runner, contiguous, summary
from pipeline.contract import APPLICANTS, OUTCOMES
from pipeline.crawl.demo_server import DEMO_ROOT, serving_demo
from pipeline.warehouse.ingest import staging_dir
from seeds import SEEDS_DIR
from test_sql_models import (check_applications_mart, check_coverage_mart, check_denials_mart, check_review_mart,
                             check_year_over_year_mart)

pytestmark = pytest.mark.slow

SEEDS = SEEDS_DIR / "expected"
MANIFEST = json.loads((DEMO_ROOT / "manifest.json").read_text(encoding="utf-8"))
KEPT = {"parsed", "attachment_only"}  # other outcomes are the parser's reason codes
TABLES = ("reports", "proactive", "applications", "review_litigation", "findings", "parse_failures",
          "marts.applications_by_region", "marts.review_litigation_by_region", "marts.coverage_by_region",
          "marts.year_over_year", "marts.cross_year_findings", "marts.denial_reasons_by_region")


INVOCATION = "xxgk demo --parse-workers 2"


@dataclass
class Pipeline:
    runner: Runner
    db: Path
    paths: StoragePaths
    loads: list[ExecutionResult]
    lines: list[str]

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db)) as con:
            return con.execute(sql).fetchall()

    def dicts(self, sql: str) -> list[dict]:
        with duckdb.connect(str(self.db)) as con:
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description]
            return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def snapshot(self) -> dict[str, list[tuple]]:
        return {t: self.query(f"SELECT * FROM {t} ORDER BY ALL") for t in TABLES}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    previous_home = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(root / "dagster_home")
    paths = StoragePaths(raw_dir=str(root / "raw"), frames_dir=str(root / "frames"), exports_dir=str(root / "exports"))
    lines: list[str] = []
    try:
        with serving_demo() as base_url:
            runner = Runner(PortalSource(portals=["demo"], demo_base_url=base_url), root / "xxgk.duckdb", paths,
                            echo=lines.append, invocation=INVOCATION)
            assert runner.run("ingest", INGEST_KEYS).success, lines
            loads = [runner.load(first, last) for first, last in contiguous(runner.years_to_load(None))]
            assert all(load.success for load in loads), lines
            assert runner.run("model", MODEL_KEYS).success, lines
            yield Pipeline(runner, root / "xxgk.duckdb", paths, loads, lines)
    finally:
        if previous_home is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = previous_home


def _parsed_documents() -> list[dict]:
    return [d for d in MANIFEST["documents"] if d["outcome"] == "parsed"]


def _report_by_path(pipeline: Pipeline) -> dict[str, dict]:
    return {"/" + r["source_url"].split("/", 3)[3]: r for r in pipeline.dicts("SELECT * FROM reports")}


def _matrix(pipeline: Pipeline, table: str, row: str, column: str, columns: tuple[str, ...], report_id: str) -> dict[str, list]:
    """A long-form table of one report back in the contract's expected-values form."""
    rows = pipeline.query(f'SELECT "{row}", "{column}", count FROM {table} WHERE report_id = \'{report_id}\'')
    matrix: dict[str, list] = {}
    for key, name, count in rows:
        matrix.setdefault(key, [None] * len(columns))[columns.index(name)] = count
    return matrix


def _applications(pipeline: Pipeline, report_id: str) -> dict[str, list]:
    return _matrix(pipeline, "applications", "item", "applicant", APPLICANTS, report_id)


def _review(pipeline: Pipeline, report_id: str) -> dict[str, list]:
    return _matrix(pipeline, "review_litigation", "group", "outcome", OUTCOMES, report_id)


def _proactive(pipeline: Pipeline, report_id: str) -> dict:
    (row,) = pipeline.dicts(f"SELECT * FROM proactive WHERE report_id = '{report_id}'")
    return row


def test_every_parsed_report_of_the_portal_arrives_with_its_numbers(pipeline) -> None:
    by_path = _report_by_path(pipeline)
    assert sorted(by_path) == sorted(d["path"] for d in _parsed_documents())
    for doc in _parsed_documents():
        report, values = by_path[doc["path"]], doc["values"]
        for field in ("agency", "year", "template", "province", "city", "county"):
            assert report[field] == values[field], (doc["path"], field)
        assert _applications(pipeline, report["report_id"]) == values["applications"], doc["path"]
        assert _review(pipeline, report["report_id"]) == values["review_litigation"], doc["path"]
        proactive = _proactive(pipeline, report["report_id"])
        assert {f: proactive[f] for f in values["proactive"]} == values["proactive"], doc["path"]


def test_the_seeds_numbers_arrive_exactly(pipeline) -> None:
    stored = {(r["agency"], r["year"]): r for r in _report_by_path(pipeline).values()}
    seeds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.json"))]
    assert len(seeds) == 5
    for seed in seeds:
        report = stored[(seed["agency"], seed["year"])]
        assert _applications(pipeline, report["report_id"]) == seed["applications"], seed["agency"]
        assert _review(pipeline, report["report_id"]) == seed["review_litigation"], seed["agency"]
        proactive = _proactive(pipeline, report["report_id"])
        assert {f: proactive[f] for f in seed["proactive"]} == seed["proactive"], seed["agency"]
        assert (report["province"], report["city"], report["county"]) == (seed["province"], seed["city"], seed["county"])


def _hand_inputs(pipeline: Pipeline) -> tuple[list[dict], dict[str, str]]:
    """The manifest's values as the marts' inputs, placed by the codes the warehouse resolved and
    carrying the findings the pipeline recorded."""
    by_path = _report_by_path(pipeline)
    findings = dict(pipeline.query("SELECT report_id, list(rule) FROM findings GROUP BY report_id"))
    reports = []
    for doc in _parsed_documents():
        stored = by_path[doc["path"]]
        reports.append(doc["values"] | {"report_id": stored["report_id"], "findings": findings.get(stored["report_id"], []),
                                        **{f"{c}_code": stored[f"{c}_code"] for c in ("province", "city", "county")}})
    keys = dict(pipeline.query("SELECT report_id, agency_key FROM intermediate.int_reports"))
    return reports, keys


def test_every_mart_equals_the_hand_computation(pipeline) -> None:
    reports, keys = _hand_inputs(pipeline)
    failures = pipeline.dicts("SELECT region_code, title FROM parse_failures")
    with duckdb.connect(str(pipeline.db)) as con:
        applications = check_applications_mart(con, reports, keys)
        check_denials_mart(con, reports, keys)
        check_review_mart(con, reports, keys)
        check_year_over_year_mart(con, reports, keys)
        check_coverage_mart(con, reports, keys, failures)
    county = [r for r in reports if r["county_code"] == "130827" and r["year"] == 2024]
    assert applications[(2024, "county", "130827")]["new_received_count"] == sum(
        r["applications"]["new_received"][-1] for r in county)


def test_documents_that_cannot_be_parsed_land_in_parse_failures(pipeline) -> None:
    documents = MANIFEST["documents"]
    parsed_parents = {d["parent"] for d in documents if d["outcome"] == "parsed"}
    # A group (a page and its attachments) that gave a report has no failures: an unreadable
    # attachment beside the parsed one is only listed by the crawl.
    expected = {d["path"]: d["outcome"] for d in documents
                if d["outcome"] not in KEPT and (d["parent"] is None or d["parent"] not in parsed_parents)}
    # A page that only links its report fails too when no attachment of it parses.
    expected |= {d["path"]: "no_statistics_table" for d in documents
                 if d["outcome"] == "attachment_only" and d["path"] not in parsed_parents}
    rows = pipeline.query("SELECT source_url, reason, message FROM parse_failures")
    reasons = {"/" + url.split("/", 3)[3]: reason for url, reason, _ in rows}
    assert reasons == expected  # every outcome that is not parsed names the parser's reason code
    assert all(message and "\n" not in message for *_, message in rows)
    coverage = pipeline.query("SELECT sum(parse_failures) FROM marts.coverage_by_region WHERE cut = 'county' AND unit_code = '130827'")
    assert coverage == [(len(expected),)]


def test_checks_report_inconsistent_reports_and_empty_years(pipeline) -> None:
    found = {d["values"]["year"] for d in _parsed_documents()}
    assert len(pipeline.loads) == len(contiguous(sorted(found)))  # the years found, not the span between
    evaluations = [e for load in pipeline.loads for e in load.get_asset_check_evaluations()]
    assert {e.check_name for e in evaluations} == {"partition_not_empty", "schema_valid", "reports_consistent"}
    assert any(not e.passed for e in evaluations if e.check_name == "reports_consistent")  # 宽城镇 2024 does not add up
    assert all(e.passed for e in evaluations if e.check_name in ("schema_valid", "partition_not_empty"))
    loaded = {int(y) for e in evaluations if e.check_name == "partition_not_empty"
              for y in e.metadata["reports_by_year"].value}
    assert loaded == found
    assert set(pipeline.runner.warned) == {"reports_consistent", "all_documents_parsed", "no_cross_year_breaks"}
    assert "check warned: reports_consistent (findings): findings_by_rule" in summary(
        pipeline.db, Path(pipeline.paths.exports_dir), pipeline.runner.warned)


def test_cross_year_findings_are_the_breaks_in_the_portals_numbers(pipeline) -> None:
    by_year = {(d["values"]["agency"], d["values"]["year"]): d["values"] for d in _parsed_documents()}
    expected = set()
    for (agency, year), earlier in by_year.items():
        later = by_year.get((agency, year + 1))
        if later is None:
            continue
        pairs = zip(APPLICANTS, earlier["applications"]["carried_forward"], later["applications"]["carried_over"])
        expected |= {(agency, year + 1, "carried_forward_to_carried_over", a) for a, f, o in pairs if f != o}
        for kind in ("rules", "normative"):
            p, q = earlier["proactive"], later["proactive"]
            if all(f in p and f in q for f in (f"{kind}_in_force", f"{kind}_issued", f"{kind}_repealed")) and \
                    p[f"{kind}_in_force"] + q[f"{kind}_issued"] - q[f"{kind}_repealed"] != q[f"{kind}_in_force"]:
                expected.add((agency, year + 1, f"{kind}_in_force", None))
    got = set(pipeline.query("SELECT agency, year, rule, applicant FROM marts.cross_year_findings"))
    assert got == expected
    assert any(rule == "carried_forward_to_carried_over" for _, _, rule, _ in got)  # the deliberate break


def test_rematerializing_a_year_changes_nothing(pipeline) -> None:
    before = pipeline.snapshot()
    assert pipeline.runner.load(2024, 2024).success
    assert pipeline.runner.run("model", MODEL_KEYS).success
    assert pipeline.snapshot() == before


def test_a_load_failing_between_delete_and_commit_leaves_the_previous_year(pipeline) -> None:
    before = pipeline.snapshot()
    staged = staging_dir(Path(pipeline.paths.frames_dir)) / "findings.parquet"
    good = pl.read_parquet(staged)
    # A finding whose figure is not a number, in one of the last tables written: reports,
    # proactive and applications of 2024 have already been deleted and re-inserted inside the
    # transaction when it fails.
    report_id = good.filter(pl.col("year") == 2024)["report_id"][0]
    broken = pl.concat([good, pl.DataFrame({"report_id": [report_id], "year": [2024], "expected": ["not a number"]},
                                           schema={"report_id": pl.String, "year": pl.Int32, "expected": pl.String})],
                       how="diagonal_relaxed")
    broken.write_parquet(staged)
    try:
        result = pipeline.runner.load(2024, 2024)
    finally:
        good.write_parquet(staged)
    assert not result.success
    assert "fact_tables" in pipeline.lines[-1] and "not a number" in pipeline.lines[-1]
    assert pipeline.snapshot() == before


def test_exports_and_summary(pipeline) -> None:
    exports = Path(pipeline.paths.exports_dir)
    marts = sorted(p.stem for p in (exports / "csv").glob("*.csv"))
    assert marts == sorted(t.split(".")[1] for t in TABLES if t.startswith("marts."))
    years = {y for (y,) in pipeline.query("SELECT DISTINCT year FROM reports")}
    assert {p.name for p in (exports / "parquet" / "applications_by_region").iterdir()} == {f"{y}.parquet" for y in years}
    assert (exports / "csv" / "coverage_by_region.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    text = summary(pipeline.db, exports)
    for year in years:
        count = pipeline.query(f"SELECT count(*) FROM reports WHERE year = {year}")[0][0]
        assert f"{year}: {count} reports" in text


def test_a_crawl_that_reaches_nothing_stops_before_anything_is_replaced(pipeline, tmp_path) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    portals = tmp_path / "portals.toml"
    portals.write_text(f'[portal.down]\nstart_urls = ["http://127.0.0.1:{port}/"]\nallowed_domains = ["127.0.0.1"]\n'
                       "[portal.down.rate]\nretries = 0\nmin_delay = 0.0\n", encoding="utf-8")
    before = pipeline.snapshot()
    lines: list[str] = []
    runner = Runner(PortalSource(portals=["down"], portals_file=str(portals)), pipeline.db, pipeline.paths,
                    echo=lines.append)
    assert not runner.everything(None), lines
    assert lines[-1] == ("xxgk: ingest: crawl and parse failed: raw_documents: crawl found no reports: down (cannot "
                         f"connect to 127.0.0.1:{port}: connection_error)")
    assert pipeline.snapshot() == before


def test_fetch_log_holds_every_request_with_its_outcome(pipeline) -> None:
    rows = pipeline.dicts("SELECT url, status, error, sha256 FROM fetch_log")
    by_path = {"/" + r["url"].split("/", 3)[3]: r for r in rows}
    dead = next(e["path"] for e in MANIFEST["excluded"] if "404" in e["why"])
    assert (by_path[dead]["status"], by_path[dead]["error"]) == (404, "http_404")
    fetched = {p for p, r in by_path.items() if r["error"] is None and r["sha256"]}
    assert {d["path"] for d in MANIFEST["documents"]} <= fetched


def test_an_analyst_holding_the_warehouse_does_not_block_the_load(pipeline) -> None:
    """A notebook holds the file read-write (DuckDB's exclusive lock) through a load and a model
    run: both succeed, the notebook keeps the version it opened, and the runs' result is in place."""
    import subprocess
    import sys

    from test_warehouse_snapshot import READER

    before = pipeline.snapshot()
    script = READER.replace("FROM t", "FROM reports")
    with subprocess.Popen([sys.executable, "-c", script, str(pipeline.db), "rw"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as reader:
        held = reader.stdout.readline().strip()
        assert pipeline.runner.load(2024, 2024).success, pipeline.lines
        assert pipeline.runner.run("model", MODEL_KEYS).success, pipeline.lines
        out, _ = reader.communicate("\n", timeout=60)
    assert out.strip() == held
    assert pipeline.snapshot() == before


def test_progress_lines_are_final_counts_and_name_each_failure(pipeline, capfd) -> None:
    """A short crawl prints only its closing counts; every crawl failure and every document that
    gave no report is named with its URL and reason; the parse line's numbers add up."""
    capfd.readouterr()
    assert pipeline.runner.run("ingest", INGEST_KEYS).success
    lines = capfd.readouterr().err.splitlines()
    assert not [line for line in lines if "so far" in line]
    crawl = next(i for i, line in enumerate(lines) if line.startswith("  crawl of demo: "))
    failed = int(lines[crawl].rsplit(", ", 1)[1].split()[0])
    assert failed and [line.split(" (")[1] for line in lines[crawl + 1:crawl + 1 + failed]] == ["http_404)"] * failed
    parse = next(line for line in lines if line.startswith("  parse: ") and "documents (" in line)
    failures = pipeline.query("SELECT source_url, reason FROM parse_failures ORDER BY ALL")
    reports = pipeline.query("SELECT count(*) FROM reports_sources")[0][0]
    assert f"{reports} reports; {len(failures)} documents gave no report" in parse
    named = sorted(tuple(line.removeprefix("    no report: ").split(" (")[0:2]) for line in lines
                   if line.startswith("    no report: "))
    assert [(url, reason.split(":")[0]) for url, reason in named] == failures


def test_requested_years_without_reports_are_left_out_and_nothing_to_load_is_an_error(pipeline) -> None:
    from pipeline.crawl.config import ConfigError

    with pytest.raises(ConfigError, match=r"nothing to load: no reports for statistics year 2020 \(found: 2019, 2022-2024\)"):
        pipeline.runner.years_to_load([2020])
    assert pipeline.runner.years_to_load([2020, 2024]) == [2024]
    assert pipeline.lines[-1] == "  no reports for statistics year 2020: not loaded"


def test_runs_are_named_after_their_step_and_carry_the_command_line(pipeline) -> None:
    runs = pipeline.runner.instance.get_runs()
    assert {r.job_name for r in runs} == {"ingest", "load", "model"}
    tagged = [r for r in runs if r.tags.get("xxgk/invocation") == INVOCATION]  # the fixture's runner's
    assert {r.job_name for r in tagged} == {"ingest", "load", "model"}


def test_a_run_of_xxgk_run_can_be_re_executed_from_the_ui(pipeline) -> None:
    """The UI's re-execute button, through the code location `dagster dev -m assets.definitions`
    serves (a real code server process) and the webserver's GraphQL mutation: the run is found
    in its location and launched again with the same run config, so it writes the same files."""
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import ModuleTarget
    from dagster_graphql.client.query import LAUNCH_PIPELINE_REEXECUTION_MUTATION
    from dagster_graphql.test.utils import execute_dagster_graphql

    from assets.run import CODE_LOCATION

    instance = pipeline.runner.instance
    parent = next(r for r in instance.get_runs() if r.job_name == "model")
    assert parent.remote_job_origin.location_name == CODE_LOCATION
    target = ModuleTarget(CODE_LOCATION, None, str(Path(__file__).resolve().parents[1]), None)
    with WorkspaceProcessContext(instance, target) as workspace:
        result = execute_dagster_graphql(workspace.create_request_context(), LAUNCH_PIPELINE_REEXECUTION_MUTATION,
                                         {"reexecutionParams": {"parentRunId": parent.run_id, "strategy": "ALL_STEPS"}})
    launched = result.data["launchPipelineReexecution"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    child = instance.get_run_by_id(launched["run"]["runId"])
    assert (child.job_name, child.parent_run_id, child.run_config) == ("model", parent.run_id, parent.run_config)
    assert child.run_config["resources"]["duckdb"]["config"]["database"] == str(pipeline.db)


def test_the_readme_example_queries_show_what_the_demo_warehouse_answers(pipeline) -> None:
    """Every example query in README.md, run on the demo's warehouse, prints exactly the table
    the README shows beneath it: the docs cannot drift from the demo again."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Five example queries")[1].split("\n## ")[0]
    examples = re.findall(r"```sql\n(.*?)```\n```text\n(.*?)```", section, re.S)
    assert len(examples) == 5
    with duckdb.connect(str(pipeline.db), read_only=True) as con:
        for sql, shown in examples:
            assert str(con.sql(sql)).rstrip() == shown.rstrip(), sql
