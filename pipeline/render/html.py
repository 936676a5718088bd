"""The report as a portal's HTML: real rowspan/colspan tables inside a TRS-style content div."""

from __future__ import annotations

from html import escape

from pipeline.render.report import Cell, ReportDoc, Table

_STYLE = {"title": "text-align:center;font-size:22px", "heading": "text-indent:2em;font-weight:bold",
          "body": "text-indent:2em", "signature": "text-align:right"}


def _cell(cell: Cell) -> str:
    spans = "".join(f' {name}="{value}"' for name, value in (("rowspan", cell.rowspan), ("colspan", cell.colspan))
                    if value > 1)
    text = "<br/>".join(escape(part) for part in cell.text.split("\n")) if cell.text else "&nbsp;"
    return f'<td{spans} style="border:1px solid #000"><p style="text-align:center">{text}</p></td>'


def _table(table: Table) -> str:
    rows = "".join("<tr>" + "".join(_cell(cell) for cell in row) + "</tr>" for row in table.rows)
    return f'<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse"><tbody>{rows}</tbody></table>'


def fragment(report: ReportDoc) -> str:
    """Paragraphs and tables in order, without the title (the page chrome shows it in its own h1)."""
    parts = []
    for block in report.blocks:
        if isinstance(block, Table):
            parts.append(_table(block))
        elif block.kind != "title":
            parts.append(f'<p style="{_STYLE[block.kind]}">{escape(block.text)}</p>')
    return "\n".join(parts)


def page(report: ReportDoc, agency: str, published_on: str | None, charset: str = "utf-8") -> str:
    """A complete detail page: navigation and footer chrome around the content div."""
    if charset == "utf-8":
        meta = '<meta charset="utf-8">'
    else:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    date_meta = f'<meta name="PubDate" content="{published_on} 09:30">' if published_on else ""
    date_line = f"<span>发布日期：{published_on}</span>" if published_on else ""
    title = escape(report.title)
    return f"""<!DOCTYPE html>
<html><head>{meta}
<title>{title}_政府信息公开</title>
<meta name="ArticleTitle" content="{title}">{date_meta}
</head><body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/xxgk/">政府信息公开</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; 政府信息公开年报</div>
<div class="article"><h1>{title}</h1><div class="info">{date_line}<span>来源：本网</span></div>
<div class="TRS_Editor">
{fragment(report)}
</div></div>
<div class="footer">主办单位：{escape(agency)}　版权所有</div>
</body></html>
"""
