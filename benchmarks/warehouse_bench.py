"""Load and model a synthetic national-scale statistics year; print the figures.

100,000 reports (about every reporting body in China) -> 18.2 M application cells (26 items x 7
applicants), 1.5 M review/litigation cells, 100,000 proactive rows, loaded into a fresh DuckDB
file through the same `replace_years` the pipeline uses, then reloaded (the idempotent re-run),
then every SQL model built. Targets on 2 cores: load <= 60 s, all models <= 10 s, peak <= 4 GB.

    uv run --frozen python benchmarks/warehouse_bench.py [--reports 100000] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

from pipeline.contract import APPLICANTS, ITEMS, OUTCOMES, PROACTIVE_2021, REVIEW_GROUPS
from pipeline.warehouse.load import replace_years
from pipeline.warehouse.models import run_models

YEAR = 2024
# Every row the contract knows (the 25 of the 2021 template plus the 2019 other_processed): 26 x 7 cells.


def _pseudo_random(column: pl.Expr, seed: int, modulo: int) -> pl.Expr:
    return (column.hash(seed) % modulo).cast(pl.Int64)


def synthetic_year(n: int) -> dict[str, pl.DataFrame]:
    """Frames shaped exactly as `pipeline.frames` makes them, for `n` reports of one year."""
    i = pl.int_range(n, dtype=pl.Int64)
    province = 11 + i % 31
    city = 1 + (i // 31) % 12
    county = 1 + (i // 372) % 15
    reports = pl.select(
        report_id=i.hash(1).cast(pl.String).str.slice(0, 16),
        year=pl.lit(YEAR, pl.Int32),
        agency=pl.format("agency {}", i),
        template=pl.lit("2021"),
        source_format=pl.lit("html"),
        province_code=pl.format("{}0000", province),
        city_code=pl.format("{}{}00", province, city.cast(pl.String).str.zfill(2)),
        county_code=pl.format("{}{}{}", province, city.cast(pl.String).str.zfill(2), county.cast(pl.String).str.zfill(2)),
        agency_level=pl.lit("county"),
    )
    ids = reports.select("report_id", "year")
    proactive = ids.with_columns(
        *[_pseudo_random(pl.col("report_id"), k, 40).alias(f) for k, f in enumerate(PROACTIVE_2021) if f != "fees_10k_yuan"],
        fees_10k_yuan=_pseudo_random(pl.col("report_id"), 99, 10_000).cast(pl.Float64) / 100,
    )

    def long_cells(rows: list[str], row_name: str, columns: tuple[str, ...], column_name: str, seed: int) -> pl.DataFrame:
        wide = ids.join(pl.DataFrame({row_name: rows}), how="cross")
        key = pl.concat_str("report_id", row_name)
        wide = wide.with_columns(
            *[pl.when(_pseudo_random(key, seed + k, 100) == 0).then(None)  # 1 % blank cells
              .otherwise(_pseudo_random(key, seed + 50 + k, 30)).alias(c) for k, c in enumerate(columns)]
        )
        return wide.unpivot(index=["report_id", "year", row_name], variable_name=column_name, value_name="count")

    applications = long_cells(list(ITEMS), "item", APPLICANTS, "applicant", 10)
    review = long_cells(list(REVIEW_GROUPS), "group", OUTCOMES, "outcome", 200)
    findings = ids.filter(_pseudo_random(pl.col("report_id"), 7, 20) == 0).with_columns(
        rule=pl.lit("rule1"), item=pl.lit("total_processed"), applicant=pl.lit("total"), message=pl.lit("synthetic"))
    return {"reports": reports, "proactive": proactive, "applications": applications,
            "review_litigation": review, "findings": findings}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds() -> float:
    """User + system CPU of this process (DuckDB's threads included): unlike wall time, it does
    not grow when other processes share the two cores."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Phase:
    """Wall and CPU seconds of a `with` block."""

    def __enter__(self) -> "Phase":
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, cpu_seconds() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.1f} s wall, {self.cpu:.1f} s CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="DuckDB file (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.duckdb"
        with Phase() as generated:
            frames = synthetic_year(args.reports)
        cells = frames["applications"].height
        print(f"generated {args.reports:,} reports, {cells:,} application cells, "
              f"{frames['review_litigation'].height:,} review cells in {generated}")
        with duckdb.connect(str(db)) as con:
            with Phase() as load:
                replace_years(con, frames, [YEAR])
            with Phase() as reload:
                replace_years(con, frames, [YEAR])
            del frames
            with Phase() as models:
                timings = run_models(con)
            rows = con.execute("SELECT count(*) FROM applications").fetchone()[0]
        size = db.stat().st_size / 2**20
    print(f"load (fresh file, one transaction): {load}  [target <= 60 s]")
    print(f"reload of the same year (DELETE + INSERT, one transaction): {reload}")
    print(f"all {len(timings)} SQL models: {models}  [target <= 10 s]")
    for name, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
        print(f"  {name}: {seconds:.2f} s")
    print(f"applications rows in DuckDB: {rows:,}; file size {size:.0f} MiB")
    print(f"peak memory (ru_maxrss): {peak_mb():.0f} MiB  [target <= 4096 MiB]")
    print(f"load average while running: {os.getloadavg()[0]:.1f} (2 cores; wall times grow with it)")


if __name__ == "__main__":
    main()
