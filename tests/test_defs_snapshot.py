"""The asset graph as Dagster loads it, compared with the committed snapshot.

A change to keys, deps, partitions, groups, pools or checks must show up in review as a diff of
`tests/defs_snapshot.json`. Regenerate after an intended change with
`XXGK_UPDATE_SNAPSHOT=1 uv run --frozen pytest tests/test_defs_snapshot.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from assets.definitions import defs
from pipeline.warehouse.ingest import staging_version

SNAPSHOT = Path(__file__).with_name("defs_snapshot.json")


def _partitions(node) -> str | None:
    p = node.partitions_def
    if p is None:
        return None
    return f"{type(p).__name__}(start={p.start.year}, cron={p.cron_schedule!r}, fmt={p.fmt!r})"


def graph_snapshot() -> dict:
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        code_version = node.code_version
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(k.to_user_string() for k in node.parent_keys),
            "partitions": _partitions(node),
            "pool": sorted(node.pools)[0] if node.pools else None,
            "code_version": "STAGING_VERSION" if code_version == staging_version() else code_version,
            "checks": sorted(c.name for c in graph.get_check_keys_for_assets([key])),
        }
    schedules = {
        s.name: {"cron": s.cron_schedule, "timezone": s.execution_timezone, "job": s.job_name,
                 "default_status": s.default_status.value}
        for s in defs.schedules
    }
    return {"assets": assets, "schedules": schedules}


def test_asset_graph_matches_the_committed_snapshot() -> None:
    current = graph_snapshot()
    if os.environ.get("XXGK_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_every_duckdb_writer_shares_one_pool_and_the_executor_is_in_process() -> None:
    assets = graph_snapshot()["assets"]
    writers = {k for k, a in assets.items() if a["pool"]}
    assert {a["pool"] for a in assets.values() if a["pool"]} == {"duckdb_writer"}
    assert writers == set(assets) - {"raw_documents", "parsed_reports"}
    assert defs.resolve_job_def("refresh_everything").executor_def.name == "in_process"
