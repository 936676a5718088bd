"""Reports → the five Polars frames the warehouse loads (column names and types are the contract).

Built wide (one row per report × table row, one column per applicant/outcome) and unpivoted in
Polars: measured 6x faster than building long rows in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import polars as pl

from pipeline import contract
from pipeline.record import Report

REGION_COLUMNS = ("province", "province_code", "city", "city_code", "county", "county_code",
                  "agency_level", "agency_kind", "region_method")
KEY = {"report_id": pl.String, "year": pl.Int32}
REPORTS_SCHEMA: dict[str, pl.DataType] = {
    **KEY, "agency": pl.String, "published_on": pl.Date, "template": pl.String, "title": pl.String,
    "source_url": pl.String, "source_format": pl.String, **{c: pl.String for c in REGION_COLUMNS},
}
PROACTIVE_SCHEMA: dict[str, pl.DataType] = {
    **KEY, **{f: pl.Float64 if f in contract.DECIMAL_PROACTIVE_FIELDS else pl.Int64 for f in contract.PROACTIVE_FIELDS},
}
APPLICATIONS_SCHEMA: dict[str, pl.DataType] = {**KEY, "item": pl.String, "applicant": pl.String,
                                               "count": pl.Int64, "raw": pl.String}
REVIEW_SCHEMA: dict[str, pl.DataType] = {**KEY, "group": pl.String, "outcome": pl.String,
                                         "count": pl.Int64, "raw": pl.String}
FINDINGS_SCHEMA: dict[str, pl.DataType] = {**KEY, "rule": pl.String, "item": pl.String, "applicant": pl.String,
                                           "expected": pl.Float64, "actual": pl.Float64, "message": pl.String}


@dataclass
class Frames:
    reports: pl.DataFrame
    proactive: pl.DataFrame
    applications: pl.DataFrame
    review_litigation: pl.DataFrame
    findings: pl.DataFrame

    def items(self) -> list[tuple[str, pl.DataFrame]]:
        """(table name, frame) in load order."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


def _long(reports: list[Report], attr: str, row_name: str, columns: tuple[str, ...], column_name: str,
          schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """One wide row per (report, table row), unpivoted to (row_name, column_name, count, raw)."""
    ids: list[str] = []
    years: list[int | None] = []
    keys: list[str] = []
    vectors: list[list[int | None]] = []
    raw_rows: list[tuple[str, str, str, str]] = []
    for r in reports:
        table = getattr(r, attr)
        for key, vector in table.items():
            ids.append(r.report_id)
            years.append(r.year)
            keys.append(key)
            vectors.append(vector)
        raw_rows += [(r.report_id, *k.split(".", 1), token) for k, token in r.raw_tokens.items()
                     if k.split(".", 1)[0] in table]
    by_column = list(zip(*vectors)) if vectors else [()] * len(columns)
    wide = pl.DataFrame(
        {"report_id": ids, "year": years, row_name: keys, **dict(zip(columns, by_column))},
        schema={"report_id": pl.String, "year": pl.Int32, row_name: pl.String, **{c: pl.Int64 for c in columns}},
    )
    long = wide.unpivot(on=list(columns), index=["report_id", "year", row_name],
                        variable_name=column_name, value_name="count")
    if raw_rows:
        raw = pl.DataFrame(raw_rows, schema=["report_id", row_name, column_name, "raw"], orient="row")
        long = long.join(raw, on=["report_id", row_name, column_name], how="left")
    else:
        long = long.with_columns(raw=pl.lit(None, dtype=pl.String))
    return long.select(pl.col(c).cast(t) for c, t in schema.items())


def _reports(reports: list[Report]) -> pl.DataFrame:
    data = {
        "report_id": [r.report_id for r in reports], "year": [r.year for r in reports],
        "agency": [r.agency for r in reports], "published_on": [r.published_on for r in reports],
        "template": [r.template for r in reports], "title": [r.title for r in reports],
        "source_url": [r.source for r in reports], "source_format": [r.source_format for r in reports],
        **{c: [getattr(r.region, c) for r in reports] for c in REGION_COLUMNS},
    }
    frame = pl.DataFrame(data, schema={**REPORTS_SCHEMA, "published_on": pl.String})
    return frame.with_columns(pl.col("published_on").str.to_date("%Y-%m-%d", strict=False))


def _proactive(reports: list[Report]) -> pl.DataFrame:
    data = {"report_id": [r.report_id for r in reports], "year": [r.year for r in reports],
            **{f: [r.proactive.get(f) for r in reports] for f in contract.PROACTIVE_FIELDS}}
    return pl.DataFrame(data, schema=PROACTIVE_SCHEMA, strict=False)


def reports_to_frames(reports: list[Report]) -> Frames:
    """The five frames of a batch of reports; findings are the parser's own (see pipeline.validate
    for the consistency rules and schema checks)."""
    findings = [(r.report_id, r.year, f.rule, f.item, f.applicant, f.expected, f.actual, f.message)
                for r in reports for f in r.findings]
    return Frames(
        reports=_reports(reports),
        proactive=_proactive(reports),
        applications=_long(reports, "applications", "item", contract.APPLICANTS, "applicant", APPLICATIONS_SCHEMA),
        review_litigation=_long(reports, "review_litigation", "group", contract.OUTCOMES, "outcome", REVIEW_SCHEMA),
        findings=pl.DataFrame(findings, schema=FINDINGS_SCHEMA, orient="row"),
    )
