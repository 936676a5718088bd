"use strict";
// Quality: the children ranked by their share of reports with findings (units with too few
// reports greyed, not ranked), the reports whose own numbers break the template's rules and the
// breaks between consecutive years, each linking to the report's source URL.
const integer = (v) => (v === null || v === undefined ? null : Number.isInteger(v) ? XX.nf.format(v) : String(v));

XX.page(async (s) => {
  const [cov, d] = await Promise.all([XX.load("coverage/" + s.u), XX.load("quality/" + s.u)]);
  const m = XX.meta();
  XX.crumbs(d.path);
  XX.regionSelect(d);

  const share = (r) => XX.ratio(r.reports_with_findings, r.reports);
  XX.ranking({
    children: cov.children, rows: cov.children_rows.filter((r) => r.year === s.y), year: s.y,
    enough: (r) => r.reports >= m.min_reports, score: share, rule: "报告数少于 " + m.min_reports + " 份",
    series: (ranked) => [{ type: "bar", name: XX.label("findings_report_share"),
                           data: ranked.map((r) => XX.pct100(share(r))) }],
    columns: [XX.col("reports", "int"), XX.col("reports_with_findings", "int"), XX.col("findings", "int"),
              XX.col("findings_report_share", "pct", { get: share })],
    ids: { note: "n-rank", chart: "c-rank", basis: "b-rank", table: "t-rank" },
  });

  // Rows a rule names, in the template's words: "new_received+carried_over" -> 本年新收… + 上年结转….
  const items = (item) => (item ? item.split("+").map((i) => m.items[i] || i).join(" + ") : null);
  const tooMany = (total) => document.createTextNode("共 " + XX.nf.format(total) + " 条，超过 " + m.list_limit +
    " 条未列出：请选择下级地区查看。");
  const reports = (rows) => new Set(rows.map((r) => r.source_url)).size;
  const rules = d.rule_breaks;
  XX.basis("b-rules", rules ? reports(rules) : 0, "所有年份，共 " + XX.nf.format(d.rule_breaks_total) + " 条");
  XX.place("t-rules", rules ? XX.table([
    { label: "年份", get: (r) => r.year },
    { label: "机关", get: (r) => XX.external(r.agency || "（无名称）", r.source_url) },
    { label: "地区", get: (r) => r.region },
    { label: "规则", title: "rule", cell: (r) => Object.assign(XX.cell(r.rule + " " + m.rules[r.rule].zh, "text"), { title: m.rules[r.rule].en }) },
    { label: "行/列", title: "item / applicant", get: (r) => [items(r.item), m.applicants[r.applicant] || r.applicant].filter(Boolean).join(" · ") },
    { label: "应为", title: "expected", get: (r) => integer(r.expected) },
    { label: "实际", title: "actual", get: (r) => integer(r.actual) },
  ], rules) : tooMany(d.rule_breaks_total));

  const cross = d.cross_year;
  XX.basis("b-cross", cross ? reports(cross) : 0, "所有年份，共 " + XX.nf.format(d.cross_year_total) + " 条；记在后一年");
  XX.place("t-cross", cross ? XX.table([
    { label: "年份", get: (r) => r.year },
    { label: "机关", get: (r) => r.agency },
    { label: "地区", get: (r) => r.region },
    { label: "检查", title: "rule", get: (r) => m.cross_year_rules[r.rule] || r.rule },
    { label: "申请人列", title: "applicant", get: (r) => (r.applicant ? m.applicants[r.applicant] || r.applicant : "（不适用）") },
    { label: "应为", title: "expected", get: (r) => integer(r.expected) },
    { label: "实际", title: "actual", get: (r) => integer(r.actual) },
    { label: "本年报告", get: (r) => XX.external("原文", r.source_url) },
    { label: "上年报告", get: (r) => XX.external("原文", r.previous_source_url) },
  ], cross) : tooMany(d.cross_year_total));
});
