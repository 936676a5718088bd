"""`xxgk forget --portal NAME`: take a portal's documents out of the raw store's index.

A trial crawl of one's own site should not stay in the warehouse. The next `xxgk run` stages
only the documents the store still lists, and reloads every year the warehouse holds, so the
portal's reports leave the facts and the marts there. The bytes stay under `objects/`: they are
content-addressed and may be shared with another portal's documents.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from assets.resources import StoragePaths
from pipeline.crawl.store import RawStore


def forget_portal(raw_dir: Path, portal: str) -> dict[str, int]:
    """Delete the portal's documents, crawls and their fetch log rows; returns rows deleted per table."""
    with RawStore(raw_dir):  # creates or upgrades the index, as a crawl would
        pass
    with sqlite3.connect(Path(raw_dir) / "crawl.sqlite") as db:
        crawls = "SELECT crawl_id FROM crawls WHERE portal = ?"
        return {
            "documents": db.execute("DELETE FROM documents WHERE portal = ?", (portal,)).rowcount,
            "fetch_log": db.execute(f"DELETE FROM fetch_log WHERE crawl_id IN ({crawls})", (portal,)).rowcount,
            "crawls": db.execute("DELETE FROM crawls WHERE portal = ?", (portal,)).rowcount,
        }


def forget_command(portal: str) -> int:
    """0 when the portal's documents were removed, 2 when the store holds none of it."""
    raw_dir = Path(StoragePaths().raw_dir)
    with RawStore(raw_dir) as store:
        portals = sorted({d.portal for d in store.documents() if d.portal})
    if portal not in portals:
        print(f"xxgk forget: no documents of portal {portal!r} in {raw_dir} (portals there: "
              f"{', '.join(portals) or 'none'})", file=sys.stderr)
        return 2
    deleted = forget_portal(raw_dir, portal)
    print(f"xxgk forget: removed portal {portal!r} from {raw_dir}: {deleted['documents']} documents, "
          f"{deleted['crawls']} crawls; the next `xxgk run` drops its reports from the warehouse", file=sys.stderr)
    return 0
