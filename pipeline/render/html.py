"""The report as a portal's HTML: real rowspan/colspan tables inside a TRS-style content div.

The cell markup varies as real portal editors write it (`RenderOptions`): the TRS editor pages of
pingtan-104906/104919-html put each line of a cell in its own `<p>` (with `vertical_labels`, a
narrow label one character per `<p>`: `<p>自</p><p>然</p><p>人</p>`); pingtan-96868-html follows
every label with `&nbsp;` (`label_nbsp`) and leaves a blank count as `<td><br/></td>`; other portals
write a blank as `<p>&nbsp;</p>`, a bare `&nbsp;`, nothing, or an empty `<span>`. A blank cell is
still a cell: it must read as null.
"""

from __future__ import annotations

from html import escape

from pipeline.render.report import Cell, RenderOptions, ReportDoc, Table

_STYLE = {"title": "text-align:center;font-size:22px", "heading": "text-indent:2em;font-weight:bold",
          "body": "text-indent:2em", "signature": "text-align:right"}
# A blank count's markup inside its <td>, by RenderOptions.html_blank.
BLANK_CELLS = {"p_nbsp": '<p style="text-align:center">&nbsp;</p>', "nbsp": "&nbsp;", "br": "<br/>", "empty": "",
               "span": "<span></span>"}
_TRS_CELL = ' valign="center" style="border-width: 1px; border-style: solid; border-color: rgb(0, 0, 0);"'


def _content(cell: Cell, options: RenderOptions) -> str:
    if not cell.text:
        return BLANK_CELLS[options.html_blank]
    lines = [escape(line).replace("\xa0", "&nbsp;") for line in cell.text.split("\n")]
    if options.html_paragraphs:
        return "".join(f"<p>{line}</p>" for line in lines)
    return f'<p style="text-align:center">{"<br/>".join(lines)}</p>'


def _cell(cell: Cell, options: RenderOptions) -> str:
    spans = "".join(f' {name}="{value}"' for name, value in (("rowspan", cell.rowspan), ("colspan", cell.colspan))
                    if value > 1)
    style = _TRS_CELL if options.html_paragraphs else ' style="border:1px solid #000"'
    return f"<td{spans}{style}>{_content(cell, options)}</td>"


def _table(table: Table, options: RenderOptions) -> str:
    rows = "".join("<tr>" + "".join(_cell(cell, options) for cell in row) + "</tr>" for row in table.rows)
    return f'<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse"><tbody>{rows}</tbody></table>'


def fragment(report: ReportDoc, options: RenderOptions | None = None) -> str:
    """Paragraphs and tables in order, without the title (the page chrome shows it in its own h1)."""
    options = options or RenderOptions()
    parts = []
    for block in report.blocks:
        if isinstance(block, Table):
            parts.append(_table(block, options))
        elif block.kind != "title":
            parts.append(f'<p style="{_STYLE[block.kind]}">{escape(block.text)}</p>')
    return "\n".join(parts)


def page(report: ReportDoc, agency: str, published_on: str | None, charset: str = "utf-8",
         options: RenderOptions | None = None) -> str:
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
{fragment(report, options)}
</div></div>
<div class="footer">主办单位：{escape(agency)}　版权所有</div>
</body></html>
"""
