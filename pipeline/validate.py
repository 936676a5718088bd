"""Schema checks (pandera) and the contract's consistency rules (Polars) over the frames.

Nothing here raises or drops a report: every failure becomes a findings row, because a report
that breaks a rule is still the agency's published statement and is kept as printed.
Rules 1, 2, 3 and 5 are computed by `consistency_findings`; rule 4 (non-negative counts) is a
pandera check whose failure cases are folded into findings by `validate_frames`.
"""

import polars as pl
import pandera.polars as pa
from pandera.errors import SchemaErrors

from pipeline import contract
from pipeline.frames import FINDINGS_SCHEMA, Frames

_NEGATIVE_ALLOWED = frozenset(f for f in contract.PROACTIVE_FIELDS if f.endswith("_change"))


class ReportsModel(pa.DataFrameModel):
    report_id: str = pa.Field(unique=True)
    year: pl.Int32 = pa.Field(nullable=True)
    agency: str = pa.Field(nullable=True)
    published_on: pl.Date = pa.Field(nullable=True)
    template: str = pa.Field(isin=contract.TEMPLATES)
    title: str = pa.Field(nullable=True)
    source_url: str
    source_format: str = pa.Field(isin=contract.SOURCE_FORMATS)
    province: str = pa.Field(nullable=True)
    province_code: str = pa.Field(nullable=True, str_matches=r"^\d{6}$")
    city: str = pa.Field(nullable=True)
    city_code: str = pa.Field(nullable=True, str_matches=r"^\d{6}$")
    county: str = pa.Field(nullable=True)
    county_code: str = pa.Field(nullable=True, str_matches=r"^\d{6}$")
    agency_level: str = pa.Field(nullable=True, isin=contract.AGENCY_LEVELS)
    agency_kind: str = pa.Field(nullable=True, isin=contract.AGENCY_KINDS)
    region_method: str = pa.Field(nullable=True)

    class Config:
        strict = True


def _proactive_model() -> type[pa.DataFrameModel]:
    """One column per contract field: counts are non-negative except the 2019 `*_change` columns."""
    annotations: dict[str, object] = {"report_id": str, "year": pl.Int32}
    attrs: dict[str, object] = {"report_id": pa.Field(unique=True), "year": pa.Field(nullable=True)}
    for name in contract.PROACTIVE_FIELDS:
        annotations[name] = float if name in contract.DECIMAL_PROACTIVE_FIELDS else int
        attrs[name] = pa.Field(nullable=True) if name in _NEGATIVE_ALLOWED else pa.Field(nullable=True, ge=0)
    config = type("Config", (), {"strict": True})
    return type("ProactiveModel", (pa.DataFrameModel,), {"__annotations__": annotations, **attrs, "Config": config})


ProactiveModel = _proactive_model()


def _long_model(name: str, row: str, rows: tuple[str, ...], column: str, columns: tuple[str, ...]) -> type[pa.DataFrameModel]:
    """A long-form table model: one count per (report, row, column), rows and columns from the
    contract, counts non-negative (rule 4) or null for a blank cell."""
    annotations = {"report_id": str, "year": pl.Int32, row: str, column: str, "count": int, "raw": str}
    attrs = {"year": pa.Field(nullable=True), row: pa.Field(isin=rows), column: pa.Field(isin=columns),
             "count": pa.Field(nullable=True, ge=0), "raw": pa.Field(nullable=True)}
    config = type("Config", (), {"strict": True, "unique": ["report_id", row, column]})
    return type(name, (pa.DataFrameModel,), {"__annotations__": annotations, **attrs, "Config": config})


ApplicationsModel = _long_model("ApplicationsModel", "item", contract.ITEMS, "applicant", contract.APPLICANTS)
ReviewLitigationModel = _long_model("ReviewLitigationModel", "group", contract.REVIEW_GROUPS,
                                    "outcome", contract.OUTCOMES)


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "reports": ReportsModel, "proactive": ProactiveModel,
    "applications": ApplicationsModel, "review_litigation": ReviewLitigationModel,
}


def _first(item: str) -> pl.Expr:
    return pl.col("count").filter(pl.col("item") == item).first()


def _rule_rows(frame: pl.DataFrame, rule: str, item: pl.Expr, applicant: pl.Expr, what: str) -> pl.DataFrame:
    """Rows where `expected` != `actual` as findings; `what` names the equation in the message,
    followed by the item or column it was broken for."""
    # rechunk: Polars 2.1 panicked ("assertion failed: i < self.len()", about one call in three
    # on some batches) evaluating these expressions in parallel over a filtered multi-chunk frame.
    return frame.filter(pl.col("expected") != pl.col("actual")).rechunk().select(
        "report_id", "year", rule=pl.lit(rule), item=item, applicant=applicant,
        expected=pl.col("expected").cast(pl.Float64), actual=pl.col("actual").cast(pl.Float64),
        message=pl.format(f"{rule}: {what} ({{}} {{}}): expected {{}}, found {{}}",
                          item, applicant, pl.col("expected"), pl.col("actual")),
    )


