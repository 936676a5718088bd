"""Every figure the dashboard shows: its column name in the marts, its Chinese label, its formula
and its caveats. The pages label charts and table headers from this one list (English names in
tooltips) and the metric dictionary page is generated from it, so a figure cannot be shown
without being explained.

Chinese labels of the template's rows and columns come from `pipeline.contract`; only the words
that are the dashboard's own (数量, 占比, 空白数 ...) are written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.contract import (APPLICATIONS_TABLE_LABELS, ITEM_GROUP_LABELS, ITEM_LABELS, OUTCOME_LABELS,
                               REVIEW_GROUP_LABELS, REVIEW_GROUPS)

# Rankings and side-by-side comparisons leave out units below these (they are greyed, not ranked):
# a share of two reports or of a handful of requests says more about chance than about the unit.
MIN_REPORTS = 3
MIN_REQUESTS = 30

APPLICATION_OUTCOMES = ("new_received", "carried_over", "granted", "partially_granted", "denied", "unable",
                        "not_processed", "other", "total_processed", "carried_forward")
RESULT_OUTCOMES = ("granted", "partially_granted", "denied", "unable", "not_processed", "other")
DENIAL_REASONS = tuple(item for item in ITEM_LABELS if item.startswith("denied_"))
REVIEW_OUTCOMES = ("upheld", "corrected", "other", "pending", "total")

_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.、．])")
_BLANK_CAVEAT = "空白单元格不计为 0：只加总填有数字的单元格；全部空白时为空。"
_SHARE_CAVEAT = "分母为 0 或空白时占比为空，不是 0%。"


def plain_label(label: str) -> str:
    """A template label without its printed numbering: "（一）予以公开" -> "予以公开"."""
    return _NUMBERING.sub("", label)


def outcome_label(outcome: str) -> str:
    """The template's label of a section-三 outcome row (a result group's heading for denied ...)."""
    if outcome == "total_processed":
        return plain_label(APPLICATIONS_TABLE_LABELS["results"]) + OUTCOME_LABELS["total"]
    return plain_label(ITEM_GROUP_LABELS.get(outcome) or ITEM_LABELS[outcome])


@dataclass(frozen=True)
class Metric:
    name: str  # the mart column (or the dashboard's own figure, see `mart`)
    label: str
    mart: str
    formula: str
    caveat: str = ""


def _coverage() -> list[Metric]:
    mart = "coverage_by_region"
    return [
        Metric("reports", "报告数", mart, "单位在该年载入仓库的年度报告份数（同一机关同一年的重复稿只计一次）",
               "统计的是仓库收录的报告，不等于应发布的报告数；未抓取到的报告不在其中。"),
        Metric("reports_with_findings", "有问题的报告数", mart, "至少有一条发现（规则不符、疑点）的报告份数"),
        Metric("findings", "发现数", mart, "各报告的发现条数之和"),
        Metric("parse_failures", "解析失败文档数", mart,
               "未能读出统计表的文档数，按标题年份和门户所属地区归入",
               "既无年份又无地区的失败文档不在任何地区中。"),
        Metric("findings_report_share", "有问题报告占比", mart, "reports_with_findings / reports",
               "报告数为 0 时为空。" + f"报告数少于 {MIN_REPORTS} 份的单位不参与排名。"),
    ]


def _applications() -> list[Metric]:
    mart = "applications_by_region"
    metrics = [Metric("reports", "报告数", mart, "单位在该年有第三部分（申请办理）数据的报告份数")]
    for outcome in APPLICATION_OUTCOMES:
        label = outcome_label(outcome)
        metrics.append(Metric(f"{outcome}_count", f"{label}（件）", mart,
                              f"各报告“总计”列中 {outcome} 行的数字之和", _BLANK_CAVEAT))
        metrics.append(Metric(f"{outcome}_blank", f"{label}·空白数", mart,
                              f"{outcome} 行“总计”列留空的报告单元格数"))
    for outcome in RESULT_OUTCOMES:
        metrics.append(Metric(f"{outcome}_share", f"{outcome_label(outcome)}占比", mart,
                              f"{outcome}_count / total_processed_count",
                              _SHARE_CAVEAT + f"办理总数少于 {MIN_REQUESTS} 件的单位在横向比较中不排名。"))
    return metrics


def _denials() -> list[Metric]:
    mart = "denial_reasons_by_region"
    metrics = [Metric("denied_count", outcome_label("denied") + "（件）", mart,
                      "各报告“总计”列中不予公开的件数之和（各项理由之和）", _BLANK_CAVEAT)]
    for reason in DENIAL_REASONS:
        label = plain_label(ITEM_LABELS[reason])
        metrics.append(Metric(f"{reason}_count", f"{label}（件）", mart, f"各报告“总计”列中 {reason} 行的数字之和",
                              _BLANK_CAVEAT))
        metrics.append(Metric(f"{reason}_share", f"{label}·占不予公开", mart, f"{reason}_count / denied_count",
                              _SHARE_CAVEAT))
    return metrics


def _review() -> list[Metric]:
    mart = "review_litigation_by_region"
    metrics = [Metric("group", "类别", mart, " / ".join(f"{g}：{REVIEW_GROUP_LABELS[g]}" for g in REVIEW_GROUPS))]
    for outcome in REVIEW_OUTCOMES:
        metrics.append(Metric(f"{outcome}_count", f"{OUTCOME_LABELS[outcome]}（件）", mart,
                              f"各报告第四部分该类别 {outcome} 列的数字之和", _BLANK_CAVEAT))
    metrics.append(Metric("corrected_share", "纠错率（结果纠正占比）", mart, "corrected_count / total_count",
                          _SHARE_CAVEAT))
    metrics.append(Metric("upheld_share", "维持率（结果维持占比）", mart, "upheld_count / total_count", _SHARE_CAVEAT))
    return metrics


def _national() -> list[Metric]:
    return [Metric("national", "全国（各省合计）", "各地区集市表的 province 行",
                   "每个数量为各省数值之和（全部为空时为空），占比用合计后的分子分母重新计算",
                   "没有省级代码的报告不计入全国合计。")]


def _cross_year() -> list[Metric]:
    mart = "cross_year_findings"
    return [Metric("carried_forward_to_carried_over", "跨年结转不一致", mart,
                   "上年“结转下年度继续办理”≠ 本年“上年结转”（按申请人列）", "任一方为空时不判断。"),
            Metric("rules_in_force", "规章现行有效件数跨年不一致", mart,
                   "本年现行有效 ≠ 上年现行有效 + 本年制发 − 本年废止", "任一方为空时不判断。"),
            Metric("normative_in_force", "规范性文件现行有效件数跨年不一致", mart,
                   "本年现行有效 ≠ 上年现行有效 + 本年制发 − 本年废止", "任一方为空时不判断。")]


SECTIONS: dict[str, list[Metric]] = {
    "覆盖情况": _coverage(),
    "申请办理": _applications(),
    "不予公开理由": _denials(),
    "行政复议和行政诉讼": _review(),
    "跨年检查": _cross_year(),
    "地区汇总": _national(),
}


def labels() -> dict[str, str]:
    """Column name -> Chinese label, for the pages' headers (the English name is the tooltip)."""
    names: dict[str, str] = {}
    for metrics in SECTIONS.values():
        for metric in metrics:
            names.setdefault(metric.name, metric.label)
    return names

# The contract's consistency rules (`pipeline.contract.RULES`, whose English text is the tooltip).
RULE_LABELS: dict[str, str] = {
    "rule1": "每列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度",
    "rule2": "每列：办理结果总计 = 各项办理结果之和",
    "rule3": "每行：总计 = 自然人 + 五类法人或其他组织",
    "rule4": "各数量均为非负整数",
    "rule5": "第四部分：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
}
