"""Report texts built by the tests themselves, in each layout portals flatten tables into.

Deliberately small and independent of `pipeline.render`: the parser's layout tests must not
depend on the renderer they are meant to check against.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline import contract
from pipeline.extract.document import Document
from pipeline.parse import parse_document
from pipeline.record import Report

Rows = list[list[str]]


def consistent_values(template: str = "2021") -> dict:
    """A report whose tables add up, with counts over 1,000 and a decimal fee."""
    apps = {item: [0] * 7 for item in contract.ITEMS
            if item not in (contract.ITEMS_2019_ONLY if template == "2021" else contract.ITEMS_2021_ONLY)}
    apps["new_received"] = [1200, 3, 0, 1, 0, 0, 1204]
    apps["carried_over"] = [5, 0, 0, 0, 0, 2, 7]
    apps["granted"] = [600, 1, 0, 0, 0, 0, 601]
    apps["denied_process_info"] = [10, 0, 0, 0, 0, 0, 10]
    apps["unable_no_info"] = [400, 2, 0, 1, 0, 0, 403]
    results = [i for i in contract.RESULT_ITEMS if i in apps]
    apps["total_processed"] = [sum(apps[i][c] for i in results) for c in range(7)]
    apps["carried_forward"] = [apps["new_received"][c] + apps["carried_over"][c] - apps["total_processed"][c]
                               for c in range(7)]
    if template == "2021":
        proactive = {"rules_issued": 0, "rules_repealed": 0, "rules_in_force": 2, "normative_issued": 3,
                     "normative_repealed": 1, "normative_in_force": 12, "licensing_decisions": 1520,
                     "penalty_decisions": 37, "compulsion_decisions": 2, "fees_10k_yuan": 1.5}
    else:
        proactive = {f: 1 for f in contract.PROACTIVE_2019}
        proactive.update(licensing_change=-2, procurement_items=4, procurement_amount_yuan=125000.0)
    return {
        "agency": "测试县人民政府办公室", "year": 2023, "template": template, "published_on": "2024-01-18",
        "proactive": proactive, "applications": apps,
        "review_litigation": {"review": [2, 1, 0, 1, 4], "litigation_direct": [1, 0, 0, 0, 1],
                              "litigation_after_review": [0, 0, 0, 0, 0]},
    }


def _cell(value) -> str:
    return "" if value is None else str(value)


def _fmt(value, thousands: str) -> str:
    if isinstance(value, int) and abs(value) >= 1000 and thousands:
        return f"{value:,}".replace(",", thousands)
    return _cell(value)


def proactive_rows(values: dict, thousands: str = "") -> Rows:
    template = values["template"]
    labels = contract.PROACTIVE_2021_LABELS if template == "2021" else contract.PROACTIVE_2019_LABELS
    by_row: dict[str, list[str]] = {}
    for name, (row, _col) in labels.items():
        by_row.setdefault(row, []).append(name)
    rows: Rows = []
    headers_done: set[tuple[str, ...]] = set()
    for row, names in by_row.items():
        columns = tuple(labels[n][1] + ("(万元)" if n == "procurement_amount_yuan" else "") for n in names)
        if columns not in headers_done:
            headers_done.add(columns)
            rows += [["第二十条第(X)项"], ["信息内容", *columns]]
        amount = lambda n: values["proactive"][n] / 10000 if n == "procurement_amount_yuan" else values["proactive"][n]
        rows.append([row, *(_fmt(amount(n), thousands) for n in names)])
    return rows


def application_rows(values: dict, thousands: str = "", split_headers: str = " ") -> Rows:
    rows: Rows = [["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "申请人情况"],
                  ["自然人", "法人或其他组织", "总计"],
                  [f"商业{split_headers}企业", f"科研{split_headers}机构", "社会公益组织", "法律服务机构", "其他"]]
    groups = {"denied_state_secret": "denied", "unable_no_info": "unable", "not_processed_petition": "not_processed",
              "other_no_correction": "other"}
    for item, counts in values["applications"].items():
        label = contract.ITEM_LABELS[item]
        lead = [contract.ITEM_GROUP_LABELS[groups[item]]] if item in groups else []
        if item == "granted":
            lead = ["三、本年度办理结果"]
        rows.append([*lead, label, *(_fmt(v, thousands) for v in counts)])
    return rows


def review_rows(values: dict) -> Rows:
    outcomes = list(contract.OUTCOME_LABELS.values())
    return [["行政复议", "行政诉讼"], [*outcomes, "未经复议直接起诉", "复议后起诉"], outcomes * 2,
            [_cell(v) for g in contract.REVIEW_GROUPS for v in values["review_litigation"][g]]]


def pipes(rows: Rows) -> list[str]:
    width = max(map(len, rows))
    return [" | ".join(r) + " |" + (" " + "|" * (width - len(r)) if len(r) < width else "") for r in rows]


def tabs(rows: Rows) -> list[str]:
    """Tab-separated, with an empty merged-gap cell after single labels (seed 001)."""
    out = []
    for r in rows:
        numbers = sum(1 for c in r if c == "" or c[:1].isdigit())
        if numbers == 7 and len(r) == 8:
            r = [r[0], "", *r[1:]]
        out.append("\t".join(r) + "\t")
    return out


def cells(rows: Rows) -> list[str]:
    """One cell per paragraph; header words split over two lines inside a cell."""
    return ["\n\n".join(c.replace(" ", "\n") for c in r) for r in rows]


def cells_pipe(rows: Rows) -> list[str]:
    return [line for r in rows for line in ("|", *(f"{c} |" for c in r))]


def markdown(rows: Rows) -> list[str]:
    width = max(map(len, rows))
    lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
    return [lines[0], "|" + "---|" * width, *lines[1:]]


def spaces(rows: Rows) -> list[str]:
    """A row per line, cells separated by single spaces (PDF text without column positions)."""
    return [" ".join(c for c in r if c) for r in rows]


LAYOUTS: dict[str, Callable[[Rows], list[str]]] = {
    "pipes": pipes, "tabs": tabs, "cells": cells, "cells_pipe": cells_pipe, "markdown": markdown, "spaces": spaces,
}


def report_text(values: dict, layout: str, thousands: str = "", sections: tuple[str, ...] = ("二", "三", "四")) -> str:
    table = LAYOUTS[layout]
    sep = "\n\n" if layout == "cells" else "\n"
    year = values["year"]
    lines = [f"{values['agency']}{year}年政府信息公开工作年度报告",
             f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
             "一、总体情况", f"{year}年，本机关主动公开政府信息1,234条。"]
    if "二" in sections:
        lines += ["二、主动公开政府信息情况", *table(proactive_rows(values, thousands))]
    if "三" in sections:
        lines += ["三、收到和处理政府信息公开申请情况", *table(application_rows(values, thousands))]
    if "四" in sections:
        lines += ["四、政府信息公开行政复议、行政诉讼情况", *table(review_rows(values))]
    lines += ["五、存在的主要问题及改进情况", "公开内容还不够全面。", "六、其他需要报告的事项", "无。",
              values["agency"], "2024年1月18日"]
    return sep.join(lines) + "\n"


def fullwidth(text: str) -> str:
    """Digits, brackets, colons and commas in their full-width forms, as many portals print them."""
    table = {ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789(),:"}
    return text.translate(table)


def parse_text(text: str, source: str = "test.txt") -> Report:
    """The report a plain-text document holds."""
    return parse_document(Document(source=source, source_format="text", text=text))
