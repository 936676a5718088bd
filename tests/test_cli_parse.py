"""`xxgk parse`: JSON lines on stdout, one stderr line per failed file, exit code, Parquet frames."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from assets.cli import main
from pipeline.frames import APPLICATIONS_SCHEMA, REPORTS_SCHEMA
from pipeline.parse.command import run_parse
from pipeline.parse.files import Failed, attempt, parse_path
from pipeline.record import Report
from tests import parse_builders as b
from tests.seeds import COMPARED, SEED_PATHS, expected

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    bad = b.consistent_values()
    bad["applications"]["granted"][6] += 1  # breaks rule 3 on granted
    files = {
        "seed": SEED_PATHS[2],
        "bad_sums": tmp_path / "bad_sums.txt",
        "empty": tmp_path / "empty.txt",
        "not_report": tmp_path / "work_report.txt",
    }
    files["bad_sums"].write_text(b.report_text(bad, "tabs"), encoding="utf-8")
    files["empty"].write_bytes(b"")
    files["not_report"].write_text("2024年某县人民政府工作报告\n各位代表：现在我代表县人民政府向大会报告工作。", encoding="utf-8")
    return files


def test_json_lines_errors_and_exit_code(inputs, capsys):
    code = main(["parse", str(inputs["seed"]), str(inputs["empty"]), str(inputs["bad_sums"]), str(inputs["not_report"])])
    out, err = capsys.readouterr()
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["source"] for line in lines] == [str(inputs["seed"]), str(inputs["bad_sums"])]
    seed, bad = lines
    want = expected(inputs["seed"])
    assert {k: seed[k] for k in COMPARED} == {k: want[k] for k in COMPARED}
    assert seed["source_format"] == "text" and seed["findings"] == []
    rules = {(f["rule"], f["item"], f["applicant"]) for f in bad["findings"] if f["rule"].startswith("rule")}
    assert rules == {("rule3", "granted", "total"), ("rule2", "total_processed", "total")}
    empty_line, not_report_line = err.splitlines()
    assert empty_line == f"xxgk parse: {inputs['empty']}: empty: the file is empty"
    assert not_report_line == (f"xxgk parse: {inputs['not_report']}: not_a_report: "
                               "not a 政府信息公开工作年度报告: it looks like a 政府工作报告")


def parse_with_a_bug(path: str) -> Report | Failed:
    """`parse_path` with a bug planted for files named bad_sums (spawned workers import this module)."""
    def crash() -> Report:
        raise IndexError("list index out of range")

    return attempt(crash) if Path(path).name == "bad_sums.txt" else parse_path(path)


def test_a_parser_bug_costs_its_file_alone(inputs, capsys):
    """No known input crashes the parser (fuzzing found none left), so the bug is planted: the
    only fault here that real input cannot produce on demand."""
    code = run_parse([inputs["bad_sums"], inputs["seed"]], None, work=parse_with_a_bug)
    out, err = capsys.readouterr()
    assert code == 1
    assert [json.loads(line)["source"] for line in out.splitlines()] == [str(inputs["seed"])]
    assert err == (f"xxgk parse: {inputs['bad_sums']}: internal_error: internal error (IndexError: list index "
                   "out of range); please report it\n")


def test_a_file_past_the_time_limit_costs_its_time_limit_alone(tmp_path, capsys):
    """A real pathological PDF (millions of path operators) against a four-second limit (a seed parses
    in 0.2 s, its first in a worker loading the division tables; the limit leaves room for a loaded machine)."""
    from test_workers import slow_pdf

    slow = tmp_path / "slow.pdf"
    slow.write_bytes(slow_pdf(2023))
    code = main(["parse", "--workers", "2", "--timeout", "4", str(slow), *map(str, SEED_PATHS)])
    out, err = capsys.readouterr()
    assert code == 1
    assert [json.loads(line)["source"] for line in out.splitlines()] == list(map(str, SEED_PATHS))
    assert err == f"xxgk parse: {slow}: timeout: still running after the 4-second limit; stopped\n"


def test_all_good_files_exit_zero(capsys):
    assert main(["parse", *map(str, SEED_PATHS)]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == len(SEED_PATHS) and err == ""


def test_frames_option_writes_validated_parquet(inputs, tmp_path, capsys):
    target = tmp_path / "frames"
    code = main(["parse", "--frames", str(target), str(inputs["seed"]), str(inputs["bad_sums"])])
    assert code == 0 and capsys.readouterr().out == ""
    tables = {p.stem: pl.read_parquet(p) for p in target.glob("*.parquet")}
    assert set(tables) == {"reports", "proactive", "applications", "review_litigation", "findings"}
    assert dict(tables["reports"].schema) == REPORTS_SCHEMA
    assert dict(tables["applications"].schema) == APPLICATIONS_SCHEMA
    assert tables["reports"].height == 2
    rules = tables["findings"].filter(pl.col("rule").str.starts_with("rule")).select("rule", "item").rows()
    assert sorted(rules) == [("rule2", "total_processed"), ("rule3", "granted")]


@pytest.mark.slow
def test_real_subprocess(inputs):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "assets.cli", "parse", str(inputs["seed"]), str(inputs["empty"])],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert done.returncode == 1
    (line,) = done.stdout.splitlines()
    assert json.loads(line)["agency"] == expected(inputs["seed"])["agency"]
    (error,) = done.stderr.splitlines()
    assert error.startswith(f"xxgk parse: {inputs['empty']}: ") and "Traceback" not in done.stderr


def test_a_terminal_sees_progress_and_a_pipe_only_failures(inputs, tmp_path):
    """On a terminal stderr shows files done as one rewritten line; piped, it holds failures only."""
    import pty

    command = [sys.executable, "-c", "import sys; from assets.cli import main; sys.exit(main(sys.argv[1:]))",
               "parse", "--workers", "1", str(inputs["seed"]), str(inputs["empty"]), str(inputs["bad_sums"])]
    controller, terminal = pty.openpty()
    with open(tmp_path / "out.jsonl", "wb") as out:
        run = subprocess.run(command, cwd=REPO, stdout=out, stderr=terminal, timeout=120)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal's other end is closed: all read
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert run.returncode == 1
    assert b"xxgk parse: 3 of 3 files, 1 failed" in shown and f"{inputs['empty']}: ".encode() in shown
    piped = subprocess.run(command, cwd=REPO, capture_output=True, timeout=120)
    (line,) = piped.stderr.decode().splitlines()
    assert line.startswith(f"xxgk parse: {inputs['empty']}: ")


CORPUS_PAGE = REPO.parent / "shared" / "corpus" / "pingtan-104919-html" / "source.html"


def test_the_same_path_many_times_gets_a_line_each_in_order(tmp_path, capsys):
    """300 copies of one real page: 300 lines, each with its validation findings. (The consistency
    rules join a report's rows on its id, so validating the copies together grew memory with the
    square of the copies: 60 took 1 GB, 200 about 10 GB, and lines went missing.)"""
    page = CORPUS_PAGE if CORPUS_PAGE.exists() else SEED_PATHS[2]
    bad = tmp_path / "bad_sums.txt"
    values = b.consistent_values()
    values["applications"]["granted"][6] += 1
    bad.write_text(b.report_text(values, "tabs"), encoding="utf-8")
    paths = [page] * 150 + [bad] + [page] * 149
    assert main(["parse", "--workers", "2", *map(str, paths)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["source"] for line in lines] == list(map(str, paths))
    assert ("rule3", "granted") in {(f["rule"], f["item"]) for f in lines[150]["findings"]}
    assert all(line == lines[0] for line in lines[:150] + lines[151:])


def test_the_same_path_twice_is_one_report_in_the_frames(tmp_path, capsys):
    target = tmp_path / "frames"
    assert main(["parse", "--frames", str(target), str(SEED_PATHS[0]), str(SEED_PATHS[0]), str(SEED_PATHS[1])]) == 0
    reports = pl.read_parquet(target / "reports.parquet")
    assert sorted(reports["source_url"]) == sorted([str(SEED_PATHS[0]), str(SEED_PATHS[1])])


def test_odd_files_each_get_their_own_reason_on_one_line(tmp_path, capsys):
    """A name with a newline, control characters or bytes that are not UTF-8 stays one escaped
    line; a BOM alone is an empty file; a folder and a device are unreadable, never read whole."""
    newline = tmp_path / "two\nlines\x1b.txt"
    newline.write_bytes(b"\xef\xbb\xbf")
    undecodable = Path(os.fsdecode(bytes(tmp_path) + b"/bad\xff.txt"))
    undecodable.write_bytes(SEED_PATHS[2].read_bytes())
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    code = main(["parse", str(newline), str(undecodable), str(folder), "/dev/zero"])
    out, err = capsys.readouterr()
    assert code == 1
    (line,) = out.splitlines()
    assert json.loads(line)["source"] == f"{tmp_path}/bad\\xff.txt"
    assert err.splitlines() == [
        f"xxgk parse: {tmp_path}/two\\nlines\\x1b.txt: empty: the file is empty",
        f"xxgk parse: {tmp_path}/folder.txt: unreadable_file: not a regular file (a folder, device or pipe)",
        "xxgk parse: /dev/zero: unreadable_file: not a regular file (a folder, device or pipe)",
    ]


def test_a_page_whose_report_is_an_attachment_says_so(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>某县2023年政府信息公开工作年度报告</title></head><body><div>"
                    "<p>某县2023年政府信息公开工作年度报告见附件。</p>"
                    "<a href='/files/ndbg2023.pdf'>附件：2023年年报.pdf</a></div></body></html>", encoding="utf-8")
    assert main(["parse", str(page)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"xxgk parse: {page}: no_statistics_table: ")
    assert "attachment (附件：2023年年报.pdf): parse the attachment's file" in line
