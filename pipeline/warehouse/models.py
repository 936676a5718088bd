"""Run the plain-SQL models in `sql/` in dependency order.

Each file is one SELECT named by its path: `sql/staging/stg_x.sql` becomes the view
`staging.stg_x`, `sql/intermediate/int_x.sql` the table `intermediate.int_x`, `sql/marts/x.sql`
the table `marts.x`. Dependencies are read from the SQL itself
(every model or table named after FROM or JOIN), so adding a model is adding
a file: no registry to keep in step, and Dagster draws the same graph.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Final

import duckdb

from pipeline.warehouse.schema import TABLES, ensure_schema

SQL_DIR: Final[Path] = Path(__file__).resolve().parents[2] / "sql"

# Folder -> what its files become. Staging views stay cheap and always current; intermediate
# tables hold what several marts join; marts are tables so exports and dashboards read
# precomputed figures.
MATERIALIZATIONS: Final[dict[str, str]] = {"staging": "VIEW", "intermediate": "TABLE", "marts": "TABLE"}

_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)


@dataclass(frozen=True)
class Model:
    schema: str
    name: str
    path: Path
    sql: str
    deps: tuple[str, ...]  # qualified model names and bare fact-table names

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def kind(self) -> str:
        return MATERIALIZATIONS[self.schema]

    @property
    def description(self) -> str:
        """The file's leading `--` comment block: the model's documentation."""
        lines = []
        for line in self.sql.splitlines():
            if not line.startswith("--"):
                break
            lines.append(line[2:].strip())
        return " ".join(lines).strip()


_RELATION = re.compile(r"\b(?:from|join)\s+([\w.]+)", re.I)


def _references(sql: str, candidates: set[str]) -> tuple[str, ...]:
    """Names read after FROM/JOIN that are models or fact tables (CTE names are neither)."""
    found = {name.lower() for name in _RELATION.findall(_COMMENT.sub(" ", sql))}
    return tuple(sorted(found & candidates))


def discover(sql_dir: Path = SQL_DIR) -> list[Model]:
    """Every model under `sql_dir`, in an order where each comes after what it reads."""
    files = [
        (schema, path)
        for schema in MATERIALIZATIONS
        for path in sorted((sql_dir / schema).glob("*.sql"))
    ]
    names = {f"{schema}.{path.stem}" for schema, path in files}
    candidates = names | set(TABLES)
    models = {}
    for schema, path in files:
        sql = path.read_text(encoding="utf-8")
        qualified = f"{schema}.{path.stem}"
        deps = tuple(d for d in _references(sql, candidates) if d != qualified)
        models[qualified] = Model(schema, path.stem, path, sql, deps)
    graph = {q: [d for d in m.deps if d in models] for q, m in models.items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as err:
        raise ValueError(f"sql models depend on each other in a cycle: {' -> '.join(err.args[1])}") from None
    return [models[q] for q in order]


def run_models(con: duckdb.DuckDBPyConnection, models: list[Model] | None = None) -> dict[str, float]:
    """Create or replace every model; returns seconds per model. Stops at the first failing model."""
    ensure_schema(con)
    timings = {}
    for model in models if models is not None else discover():
        started = time.perf_counter()
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {model.schema}")
        body = _COMMENT.sub(" ", model.sql).strip().rstrip(";")
        try:
            con.execute(f"CREATE OR REPLACE {model.kind} {model.qualified} AS {body}")
        except duckdb.Error as err:
            first_line = str(err).splitlines()[0]
            raise RuntimeError(f"sql model {model.path.name} failed: {first_line}") from None
        timings[model.qualified] = time.perf_counter() - started
    return timings


def marts(models: list[Model] | None = None) -> list[Model]:
    """The models exports and dashboards read."""
    return [m for m in (models if models is not None else discover()) if m.schema == "marts"]
