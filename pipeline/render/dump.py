"""The report as a crawler's or `get_text()`'s text dump (the pingtan-* archive dumps of the corpus).

The page's body comes out as ONE line: paragraphs, headings and every table cell in reading
order, the tables' markup gone. What separates the cells depends on the tool and the page, so
`RenderOptions` picks the variants seen:

- by default every cell is separated by a space (a blank cell leaves no trace at all);
- `dump_runs`: no separators: labels run into numbers and a row's numbers into each other
  (`…申请数量120000012二、上年结转…`), on every other row after a space;
- `dump_glued`: spaced, but one pair of a row's numbers glued (`20 0 0 0 02`: the first pair on
  even rows, the last pair on odd ones);
- `dump_odd_spaces`: U+3000 and NBSP between cells as well as spaces;
- `dump_crawler`: the archive crawler's header lines (标题/发布时间/原文链接 …) and the portal
  chrome (breadcrumbs, share buttons) before the body; without them the title is the first line and
  the signature ends the text on lines of its own.

`split_headers` breaks header words with a space ("商业 企业"), as the dumps' wrapped cells do.
"""

from __future__ import annotations

from itertools import cycle

from pipeline.render.report import RenderOptions, ReportDoc, Table
from pipeline.render.text import table_positions

_ODD_SPACES = ("\u3000", "\xa0", " ")
_RULE = "=" * 20


def _value_gaps(count: int, row: int, options: RenderOptions) -> list[str]:
    """What goes between each pair of a row's printed numbers."""
    if options.dump_runs:
        return [""] * max(count - 1, 0)
    gaps = [" "] * max(count - 1, 0)
    if options.dump_glued and count >= 3:
        gaps[0 if row % 2 == 0 else -1] = ""
    return gaps


def _table(table: Table, options: RenderOptions) -> str:
    """A table's cells in reading order: labels, then each row's numbers (blank cells vanish)."""
    out: list[str] = []
    for r, row in enumerate(table_positions(table)):
        cells = [cell for cell in row if cell is not None]
        labels = [cell.text.replace("\n", " ") for cell in cells if cell.header]
        numbers = [cell.text for cell in cells if not cell.header and cell.text]
        text = ("" if options.dump_runs else " ").join(labels)
        if numbers:
            gaps = _value_gaps(len(numbers), r, options)
            lead = " " if not options.dump_runs or r % 2 else ""
            text += lead + numbers[0] + "".join(gap + number for gap, number in zip(gaps, numbers[1:]))
        out.append(text)
    return ("" if options.dump_runs else " ").join(part for part in out if part)


def _odd_spaces(text: str) -> str:
    """Every other space of the line as U+3000 or NBSP, as pages that pad cells with them dump."""
    spaces = cycle(_ODD_SPACES)
    return "".join(next(spaces) if ch == " " else ch for ch in text)


def _crawler_lines(title: str, published_on: str | None) -> list[str]:
    stamp = published_on.replace("-", "") if published_on else "00000000"
    return [f"标题: {title}", f"发布时间: {published_on + ' 09:30' if published_on else ''}", "文号: ", "发布机构: ",
            "栏目: 政府信息公开年报", f"原文链接: https://www.example.gov.cn/zwgk/zfxxgknb/t{stamp}_1001.htm",
            f"{_RULE} 正文 {_RULE}"]


def _chrome(title: str, published_on: str | None) -> str:
    return (f"当前位置： 首页 政务公开 政府信息公开 政府信息公开年报 {title} 来源： 时间：{published_on or ''} --> "
            "微信 微博 QQ空间 全真版 文字版 文件下载 相关链接：")


def render_dump(report: ReportDoc, published_on: str | None, options: RenderOptions) -> str:
    """The report as one body line (see the module docstring for the variants)."""
    body: list[str] = []
    signature: list[str] = []
    for block in report.blocks:
        if isinstance(block, Table):
            body.append(_table(block, options))
        elif block.kind == "signature":
            signature.append(block.text)
        elif block.kind != "title":
            body.append(block.text)
    line = ("" if options.dump_runs else " ").join(body)
    if options.dump_odd_spaces:
        line = _odd_spaces(line)
    if options.dump_crawler:  # the signature is part of the page's body line
        lines = [*_crawler_lines(report.title, published_on),
                 " ".join([_chrome(report.title, published_on), line, *signature, "附件下载"])]
    else:
        lines = [report.title, line, *signature]
    return "\n".join(lines) + "\n"
