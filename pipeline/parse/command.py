"""`xxgk parse PATH...`: each file's report as one JSON line, or validated frames as Parquet.

Files are parsed in worker processes (`pipeline.workers`), each within a time limit, so a batch of
thousands uses every core and a pathological file costs its own time limit, not the batch. A file
that cannot be parsed costs one line on stderr (`xxgk parse: <path>: <message>`, as it happens)
and the exit code 1; the other files are still parsed and written, even past a bug in the parser.
Reports come out in the order of the paths given.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from pipeline.frames import FINDINGS_SCHEMA, reports_to_frames
from pipeline.parse.files import Failed, parse_path
from pipeline.record import Report
from pipeline.validate import validate_frames, validation_findings
from pipeline.workers import DEFAULT_TIMEOUT, Fault, WorkerPool, default_workers

_FINDING_FIELDS = [c for c in FINDINGS_SCHEMA if c not in ("report_id", "year")]


def _json_lines(reports: list[Report]) -> list[str]:
    """Each report's JSON with the validation findings (consistency rules, schema) appended."""
    extra: dict[str, list[dict]] = {}
    for row in validation_findings(reports_to_frames(reports)).iter_rows(named=True):
        extra.setdefault(row["report_id"], []).append({k: row[k] for k in _FINDING_FIELDS})
    lines = []
    for report in reports:
        record = report.to_json()
        record["findings"] = record["findings"] + extra.get(report.report_id, [])
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def run_parse(paths: list[Path], frames_dir: Path | None, workers: int = 0, timeout: float = DEFAULT_TIMEOUT,
              work: Callable[[str], Report | Failed] = parse_path) -> int:
    """Parse every path with `work` in `workers` processes (0: one per core), each file within
    `timeout` seconds; JSON lines on stdout, or `frames_dir/<table>.parquet`. Exit code 1 if any
    file failed, else 0."""
    reports: dict[int, Report] = {}
    failed = 0
    size = min(workers or default_workers(), len(paths))
    progress = _Progress(sys.stderr, len(paths))
    with WorkerPool(work, size, timeout) as pool:
        for index, result in pool.map_unordered((i, str(path)) for i, path in enumerate(paths)):
            if isinstance(result, Report):
                reports[index] = result  # type: ignore[index]
            else:
                failed += 1
                if isinstance(result, Fault):
                    message = result.message
                else:
                    _stage, reason, message = result
                    if reason == "internal_error":
                        message = f"internal error ({message}); please report it"
                progress.say(f"xxgk parse: {paths[index]}: {message}")  # type: ignore[index]
            progress.count(failed)
    progress.close()
    ordered = [reports[i] for i in sorted(reports)]
    if frames_dir is not None:
        frames_dir.mkdir(parents=True, exist_ok=True)
        for name, frame in validate_frames(reports_to_frames(ordered)).items():
            frame.write_parquet(frames_dir / f"{name}.parquet")
    elif ordered:
        sys.stdout.write("\n".join(_json_lines(ordered)) + "\n")
    return 1 if failed else 0


class _Progress:
    """On a terminal, one self-overwriting line of files done; elsewhere nothing, so stderr holds
    only the failures' lines that scripts read."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream, self.total = stream, total
        self.interactive = stream.isatty()
        self.done = 0

    def say(self, line: str) -> None:
        """A line that stays, above the progress line."""
        self.stream.write(("\r\033[K" if self.interactive else "") + line + "\n")

    def count(self, failed: int) -> None:
        self.done += 1
        if self.interactive:
            self.stream.write(f"\rxxgk parse: {self.done:,} of {self.total:,} files, {failed:,} failed")
            self.stream.flush()

    def close(self) -> None:
        if self.interactive:
            self.stream.write("\r\033[K")
            self.stream.flush()
