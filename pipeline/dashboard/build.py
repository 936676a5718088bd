"""Write the static site: four HTML pages, their scripts and styles, the vendored ECharts, and the
pre-aggregated data, one file per page and region.

Data files are JavaScript (`XX.put("<name>", {...JSON...});`) loaded by a `<script>` element,
not JSON fetched by the page: browsers refuse `fetch` from `file://`, and the site must work
opened from disk as well as from any web server. The site is built beside the old one and
swapped in with renames, so a browser never reads half a rebuild.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from pipeline.contract import APPLICANT_LABELS, REVIEW_GROUP_LABELS, RULES
from pipeline.dashboard import data, metrics

HERE = Path(__file__).resolve().parent
PAGES = {"index": "覆盖情况", "requests": "申请办理", "quality": "数据质量", "dictionary": "指标说明"}
_SCRIPTS = {"index": "coverage", "requests": "requests", "quality": "quality"}


@dataclass(frozen=True)
class Site:
    root: Path
    files: int
    bytes: int


def _write_data(out: Path, name: str, payload: object) -> None:
    target = out / "data" / f"{name}.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    target.write_text(f"XX.put({json.dumps(name)},{body});\n", encoding="utf-8")


def _meta(con: duckdb.DuckDBPyConnection) -> dict:
    years = [y for (y,) in con.execute(
        f"SELECT DISTINCT year FROM {data.view('coverage_by_region')} ORDER BY 1").fetchall()]
    return {
        "built_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "years": years,
        "min_reports": metrics.MIN_REPORTS,
        "min_requests": metrics.MIN_REQUESTS,
        "list_limit": data.LIST_LIMIT,
        "labels": metrics.labels(),
        "outcomes": {o: metrics.outcome_label(o) for o in metrics.APPLICATION_OUTCOMES},
        "reasons": {r: metrics.plain_label(metrics.ITEM_LABELS[r]) for r in metrics.DENIAL_REASONS},
        "items": {**{i: metrics.plain_label(label) for i, label in metrics.ITEM_LABELS.items()},
                  **{o: metrics.outcome_label(o) for o in metrics.APPLICATION_OUTCOMES}},
        "groups": dict(REVIEW_GROUP_LABELS),
        "applicants": dict(APPLICANT_LABELS),
        "rules": {r: {"zh": metrics.RULE_LABELS[r], "en": RULES[r]} for r in RULES},
        "cross_year_rules": {m.name: m.label for m in metrics.SECTIONS["跨年检查"]},
    }


def _region_files(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    tree = data.units(con)
    coverage = data.region_rows(con, "coverage_by_region", children=True)
    applications = data.region_rows(con, "applications_by_region", children=True)
    denials = data.region_rows(con, "denial_reasons_by_region", children=False)
    review = data.region_rows(con, "review_litigation_by_region", children=False, group=('"group"',))
    rule_breaks = data.by_region(data.rule_breaks(con), tree)
    cross_year = data.by_region(data.cross_year_breaks(con), tree)
    regions = [u for u in tree.values() if not u.leaf]
    for unit in regions:
        key = unit.key
        head = {"unit": {"key": key, "name": unit.name, "cut": unit.cut},
                "path": data.path(tree, key),
                "children": [{"key": c, "name": tree[c].name, "cut": tree[c].cut, "leaf": tree[c].leaf}
                             for c in unit.children]}
        _write_data(out, f"coverage/{key}", {**head, "rows": coverage[key]["unit"],
                                             "children_rows": coverage[key]["children"]})
        _write_data(out, f"requests/{key}", {**head, "rows": applications[key]["unit"],
                                             "children_rows": applications[key]["children"],
                                             "denials": denials[key]["unit"], "review": review[key]["unit"]})
        _write_data(out, f"quality/{key}", {**head, **_limited("rule_breaks", rule_breaks.get(key, [])),
                                            **_limited("cross_year", cross_year.get(key, []))})
    return len(regions)


def _limited(name: str, rows: list[dict]) -> dict:
    """The rows, or none of them past LIST_LIMIT (with the count, for the page to say so)."""
    return {name: rows if len(rows) <= data.LIST_LIMIT else None, f"{name}_total": len(rows)}


def _dictionary_body() -> str:
    parts = ["<section><h2>指标说明</h2>",
             f"<p class='note'>排名与横向比较的门槛：报告数少于 <b>{metrics.MIN_REPORTS}</b> 份、"
             f"或办理总数少于 <b>{metrics.MIN_REQUESTS}</b> 件的单位置灰，不参与排名。"
             "空白（显示为“空”）表示报告未填或无法确定，不是 0；分母为 0 或空白的占比为空，不是 0%。</p>"]
    for section, items in metrics.SECTIONS.items():
        parts.append(f"<h3>{html.escape(section)}</h3><table class='dictionary'><thead><tr><th>指标</th>"
                     "<th>英文名（数据契约）</th><th>来源</th><th>公式</th><th>注意</th></tr></thead><tbody>")
        for m in items:
            parts.append(f"<tr data-metric='{html.escape(m.name)}'><td>{html.escape(m.label)}</td>"
                         f"<td><code>{html.escape(m.name)}</code></td><td><code>{html.escape(m.mart)}</code></td>"
                         f"<td>{html.escape(m.formula)}</td><td>{html.escape(m.caveat)}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("<h3>一致性规则</h3><table class='dictionary'><thead><tr><th>规则</th><th>说明</th>"
                 "<th>英文（数据契约）</th></tr></thead><tbody>")
    for rule, text in RULES.items():
        parts.append(f"<tr><td><code>{rule}</code></td><td>{html.escape(metrics.RULE_LABELS[rule])}</td>"
                     f"<td>{html.escape(text)}</td></tr>")
    parts.append("</tbody></table></section>")
    return "".join(parts)


def _pages(out: Path) -> None:
    layout = (HERE / "site" / "layout.html").read_text(encoding="utf-8")
    for page, title in PAGES.items():
        nav = "".join(f"<a href='{p}.html'{' class=current' if p == page else ''}>{t}</a>" for p, t in PAGES.items())
        body = _dictionary_body() if page == "dictionary" else (HERE / "site" / f"{page}.html").read_text(encoding="utf-8")
        script = f"<script src='static/{_SCRIPTS[page]}.js'></script>" if page in _SCRIPTS else ""
        text = (layout.replace("{{title}}", title).replace("{{page}}", page).replace("{{nav}}", nav)
                .replace("{{body}}", body).replace("{{script}}", script))
        (out / f"{page}.html").write_text(text, encoding="utf-8")


def _swap(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def build_dashboard(con: duckdb.DuckDBPyConnection, exports: Path, out: Path) -> Site:
    """Build the site into `out` from the exports, with `con` a (read-only) warehouse connection
    for the reports' findings and source URLs."""
    out = Path(out)
    data.attach_exports(con, Path(exports))
    new = out.with_name(f".{out.name}.new")
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    shutil.copytree(HERE / "static", new / "static")
    _write_data(new, "meta", _meta(con))
    _region_files(con, new)
    _pages(new)
    sizes = [f.stat().st_size for f in new.rglob("*") if f.is_file()]
    _swap(new, out)
    return Site(out, len(sizes), sum(sizes))
