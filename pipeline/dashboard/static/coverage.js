"use strict";
// Coverage: what the warehouse holds for a region by year, its children x years as a heatmap, and
// the children's figures for one year with links one level down (province → city → county → agency).
XX.page(async (s) => {
  const d = await XX.load("coverage/" + s.u);
  XX.crumbs(d.path);
  const years = XX.meta().years;
  const share = (r) => XX.ratio(r.reports_with_findings, r.reports);

  const rows = d.rows;
  XX.chart("c-years", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: rows.map((r) => String(r.year)) },
    yAxis: { type: "value", minInterval: 1 },
    series: ["reports", "reports_with_findings", "parse_failures"].map((m) => ({
      name: XX.label(m) + " (" + m + ")", type: "bar", data: rows.map((r) => r[m]),
    })),
  });
  XX.basis("b-years", XX.sum(rows, "reports"), "解析失败 " + XX.nf.format(XX.sum(rows, "parse_failures")) + " 份文档");
  XX.place("t-years", XX.table([
    { label: "年份", get: (r) => r.year },
    XX.col("reports", "int"), XX.col("reports_with_findings", "int"), XX.col("findings", "int"),
    XX.col("parse_failures", "int"), XX.col("findings_report_share", "pct", { get: share }),
  ], rows));

  const names = d.children.map((c) => XX.unitName(c));
  const index = Object.fromEntries(d.children.map((c, i) => [c.key, i]));
  const cells = d.children_rows.map((r) => [years.indexOf(r.year), index[r.key], r.reports]);
  XX.chart("c-heat", {
    tooltip: {
      formatter: (p) => names[p.value[1]] + " · " + years[p.value[0]] + " 年<br>" + XX.label("reports") +
        " (reports): " + XX.nf.format(p.value[2]),
    },
    grid: { left: 190, right: 20, top: 10, bottom: 70 },
    xAxis: { type: "category", data: years.map(String), splitArea: { show: true } },
    yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 180, overflow: "truncate" } },
    visualMap: { min: 0, max: Math.max(1, ...cells.map((c) => c[2])), calculable: true, orient: "horizontal",
                 left: "center", bottom: 0, itemHeight: 120 },
    series: [{ type: "heatmap", data: cells, label: { show: true, formatter: (p) => XX.nf.format(p.value[2]) } }],
  }, Math.max(160, 28 * names.length + 90));
  XX.basis("b-heat", XX.sum(d.children_rows, "reports"), "空格表示该年仓库中没有该单位的记录");
  const byKeyYear = Object.fromEntries(d.children_rows.map((r) => [r.key + "|" + r.year, r]));
  const childLink = (c) => (c.leaf ? XX.unitName(c) : XX.link(XX.unitName(c), { u: c.key }));
  // A year without a row: no report of the unit in the warehouse; shown empty, not as a number.
  const heatCell = (c, y) => {
    const r = byKeyYear[c.key + "|" + y];
    if (r) return XX.cell(r.reports, "int", { metric: "reports", key: r.key, year: r.year });
    const td = document.createElement("td");
    td.className = "none";
    return td;
  };
  const heat = XX.table([
    { label: "单位", get: (c) => childLink(c) },
    ...years.map((y) => ({ label: String(y), title: "reports " + y, cell: (c) => heatCell(c, y) })),
  ], d.children);
  XX.place("t-heat", heat);

  const current = d.children_rows.filter((r) => r.year === s.y);
  const child = Object.fromEntries(d.children.map((c) => [c.key, c]));
  XX.basis("b-children", XX.sum(current, "reports"), s.y + " 年，" + current.length + " 个下级单位");
  XX.place("t-children", XX.table([
    { label: "单位", get: (r) => childLink(child[r.key]) },
    XX.col("reports", "int"), XX.col("reports_with_findings", "int"), XX.col("findings", "int"),
    XX.col("parse_failures", "int"), XX.col("findings_report_share", "pct", { get: share }),
  ], current));
});
