"use strict";
// Shared by every page: data files loaded on demand, number formats, tables whose cells name the
// mart column, unit and year they show (data-metric, data-key, data-year), charts, the region path
// and the page state in the URL's hash (#u=<unit>&y=<year>).
const XX = (() => {
  const store = {};
  const waiting = {};
  const nf = new Intl.NumberFormat("zh-CN");

  // Data files call XX.put(name, payload); a <script> element loads them (fetch is refused on file://).
  function put(name, payload) {
    store[name] = payload;
    for (const w of waiting[name] || []) w.resolve(payload);
    delete waiting[name];
  }

  function load(name) {
    if (name in store) return Promise.resolve(store[name]);
    return new Promise((resolve, reject) => {
      if (!waiting[name]) {
        waiting[name] = [];
        const script = document.createElement("script");
        script.src = "data/" + name + ".js";
        script.onerror = () => {
          for (const w of waiting[name] || []) w.reject(new Error("数据文件缺失: " + name));
          delete waiting[name];
        };
        document.head.appendChild(script);
      }
      waiting[name].push({ resolve, reject });
    });
  }

  const meta = () => store.meta;
  const label = (metric) => meta().labels[metric] || metric;

  function fmt(value, kind) {
    if (value === null || value === undefined) return null;
    if (kind === "pct") return (value * 100).toFixed(1) + "%";
    if (kind === "int") return nf.format(value);
    return String(value);
  }

  function cell(value, kind, attrs) {
    const td = document.createElement("td");
    if (value instanceof Node) {
      td.appendChild(value);
    } else {
      const text = fmt(value, kind);
      if (text === null) {
        td.textContent = "空";
        td.classList.add("blank");
        td.title = kind === "pct" ? "分母为 0 或空白：占比为空，不是 0%" : "空白：报告未填或无法确定，不是 0";
      } else {
        td.textContent = text;
      }
    }
    if (kind === "int" || kind === "pct") td.classList.add("num");
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) td.dataset[k] = v;
    return td;
  }

  // A column showing a mart column: its Chinese label, the English name as tooltip.
  const col = (metric, kind, extra) => ({ label: label(metric), title: metric, metric, kind, ...(extra || {}) });

  // columns: {label, title, metric, kind, get(row) -> value or Node, or cell(row) -> td}; rowClass(row) -> {cls, title}.
  function table(columns, rows, rowClass) {
    const t = document.createElement("table");
    const head = t.createTHead().insertRow();
    for (const c of columns) {
      const th = document.createElement("th");
      th.textContent = c.label;
      if (c.title) th.title = c.title;
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      const extra = rowClass ? rowClass(row) : {};
      if (extra.cls) tr.className = extra.cls;
      if (extra.title) tr.title = extra.title;
      for (const c of columns) {
        if (c.cell) {
          tr.appendChild(c.cell(row));
          continue;
        }
        const value = c.get ? c.get(row) : row[c.metric];
        const attrs = c.metric && c.kind !== "text"
          ? { metric: c.metric, key: row.key, year: row.year, group: row.group } : {};
        tr.appendChild(cell(value, c.kind || "text", attrs));
      }
    }
    return t;
  }

  function place(id, node) {
    const el = document.getElementById(id);
    el.replaceChildren(...(node ? [node] : []));
    return el;
  }

  function chart(id, option, height) {
    const el = document.getElementById(id);
    if (height) el.style.height = height + "px";
    let instance = echarts.getInstanceByDom(el);
    if (instance && height) instance.resize();
    instance = instance || echarts.init(el, null, { renderer: "canvas" });
    instance.setOption({ animation: false, ...option }, true);
    return instance;
  }

  function basis(id, reports, more) {
    const el = document.getElementById(id);
    el.dataset.reports = reports;
    el.textContent = "本图依据 " + nf.format(reports) + " 份报告" + (more ? "；" + more : "");
  }

  // Shares drawn as percentages; a blank share is a gap in the chart, "空" in its tooltip.
  const pct100 = (v) => (v === null || v === undefined ? null : Math.round(v * 10000) / 100);
  const pctAxis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
  const pctTip = (v) => (v === null || v === undefined ? "空" : v + "%");

  const sum = (rows, metric) => rows.reduce((s, r) => s + (r[metric] || 0), 0);
  const ratio = (a, b) => (a === null || a === undefined || !b ? null : a / b);
  const unitName = (u) => u.name || (u.key === "all" ? "全国（各省合计）" : u.key);

  function state() {
    const params = new URLSearchParams(location.hash.slice(1));
    const years = meta().years;
    const year = Number(params.get("y"));
    return { u: params.get("u") || "all", y: years.includes(year) ? year : years[years.length - 1] };
  }

  function href(patch) {
    const s = { ...state(), ...patch };
    return "#u=" + encodeURIComponent(s.u) + "&y=" + s.y;
  }

  const go = (patch) => { location.hash = href(patch); };

  function link(text, patch) {
    const a = document.createElement("a");
    a.href = href(patch);
    a.textContent = text;
    return a;
  }

  function external(text, url) {
    if (!url) return null;
    const a = document.createElement("a");
    a.href = url;
    a.textContent = text;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.title = url;
    return a;
  }

  function crumbs(path) {
    const el = document.getElementById("crumbs");
    el.replaceChildren();
    path.forEach((p, i) => {
      if (i) el.append(" › ");
      el.append(i === path.length - 1 ? unitName(p) : link(unitName(p), { u: p.key }));
    });
  }

  function yearSelect(current) {
    const el = document.getElementById("year");
    if (!el) return;
    if (!el.options.length) {
      for (const y of [...meta().years].reverse()) el.add(new Option(y + " 年", y));
      el.addEventListener("change", () => go({ y: Number(el.value) }));
    }
    el.value = current;
  }

  // The region filter: the unit itself, its parent and its children that are regions.
  function regionSelect(d) {
    const el = document.getElementById("region");
    if (!el) return;
    el.replaceChildren(new Option(unitName(d.unit), d.unit.key, true, true));
    if (d.path.length > 1) {
      const parent = d.path[d.path.length - 2];
      el.add(new Option("↑ 上一级：" + unitName(parent), parent.key));
    }
    for (const c of d.children.filter((c) => !c.leaf)) el.add(new Option("↓ " + unitName(c), c.key));
    el.onchange = () => go({ u: el.value });
  }

  // The children of a region ranked in one year by score(row) (a share): units that are not
  // `enough` are greyed at the end of the table, left out of the chart and not ranked.
  // spec: {children, rows, year, enough, score, rule (the threshold, in words), series(ranked),
  //        columns (after rank and name), ids: {note, chart, basis, table}, legend (bool)}
  function ranking(spec) {
    const child = Object.fromEntries(spec.children.map((c) => [c.key, c]));
    const ranked = spec.rows.filter(spec.enough).sort((a, b) => (spec.score(b) ?? -1) - (spec.score(a) ?? -1));
    const small = spec.rows.filter((r) => !spec.enough(r));
    document.getElementById(spec.ids.note).textContent = "门槛：" + spec.year + " 年" + spec.rule +
      "的单位置灰、列在最后，不参与排名（" + small.length + " 个）。";
    const names = ranked.map((r) => unitName(child[r.key]));
    chart(spec.ids.chart, {
      tooltip: { trigger: "axis", valueFormatter: pctTip },
      legend: { top: 0, show: !!spec.legend },
      grid: { left: 190, right: 30, top: spec.legend ? 60 : 10, bottom: 30 },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 180, overflow: "truncate" } },
      xAxis: pctAxis,
      series: spec.series(ranked),
      title: ranked.length ? undefined : { text: "没有达到门槛、可以排名的单位", left: "center", top: "middle",
                                           textStyle: { color: "#9aa5b1", fontSize: 14, fontWeight: "normal" } },
    }, Math.max(140, 26 * names.length + (spec.legend ? 90 : 50)));
    basis(spec.ids.basis, sum(ranked, "reports"), "参与排名 " + ranked.length + " 个单位，" + spec.year + " 年");
    const name = (r) => (child[r.key].leaf ? unitName(child[r.key]) : link(unitName(child[r.key]), { u: r.key }));
    place(spec.ids.table, table([
      { label: "排名", get: (r) => (spec.enough(r) ? ranked.indexOf(r) + 1 : "样本过少") }, { label: "单位", get: name },
      ...spec.columns,
    ], [...ranked, ...small], (r) => (spec.enough(r) ? {} : { cls: "small", title: spec.rule + "，不参与排名" })));
  }

  // Runs render(state) now and on every change of the hash; body[data-ready] says it finished.
  function page(render) {
    const run = async () => {
      delete document.body.dataset.ready;
      const s = state();
      yearSelect(s.y);
      await render(s);
      document.body.dataset.ready = s.u + "|" + s.y;
    };
    window.addEventListener("hashchange", () => run().catch((e) => console.error(e)));
    run().catch((e) => console.error(e));
  }

  window.addEventListener("DOMContentLoaded", () => {
    document.getElementById("built").textContent =
      "数据生成：" + meta().built_at + " · 年份：" + meta().years.join("、");
  });

  window.addEventListener("resize", () => {
    for (const el of document.querySelectorAll(".chart")) {
      const c = echarts.getInstanceByDom(el);
      if (c) c.resize();
    }
  });

  return { put, load, meta, label, fmt, cell, col, table, place, chart, basis, pct100, pctAxis, pctTip, ranking, sum, ratio, unitName, state, go,
           link, external, crumbs, regionSelect, page, nf };
})();