def consistency_findings(frames: Frames) -> pl.DataFrame:
    """Rules 1, 2, 3 and 5 of the contract, one finding per broken column/row/group.

    A rule is assessed only where all its operands are present and non-null: a blank cell (or a
    row the parser left null) makes that column or row not assessable, which is not a finding.
    """
    apps = frames.applications
    balance = ("new_received", "carried_over", "total_processed", "carried_forward")
    rule1 = (
        apps.filter(pl.col("item").is_in(balance)).group_by("report_id", "year", "applicant")
        .agg(known=pl.col("count").count(),
             expected=_first("new_received") + _first("carried_over"),
             actual=_first("total_processed") + _first("carried_forward"))
        .filter(pl.col("known") == len(balance))
    )
    results = apps.filter(pl.col("item").is_in(contract.RESULT_ITEMS))
    rule2 = (
        results.group_by("report_id", "year", "applicant")
        .agg(expected=pl.col("count").sum(), complete=pl.col("count").null_count() == 0)
        .join(apps.filter(pl.col("item") == "total_processed").select("report_id", "applicant", actual="count"),
              on=["report_id", "applicant"])
        .filter(pl.col("complete") & pl.col("actual").is_not_null())
    )
    is_total = pl.col("applicant") == "total"
    rule3 = (
        apps.group_by("report_id", "year", "item")
        .agg(known=pl.col("count").count(), expected=pl.col("count").filter(~is_total).sum(),
             actual=pl.col("count").filter(is_total).first())
        .filter(pl.col("known") == len(contract.APPLICANTS))
    )
    review_total = pl.col("outcome") == "total"
    rule5 = (
        frames.review_litigation.group_by("report_id", "year", "group")
        .agg(known=pl.col("count").count(), expected=pl.col("count").filter(~review_total).sum(),
             actual=pl.col("count").filter(review_total).first())
        .filter(pl.col("known") == len(contract.OUTCOMES))
    )
    parts = [
        _rule_rows(rule1, "rule1", pl.lit("new_received+carried_over"), pl.col("applicant"),
                   "new_received + carried_over vs total_processed + carried_forward"),
        _rule_rows(rule2, "rule2", pl.lit("total_processed"), pl.col("applicant"),
                   "sum of result rows vs total_processed"),
        _rule_rows(rule3, "rule3", pl.col("item"), pl.lit("total"), "sum of applicant columns vs total"),
        _rule_rows(rule5, "rule5", pl.lit("review_litigation"), pl.format("{}.total", pl.col("group")),
                   "upheld + corrected + other + pending vs total"),
    ]
    return pl.concat([p.select(pl.col(c).cast(t) for c, t in FINDINGS_SCHEMA.items()) for p in parts])


def _schema_findings(name: str, frame: pl.DataFrame, error: SchemaErrors) -> pl.DataFrame:
    """pandera failure cases → findings: rule4 for negative counts, `schema` for everything else."""
    cases = error.failure_cases.with_columns(pl.col("index").cast(pl.Int64))
    keyed = frame.with_row_index("index").with_columns(pl.col("index").cast(pl.Int64))
    keep = [c for c in ("report_id", "year", "item", "applicant", "group", "outcome") if c in keyed.columns]
    joined = cases.join(keyed.select("index", *keep), on="index", how="left")
    negative = pl.col("check").cast(pl.String).str.starts_with("greater_than_or_equal_to")
    item = pl.col("item") if "item" in keep else (pl.col("group") if "group" in keep else pl.col("column"))
    applicant = (pl.col("applicant") if "applicant" in keep
                 else pl.format("{}.{}", pl.col("group"), pl.col("outcome")) if "group" in keep else pl.col("column"))
    return joined.select(
        report_id=pl.col("report_id") if "report_id" in keep else pl.lit(None, pl.String),
        year=pl.col("year") if "year" in keep else pl.lit(None, pl.Int32),
        rule=pl.when(negative).then(pl.lit("rule4")).otherwise(pl.lit("schema")),
        item=item.cast(pl.String), applicant=applicant.cast(pl.String),
        expected=pl.lit(None, pl.Float64),
        actual=pl.col("failure_case").cast(pl.Float64, strict=False),
        message=pl.format(f"{name}.{{}}: {{}} failed {{}}", pl.col("column"), pl.col("failure_case"), pl.col("check")),
    ).select(pl.col(c).cast(t) for c, t in FINDINGS_SCHEMA.items())


def validation_findings(frames: Frames) -> pl.DataFrame:
    """Every pandera model run lazily plus the consistency rules, as one findings frame."""
    found = [consistency_findings(frames)]
    for name, model in MODELS.items():
        frame = getattr(frames, name)
        try:
            model.validate(frame, lazy=True)
        except SchemaErrors as error:
            found.append(_schema_findings(name, frame, error))
    return pl.concat(found)


def validate_frames(frames: Frames) -> Frames:
    """The frames with validation findings appended to the parser's; all failures become findings
    rows and the data frames are returned unchanged (no report or row is ever dropped)."""
    findings = pl.concat([frames.findings, validation_findings(frames)])
    return Frames(frames.reports, frames.proactive, frames.applications, frames.review_litigation, findings)


__all__ = ["MODELS", "consistency_findings", "validate_frames", "validation_findings"]
