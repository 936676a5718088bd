"""`xxgk parse PATH...`: each file's report as one JSON line, or validated frames as Parquet.

Files are parsed in worker processes (`pipeline.workers`), each within a time limit, so a batch of
thousands uses every core and a pathological file costs its own time limit, not the batch. A file
that cannot be parsed costs one line on stderr (`xxgk parse: <path>: <reason>: <message>`, as it
happens) and the exit code 1; the other files are still parsed and written, even past a bug in
the parser. Every path gets its line, in the order of the paths given, even when a path repeats.

Memory stays bounded by the batch, not the input: reports are written as they come, in chunks
validated together (a chunk never holds one report id twice, since the consistency rules join a
report's rows on its id), and a report waiting for an earlier path is kept as its JSON line.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import polars as pl

from pipeline.frames import FINDINGS_SCHEMA, Frames, reports_to_frames
from pipeline.parse.files import Failed, parse_path, shown_path
from pipeline.record import Report
from pipeline.validate import validate_frames, validation_findings
from pipeline.workers import DEFAULT_TIMEOUT, Fault, WorkerPool, default_workers

_FINDING_FIELDS = [c for c in FINDINGS_SCHEMA if c not in ("report_id", "year")]
CHUNK = 256  # reports validated together: polars' fixed cost per call is ~50 ms, its cost per report small


def _json_lines(reports: list[Report]) -> list[str]:
    """Each report's JSON with the validation findings (consistency rules, schema) appended; the
    reports' ids are distinct."""
    extra: dict[str, list[dict]] = {}
    for row in validation_findings(reports_to_frames(reports)).iter_rows(named=True):
        extra.setdefault(row["report_id"], []).append({k: row[k] for k in _FINDING_FIELDS})
    lines = []
    for report in reports:
        record = report.to_json()
        record["findings"] = record["findings"] + extra.get(report.report_id, [])
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


class _Chunks:
    """Reports gathered in path order into chunks of distinct ids, each handed to `flush` whole."""

    def __init__(self, flush: Callable[[list[Report]], None]) -> None:
        self.flush_chunk, self.chunk, self.ids = flush, [], set()

    def add(self, report: Report) -> None:
        if report.report_id in self.ids or len(self.chunk) >= CHUNK:
            self.flush()
        self.chunk.append(report)
        self.ids.add(report.report_id)

    def flush(self) -> None:
        if self.chunk:
            self.flush_chunk(self.chunk)
        self.chunk, self.ids = [], set()


class _JsonOut:
    """JSON lines on `stream`, one per report, validated chunk by chunk."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, reports: list[Report]) -> None:
        self.stream.write("\n".join(_json_lines(reports)) + "\n")
        self.stream.flush()

    def close(self) -> None:
        pass


class _FramesOut:
    """Validated frames as Parquet in `folder`: one report per id (a path given twice is one
    report), frames built chunk by chunk so no Report outlives its chunk."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.parts, self.seen = folder, [], set()

    def write(self, reports: list[Report]) -> None:
        fresh = [r for r in reports if r.report_id not in self.seen]
        self.seen.update(r.report_id for r in fresh)
        if fresh:
            self.parts.append(reports_to_frames(fresh))

    def close(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        empty = reports_to_frames([])
        frames = Frames(**{name: pl.concat([getattr(part, name) for part in self.parts]) if self.parts else frame
                           for name, frame in empty.items()})
        for name, frame in validate_frames(frames).items():
            frame.write_parquet(self.folder / f"{name}.parquet")


def failure_line(path: str, result: Failed | Fault) -> str:
    """The stderr line of a file that gave no report: its path (escaped: one line, whatever its
    name holds), the reason code scripts match on, and the message people read."""
    if isinstance(result, Fault):
        reason, message = result.reason, result.message
    else:
        _stage, reason, message = result
        if reason == "internal_error":
            message = f"internal error ({message}); please report it"
    return f"xxgk parse: {shown_path(path)}: {reason}: {message}"


def run_parse(paths: list[Path], frames_dir: Path | None, workers: int = 0, timeout: float = DEFAULT_TIMEOUT,
              work: Callable[[str], Report | Failed] = parse_path) -> int:
    """Parse every path with `work` in `workers` processes (0: one per core), each file within
    `timeout` seconds; JSON lines on stdout, or `frames_dir/<table>.parquet`. Exit code 1 if any
    file failed, else 0."""
    out = _JsonOut(sys.stdout) if frames_dir is None else _FramesOut(frames_dir)
    chunks = _Chunks(out.write)
    waiting: dict[int, Report | None] = {}  # done, but an earlier path is still parsing
    next_index = failed = 0
    size = min(workers or default_workers(), len(paths))
    progress = _Progress(sys.stderr, len(paths))
    with WorkerPool(work, size, timeout) as pool:
        for index, result in pool.map_unordered((i, str(path)) for i, path in enumerate(paths)):
            if isinstance(result, Report):
                result.text = ""  # read by region resolution only, done in the worker
                waiting[index] = result  # type: ignore[index]
            else:
                failed += 1
                waiting[index] = None  # type: ignore[index]
                progress.say(failure_line(str(paths[index]), result))  # type: ignore[index, arg-type]
            progress.count(failed)
            while next_index in waiting:
                report = waiting.pop(next_index)
                if report is not None:
                    chunks.add(report)
                next_index += 1
    chunks.flush()
    out.close()
    progress.close()
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
