"use strict";
// Requests: new applications and outcome shares over the years for the chosen region, its children
// side by side for one year (units with too few requests greyed, not ranked), denial reasons, and
// review and litigation with their correction rates.
const RESULTS = ["granted", "partially_granted", "denied", "unable", "not_processed", "other"];

XX.page(async (s) => {
  const d = await XX.load("requests/" + s.u);
  const m = XX.meta();
  XX.crumbs(d.path);
  XX.regionSelect(d);
  const rows = d.rows;
  const x = rows.map((r) => String(r.year));

  XX.chart("c-trend", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: x },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: XX.label("new_received_count") + " (new_received_count)", type: "bar",
        data: rows.map((r) => r.new_received_count) },
      { name: XX.label("total_processed_count") + " (total_processed_count)", type: "line",
        data: rows.map((r) => r.total_processed_count) },
    ],
  });
  XX.basis("b-trend", XX.sum(rows, "reports"), "空白单元格不计为 0");
  XX.chart("c-shares", {
    tooltip: { trigger: "axis", valueFormatter: XX.pctTip },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 60, bottom: 30 },
    xAxis: { type: "category", data: x },
    yAxis: XX.pctAxis,
    series: RESULTS.map((o) => ({
      name: m.outcomes[o] + " (" + o + "_share)", type: "bar", stack: "shares",
      data: rows.map((r) => XX.pct100(r[o + "_share"])),
    })),
  });
  XX.basis("b-shares", XX.sum(rows.filter((r) => r.total_processed_count), "reports"),
    "办理总数为 0 或空白的年份占比为空，不画");
  XX.place("t-trend", XX.table([
    { label: "年份", get: (r) => r.year }, XX.col("reports", "int"),
    XX.col("new_received_count", "int"), XX.col("new_received_blank", "int"), XX.col("carried_over_count", "int"),
    XX.col("total_processed_count", "int"), XX.col("total_processed_blank", "int"),
    XX.col("carried_forward_count", "int"), ...RESULTS.map((o) => XX.col(o + "_share", "pct")),
  ], rows));

  // Children side by side: ranked by granted_share among those with enough requests.
  XX.ranking({
    children: d.children, rows: d.children_rows.filter((r) => r.year === s.y), year: s.y, legend: true,
    enough: (r) => (r.total_processed_count || 0) >= m.min_requests, score: (r) => r.granted_share,
    rule: "办理总数（total_processed_count）少于 " + m.min_requests + " 件",
    series: (ranked) => RESULTS.map((o) => ({
      name: m.outcomes[o] + " (" + o + "_share)", type: "bar", stack: "shares",
      data: ranked.map((r) => XX.pct100(r[o + "_share"])),
    })),
    columns: [XX.col("reports", "int"), XX.col("new_received_count", "int"), XX.col("total_processed_count", "int"),
              ...RESULTS.map((o) => XX.col(o + "_share", "pct"))],
    ids: { note: "n-children", chart: "c-children", basis: "b-children", table: "t-children" },
  });

  // Denial reasons of the region in the chosen year.
  const denial = d.denials.find((r) => r.year === s.y);
  const reasons = Object.keys(m.reasons);
  XX.chart("c-denials", {
    tooltip: { trigger: "axis" },
    grid: { left: 200, right: 30, top: 10, bottom: 30 },
    yAxis: { type: "category", data: reasons.map((r) => m.reasons[r]), inverse: true },
    xAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", name: XX.label("denied_count"),
               data: reasons.map((r) => (denial ? denial[r + "_count"] : null)) }],
  });
  XX.basis("b-denials", denial ? denial.reports : 0, s.y + " 年");
  XX.place("t-denials", denial ? XX.table([
    { label: "理由", get: (r) => m.reasons[r.reason], title: "reason" },
    { label: "件数", title: "<reason>_count", cell: (r) => XX.cell(r.count, "int", { metric: r.reason + "_count", key: denial.key, year: denial.year }) },
    { label: "空白数", title: "<reason>_blank", cell: (r) => XX.cell(r.blank, "int", { metric: r.reason + "_blank", key: denial.key, year: denial.year }) },
    { label: "占不予公开", title: "<reason>_share", cell: (r) => XX.cell(r.share, "pct", { metric: r.reason + "_share", key: denial.key, year: denial.year }) },
  ], reasons.map((r) => ({ reason: r, count: denial[r + "_count"], blank: denial[r + "_blank"], share: denial[r + "_share"] })))
    : document.createTextNode(s.y + " 年没有该地区的报告。"));

  // Review and litigation: correction rate per group over the years.
  const groups = Object.keys(m.groups);
  const reviewYears = [...new Set(d.review.map((r) => r.year))];
  XX.chart("c-review", {
    tooltip: { trigger: "axis", valueFormatter: XX.pctTip },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: reviewYears.map(String) },
    yAxis: XX.pctAxis,
    series: groups.map((g) => ({
      name: m.groups[g] + " (" + g + ")", type: "line", connectNulls: false,
      data: reviewYears.map((y) => XX.pct100((d.review.find((r) => r.year === y && r.group === g) || {}).corrected_share)),
    })),
  });
  const perYear = reviewYears.map((y) => Math.max(...d.review.filter((r) => r.year === y).map((r) => r.reports)));
  XX.basis("b-review", perYear.reduce((a, b) => a + b, 0), "纠错率 = 结果纠正 / 总计；总计为 0 或空白时为空");
  XX.place("t-review", XX.table([
    { label: "年份", get: (r) => r.year }, { label: "类别", title: "group", get: (r) => m.groups[r.group] },
    XX.col("reports", "int"), XX.col("total_count", "int"), XX.col("upheld_count", "int"),
    XX.col("corrected_count", "int"), XX.col("other_count", "int"), XX.col("pending_count", "int"),
    XX.col("corrected_share", "pct"), XX.col("upheld_share", "pct"),
  ], d.review));
});
