"""`xxgk parse PATH...`: each file's report as one JSON line, or validated frames as Parquet.

A file that cannot be parsed costs one line on stderr (`xxgk parse: <path>: <message>`) and the
exit code 1; the other files are still parsed and written, even past a bug in the parser.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.errors import DocumentError
from pipeline.frames import FINDINGS_SCHEMA, reports_to_frames
from pipeline.parse import parse_bytes
from pipeline.record import Report
from pipeline.validate import validate_frames, validation_findings

_FINDING_FIELDS = [c for c in FINDINGS_SCHEMA if c not in ("report_id", "year")]


def _parse_file(path: Path) -> Report:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError("unreadable_file", error.strerror or str(error)) from error
    return parse_bytes(data, str(path))


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


def run_parse(paths: list[Path], frames_dir: Path | None) -> int:
    """Parse every path; JSON lines on stdout, or `frames_dir/<table>.parquet`. Exit code 1 if any
    file failed, else 0."""
    reports: list[Report] = []
    failed = 0
    for path in paths:
        try:
            reports.append(_parse_file(path))
        except DocumentError as error:
            failed += 1
            print(f"xxgk parse: {path}: {error.message}", file=sys.stderr)
        except Exception as error:  # a parser bug must cost one file, not the batch
            failed += 1
            print(f"xxgk parse: {path}: internal error ({type(error).__name__}: {error}); please report it",
                  file=sys.stderr)
    if frames_dir is not None:
        frames_dir.mkdir(parents=True, exist_ok=True)
        for name, frame in validate_frames(reports_to_frames(reports)).items():
            frame.write_parquet(frames_dir / f"{name}.parquet")
    elif reports:
        sys.stdout.write("\n".join(_json_lines(reports)) + "\n")
    return 1 if failed else 0
