"""One report per agency, statistics year and content: what the fact tables count.

Portals repost: a county portal carries a department's report, a page and its attachment hold the
same tables, a site answers on http and https, a mirror copies it. Each copy parses into a report
of its own (the id is made from the URL), so without this step one office's 15 applications
become 30 in every mart above it. Here, before a load, the staged reports of one agency (the
`agency_key`) and year are compared by their figures:

- copies with the same figures count once: the first published (then the first URL) is kept,
  every copy is listed in `reports_sources`, and the kept one gets a `duplicate_report` finding
  naming the others;
- a report with other figures published later replaces the earlier one (a correction
  republished): the later is kept, with a `superseded_report` finding naming what it replaced;
- reports with other figures that no publication date orders are all kept, each with a
  `conflicting_report` finding: which one is right cannot be told, and two bodies whose names
  read alike are more likely than a republication without a date.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from datetime import date

import polars as pl

from pipeline.warehouse.schema import FACT_TABLES, SOURCE_COLUMNS

Frames = dict[str, pl.DataFrame]
_DROPPED = re.compile(r"\s+")

# What a report's content is: its figures, not the spelling of its blanks or where it was found.
_CONTENT = {"proactive": None, "applications": ("item", "applicant", "count"),
            "review_litigation": ("group", "outcome", "count")}


def _name_key(agency: str, prefixes: tuple[str | None, ...]) -> str:
    """The agency name without whitespace, punctuation, symbols or leading region names."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", agency)
                   if not unicodedata.category(ch).startswith(("P", "S", "Z", "C")))
    name = _DROPPED.sub("", name)
    for prefix in prefixes:
        if prefix and name.startswith(prefix):
            name = name[len(prefix):]
    return name


def agency_key(report: Mapping) -> str:
    """The most specific region code, `:`, and the agency name without leading region names, so
    `河北省承德市宽城满族自治县人民政府办公室` and `宽城满族自治县人民政府办公室` are one agency. A report
    without an agency name keys on its own id, so it never merges with another."""
    if report["agency"] is None:
        return f"report:{report['report_id']}"
    code = report["county_code"] or report["city_code"] or report["province_code"] or "unresolved"
    return f"{code}:{_name_key(report['agency'], (report['province'], report['city'], report['county']))}"


def _content_digests(frames: Mapping[str, pl.DataFrame]) -> dict[str, str]:
    """Report id -> a digest of its figures (proactive values, application and section 四 counts)."""
    parts: dict[str, list] = defaultdict(list)
    for table, columns in _CONTENT.items():
        frame = frames[table]
        if columns is None:
            columns = tuple(c for c in frame.columns if c not in ("report_id", "year"))
            rows = frame.select("report_id", *columns).iter_rows()
            for report_id, *values in rows:
                parts[report_id].append([table, *values])
        else:
            for report_id, *values in frame.select("report_id", *columns).sort(pl.all()).iter_rows():
                parts[report_id].append([table, *values])
    return {rid: hashlib.sha256(json.dumps(sorted(rows, key=str), default=str).encode()).hexdigest()
            for rid, rows in parts.items()}


def _finding(report: dict, rule: str, message: str) -> dict:
    return {"report_id": report["report_id"], "year": report["year"], "rule": rule, "message": message}


def _copies(reports: list[dict]) -> str:
    return ", ".join(f"{r['source_url']} (report {r['report_id']})" for r in reports)


def _settle(group: list[dict], digests: dict[str, str]) -> tuple[list[tuple[dict, dict, str]], list[dict]]:
    """One agency-year's reports -> (source rows as (report, kept report, status), findings)."""
    versions: dict[str, list[dict]] = defaultdict(list)
    for report in sorted(group, key=lambda r: (r.get("published_on") is None, r.get("published_on") or date.min,
                                               r.get("source_url") or "", r["report_id"])):
        versions[digests.get(report["report_id"], "")].append(report)
    kept = [copies[0] for copies in versions.values()]
    findings = []
    sources = []
    for copies in versions.values():
        sources += [(c, copies[0], "kept" if c is copies[0] else "duplicate") for c in copies]
        if len(copies) > 1:
            findings.append(_finding(copies[0], "duplicate_report",
                                     f"the same report is also published at {_copies(copies[1:])}; counted once"))
    dates = [r.get("published_on") for r in kept]
    if len(kept) > 1 and None not in dates and len(set(dates)) == len(dates):
        latest = max(kept, key=lambda r: r.get("published_on"))
        earlier = [r for r in kept if r is not latest]
        findings.append(_finding(latest, "superseded_report",
                                 f"replaces an earlier report of this agency and year with other figures: "
                                 + ", ".join(f"{r['source_url']} (report {r['report_id']}, published {r['published_on']})"
                                             for r in earlier)))
        sources = [(r, kept_by, status) if kept_by is latest else (r, latest, "superseded")
                   for r, kept_by, status in sources]
    elif len(kept) > 1:
        for report in kept:
            others = [r for r in kept if r is not report]
            findings.append(_finding(report, "conflicting_report",
                                     f"another report of this agency and year has other figures and no publication "
                                     f"date orders them: {_copies(others)}; both kept"))
    return sources, findings


def one_report_each(frames: Mapping[str, pl.DataFrame]) -> Frames:
    """The staged frames with each report counted once (see the module's docstring): `reports`
    gains `agency_key`, the dropped copies leave every table, their provenance goes to
    `reports_sources`, and the decisions to `findings`."""
    reports = frames["reports"].with_columns(
        pl.struct(pl.all()).map_elements(agency_key, return_dtype=pl.String).alias("agency_key")
        if frames["reports"].height else pl.lit(None, pl.String).alias("agency_key"))
    digests = _content_digests(frames)
    groups: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for report in reports.iter_rows(named=True):
        groups[(report["agency_key"], report["year"])].append(report)
    sources: list[tuple[dict, dict, str]] = []
    findings: list[dict] = []
    for group in groups.values():
        group_sources, group_findings = _settle(group, digests)
        sources += group_sources
        findings += group_findings
    kept = sorted({kept_by["report_id"] for _, kept_by, _ in sources})
    out = {t: f.filter(pl.col("report_id").is_in(kept)) for t, f in frames.items() if t in FACT_TABLES}
    out["reports"] = reports.filter(pl.col("report_id").is_in(kept))
    out["findings"] = pl.concat([out["findings"], pl.DataFrame(findings, schema=out["findings"].schema)],
                                how="vertical_relaxed")
    out["reports_sources"] = pl.DataFrame(
        [{"report_id": kept_by["report_id"], "year": r["year"], "source_report_id": r["report_id"],
          "source_url": r.get("source_url"), "source_format": r.get("source_format"), "published_on": r.get("published_on"),
          "status": status} for r, kept_by, status in sources],
        schema={c: _POLARS[t] for c, t in SOURCE_COLUMNS.items()})
    return out


_POLARS = {"VARCHAR NOT NULL": pl.String, "INTEGER NOT NULL": pl.Int32, "VARCHAR": pl.String, "DATE": pl.Date}
