"""Template parser: a `Document` (any format) → a `Report` with the statistics exactly as printed.

Public API: `parse_document`, `parse_bytes`, `PARSER_VERSION`. Numbers that cannot be read for
sure are left null with a finding; a document that is not a readable report raises `ParseError`.
"""

from __future__ import annotations

from pipeline import contract
from pipeline.errors import ParseError
from pipeline.extract.document import Document
from pipeline.parse.dump import dump_sections
from pipeline.parse.findings import assemble_findings, check_applications_complete
from pipeline.parse.metadata import Metadata, read_metadata
from pipeline.parse.ocr_cells import check_ocr_cells
from pipeline.parse.ranges import drop_out_of_range
from pipeline.parse.sections import grid_sections, text_sections
from pipeline.parse.template import proactive_template, read_applications, read_proactive, read_review
from pipeline.record import Finding, Report, report_id_for
from pipeline.regions import apply_region

# Bump whenever parsing output changes: Dagster's code_version re-parses stale partitions.
PARSER_VERSION = "7"

__all__ = ["PARSER_VERSION", "parse_bytes", "parse_document"]

FIRST_SUPPORTED_YEAR = 2019
FIRST_DISCLOSURE_YEAR = 2008  # the 2008 条例: reports on 2008-2018 follow the pre-2019 template
_VECTOR_COLUMNS = {"applications": contract.APPLICANTS, "review_litigation": contract.OUTCOMES}


def _check_is_report(text: str, meta: Metadata, has_table: bool) -> None:
    if not text or text.isspace():  # (not text.strip(): no copy of the whole text)
        raise ParseError("not_a_report", "document has no text")
    if meta.title_found or has_table:
        return
    kind = next((k for k in contract.OTHER_REPORT_KINDS if k in text[:2000]), None)
    what = f"it looks like a {kind}" if kind else "no 政府信息公开工作年度报告 title or statistics table"
    raise ParseError("not_a_report", f"not a 政府信息公开工作年度报告: {what}")


def _replaced_bytes(doc: Document) -> list[Finding]:
    """A finding where the reader replaced bytes it could not decode (U+FFFD): a page with a byte
    damaged is read, not lost, and says so, since a damaged byte inside a count leaves it unread."""
    replaced = doc.replaced
    if not replaced:
        return []
    return [Finding(rule="replaced_bytes", actual=float(replaced),
                    message=f"{replaced} byte sequence(s) are not {doc.encoding or 'the encoding'} and were "
                            "replaced; the rest of the document decoded")]


def parse_document(doc: Document) -> Report:
    """The report a document holds. Raises ParseError: not_a_report, unsupported_template,
    no_statistics_table, truncated."""
    text = doc.text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in doc.text else doc.text
    meta = read_metadata(text, doc.title, doc.published_on)
    sections, runs_to_end = (grid_sections(doc.tables) if doc.tables else {}), False
    runs = False  # a text dump: digits may run together in any row
    if "applications" not in sections:  # no grids, or the tables are not the statistics tables
        dump = dump_sections(text)
        runs = dump is not None
        sections, runs_to_end = dump or text_sections(text)
    applications = read_applications(sections.get("applications", []), runs)
    _check_is_report(text, meta, bool(applications.found))
    if meta.year is not None and FIRST_DISCLOSURE_YEAR <= meta.year < FIRST_SUPPORTED_YEAR:
        raise ParseError("unsupported_template",
                         f"report on {meta.year}: the pre-2019 template is not supported yet")
    if not applications.found:
        raise ParseError("no_statistics_table", "no section 三 statistics table (本年新收… rows) found")
    review = read_review(sections.get("review_litigation", []), applications.rows_opened, runs)
    check_applications_complete(applications, truncated_possible=runs_to_end and not review.found)
    proactive_cells = sections.get("proactive", [])
    kind = proactive_template(proactive_cells)
    proactive = read_proactive(proactive_cells, kind, runs) if kind else None
    rows_2021 = bool(set(contract.ITEMS_2021_ONLY) & set(applications.rows))
    if kind is None:
        kind = "2021" if rows_2021 else ("2019" if "other_processed" in applications.rows else "unknown")
    # A mixed rendering (section 二 in the 2019 columns, section 三 with the 2021 (六) rows) is a
    # 2021 report: the 2021 rows exist only in the 2021 template.
    template = "2021" if rows_2021 else kind
    report = Report(
        report_id=report_id_for(doc.source),
        source=doc.source,
        source_format=doc.source_format,
        agency=meta.agency,
        year=meta.year,
        published_on=meta.published_on,
        template=template,
        title=meta.title,
        proactive=dict(proactive.rows) if proactive else {},
        applications={item: applications.rows[item] for item in contract.ITEMS if item in applications.rows},
        review_litigation=dict(review.rows),
        text=doc.text,
    )
    report.raw_tokens = {**applications.raw, **review.raw}
    report.findings = assemble_findings(applications, review, proactive, kind, meta) + _replaced_bytes(doc)
    if doc.source_format.endswith("+ocr"):
        check_ocr_cells(report, proactive.raw if proactive else {})
    return drop_out_of_range(report, _VECTOR_COLUMNS)


def parse_bytes(data: bytes, source: str, content_type: str | None = None,
                portal_region_code: str | None = None) -> Report:
    """Read any supported format, parse it, and resolve the agency's region (with the portal's
    code first when the document came from a crawl).

    Raises the reader's ExtractError or this parser's ParseError (both DocumentError)."""
    from pipeline.extract import read_document

    return apply_region(parse_document(read_document(data, source, content_type)), portal_region_code)
