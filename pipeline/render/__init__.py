"""Render a report's values (the contract's expected-values JSON form) into every layout portals use.

The reverse of `pipeline.extract`: tests render known values and parse them back, and the demo
portal is built from these renderings, so both read the same realistic documents.
"""

from __future__ import annotations

from typing import Any

from pipeline.render.markdown import CONVERTED_LAYOUTS, render_converted
from pipeline.render.report import RenderOptions, build_report
from pipeline.render.text import TEXT_LAYOUTS, render_text

__all__ = ["LAYOUTS", "LOSSY_LAYOUTS", "RenderOptions", "render_report", "render_html_fragment"]

LAYOUTS: tuple[str, ...] = ("pipes", "tabs", "cells", "cells_pipe", "markdown", "html", "html_gbk", "docx", "doc",
                            "pdf", "pdf_print", "pdf_print_thead", *CONVERTED_LAYOUTS, "dump")
# Layouts in which a blank cell leaves no trace (a text dump's cells have no separators of their own):
# their reports parse back exactly or with nulls and findings where the cells cannot be told apart.
LOSSY_LAYOUTS: tuple[str, ...] = ("dump",)
# The file extension a rendering is saved under, so `read_document` can dispatch on the name too.
EXTENSIONS: dict[str, str] = {**{layout: ".txt" for layout in TEXT_LAYOUTS}, "markdown": ".md", "html": ".html",
                              "html_gbk": ".html", "docx": ".docx", "doc": ".doc", "pdf": ".pdf",
                              "pdf_print": ".pdf", "pdf_print_thead": ".pdf",
                              "converted_rows": ".txt", "converted_pdf": ".md", "dump": ".txt"}


def render_report(values: dict[str, Any], layout: str, options: RenderOptions | None = None) -> bytes:
    """The full report (title, preamble, sections 一…六, tables 二/三/四, signature) as a file's bytes.

    `values` may carry `raw_tokens` {"item.applicant": "—"} to print null cells as such tokens.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    report = build_report(values, options)
    if layout in TEXT_LAYOUTS:
        return render_text(report, layout).encode("utf-8")
    if layout in CONVERTED_LAYOUTS:
        return render_converted(report, values, layout).encode("utf-8")
    if layout == "docx":
        from pipeline.render.docx import render_docx

        return render_docx(report, auto_numbering=(options or RenderOptions()).auto_numbering)
    if layout == "doc":
        from pipeline.render.doc import render_doc

        return render_doc(report)
    if layout == "dump":
        from pipeline.render.dump import render_dump

        return render_dump(report, values.get("published_on"), options or RenderOptions()).encode("utf-8")
    if layout == "pdf":
        from pipeline.render.pdf import render_pdf

        return render_pdf(report, ruled=(options or RenderOptions()).ruled)
    if layout in ("pdf_print", "pdf_print_thead"):  # the portal page printed by a browser, <thead> repeated or not
        from pipeline.render.pdf import render_printed_page

        return render_printed_page(report, values["agency"], values.get("published_on"),
                                   repeat_header=layout == "pdf_print_thead")
    from pipeline.render.html import page

    if layout == "html_gbk":
        return page(report, values["agency"], values.get("published_on"), "gb2312", options).encode(
            "gbk", "xmlcharrefreplace")
    return page(report, values["agency"], values.get("published_on"), options=options).encode("utf-8")


def render_html_fragment(values: dict[str, Any], options: RenderOptions | None = None) -> str:
    """Only the content (paragraphs and tables, no title) for a portal page to wrap in its chrome."""
    from pipeline.render.html import fragment

    return fragment(build_report(values, options), options)
