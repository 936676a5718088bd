"""Counts too large for the warehouse's 64-bit integers: null, with the printed token kept.

A cell of 19 or more digits (a damaged file, a row whose separators were lost) is not a count
anyone can store: left as it is it crashed a batch (Polars built an Int128 column where Int64 was
declared) or became NULL silently in section 二. Such a count is null with a `count_out_of_range`
finding naming the cell, and its digits stay in `raw` where the table keeps raw tokens.
"""

from __future__ import annotations

from pipeline.record import Finding, Report

MAX_COUNT = 2**63 - 1  # Int64, the type of every count column


def _too_large(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and not -MAX_COUNT <= value <= MAX_COUNT


def _finding(table: str, key: str, column: str | None, value: int) -> Finding:
    where = f"{key}.{column}" if column else key
    return Finding(rule="count_out_of_range", item=key, applicant=column,
                   message=f"{table} {where}: {len(str(abs(value)))}-digit count {value} is past the 64-bit "
                           "range; left null with its digits kept")


def drop_out_of_range(report: Report, columns: dict[str, tuple[str, ...]]) -> Report:
    """The report with every count past MAX_COUNT null and found: `columns` names the columns of
    the vector tables ("applications" → the applicants, "review_litigation" → the outcomes)."""
    for table in ("applications", "review_litigation"):
        for key, vector in getattr(report, table).items():
            for i, value in enumerate(vector):
                if _too_large(value):
                    column = columns[table][i]
                    vector[i] = None
                    report.raw_tokens[f"{key}.{column}"] = str(value)
                    report.findings.append(_finding(table, key, column, value))
    for name, value in report.proactive.items():
        if _too_large(value):
            report.proactive[name] = None
            report.findings.append(_finding("proactive", name, None, value))
    return report
