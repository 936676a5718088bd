"""The warehouse's fact tables, declared once from the contract's names.

Column lists come from `pipeline.contract` so a field added there reaches the DDL, the loader and
the exports without a second edit; `ensure_schema` adds such new columns to an existing file so an
old warehouse keeps loading after a contract change.
"""

from __future__ import annotations

from typing import Final

import duckdb

from pipeline.contract import DECIMAL_PROACTIVE_FIELDS, PROACTIVE_FIELDS

Columns = dict[str, str]

REPORT_COLUMNS: Final[Columns] = {
    "report_id": "VARCHAR NOT NULL",
    "year": "INTEGER NOT NULL",
    "agency": "VARCHAR",
    "published_on": "DATE",
    "template": "VARCHAR",
    "title": "VARCHAR",
    "source_url": "VARCHAR",
    "source_format": "VARCHAR",
    "province": "VARCHAR",
    "province_code": "VARCHAR",
    "city": "VARCHAR",
    "city_code": "VARCHAR",
    "county": "VARCHAR",
    "county_code": "VARCHAR",
    "agency_level": "VARCHAR",
    "agency_kind": "VARCHAR",
    "region_method": "VARCHAR",
    "agency_key": "VARCHAR",  # set at load (pipeline.warehouse.dedupe), not by the parser
}

# Every copy of a report the crawl found, beside the report counted for it (pipeline.warehouse.dedupe).
SOURCE_COLUMNS: Final[Columns] = {
    "report_id": "VARCHAR NOT NULL",  # the report counted in the facts
    "year": "INTEGER NOT NULL",
    "source_report_id": "VARCHAR NOT NULL",  # this copy's own report id
    "source_url": "VARCHAR",
    "source_format": "VARCHAR",
    "published_on": "DATE",
    "status": "VARCHAR",  # kept | duplicate (same figures) | superseded (replaced by a later report)
}

_KEY: Final[Columns] = {"report_id": "VARCHAR NOT NULL", "year": "INTEGER NOT NULL"}

# Tables the parse stage writes, one row set per parsed report.
STAGED_TABLES: Final[dict[str, Columns]] = {
    "reports": REPORT_COLUMNS,
    "proactive": _KEY | {f: ("DOUBLE" if f in DECIMAL_PROACTIVE_FIELDS else "BIGINT") for f in PROACTIVE_FIELDS},
    "applications": _KEY | {"item": "VARCHAR", "applicant": "VARCHAR", "count": "BIGINT", "raw": "VARCHAR"},
    "review_litigation": _KEY | {"group": "VARCHAR", "outcome": "VARCHAR", "count": "BIGINT", "raw": "VARCHAR"},
    "findings": _KEY
    | {
        "rule": "VARCHAR",
        "item": "VARCHAR",
        "applicant": "VARCHAR",
        "expected": "DOUBLE",
        "actual": "DOUBLE",
        "message": "VARCHAR",
    },
}

# Tables partitioned by statistics year: a load replaces one year's rows of all of them at once.
FACT_TABLES: Final[dict[str, Columns]] = STAGED_TABLES | {"reports_sources": SOURCE_COLUMNS}

# Tables a run replaces whole: the crawl's log and the documents that could not be parsed.
RUN_TABLES: Final[dict[str, Columns]] = {
    "fetch_log": {
        "crawl_id": "VARCHAR",
        "url": "VARCHAR",
        "final_url": "VARCHAR",
        "status": "INTEGER",
        "content_type": "VARCHAR",
        "charset": "VARCHAR",
        "etag": "VARCHAR",
        "last_modified": "VARCHAR",
        "sha256": "VARCHAR",
        "bytes": "BIGINT",
        "fetched_at": "VARCHAR",
        "error": "VARCHAR",
        "attempts": "INTEGER",
    },
    "parse_failures": {
        "source_url": "VARCHAR",
        "portal": "VARCHAR",
        "region_code": "VARCHAR",
        "kind": "VARCHAR",
        "title": "VARCHAR",
        "sha256": "VARCHAR",
        "stage": "VARCHAR",
        "reason": "VARCHAR",
        "message": "VARCHAR",
        "parser_version": "VARCHAR",
    },
}

TABLES: Final[dict[str, Columns]] = FACT_TABLES | RUN_TABLES


def quoted(name: str) -> str:
    """A column or table name as a DuckDB identifier (the contract uses the keyword `group`)."""
    return '"' + name.replace('"', '""') + '"'


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table, and add columns the contract gained since the file was created."""
    for table, columns in TABLES.items():
        body = ", ".join(f"{quoted(c)} {t}" for c, t in columns.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {quoted(table)} ({body})")
        present = {
            row[0]
            for row in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ?",
                [table],
            ).fetchall()
        }
        for column, sql_type in columns.items():
            if column not in present:
                nullable_type = sql_type.replace(" NOT NULL", "")
                con.execute(f"ALTER TABLE {quoted(table)} ADD COLUMN {quoted(column)} {nullable_type}")
