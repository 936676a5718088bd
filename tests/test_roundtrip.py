"""Round trip of both halves: each seed's values rendered in every layout parse back identically.

The renderers write the layouts portals serve (text shapes, HTML with spans, GBK HTML, DOCX, PDF);
the readers and the template parser must recover exactly the values that went in.
"""

from dataclasses import replace

import pytest

from pipeline import contract
from pipeline.parse import parse_bytes
from pipeline.render import EXTENSIONS, LAYOUTS, RenderOptions, render_report
from pipeline.render.html import BLANK_CELLS
from seeds import COMPARED, SEED_PATHS, expected

VARIANTS = {
    "plain": RenderOptions(),
    "messy": RenderOptions(split_headers=True, fullwidth_digits=True, thousands="，"),
}


def parsed(values: dict, layout: str, options: RenderOptions) -> dict:
    data = render_report(values, layout, options)
    return parse_bytes(data, source=f"http://demo.example.gov.cn/ndbg/report{EXTENSIONS[layout]}").to_json()


def assert_same(report: dict, values: dict) -> None:
    for key in COMPARED:
        assert report[key] == values[key], key


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda path: path.stem[:3])
def test_seed_values_round_trip(seed, layout):
    values = expected(seed)
    assert_same(parsed(values, layout, VARIANTS["plain"]), values)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_split_headers_fullwidth_digits_and_separators_round_trip(layout):
    values = expected(SEED_PATHS[2])  # counts >= 1000 so the separators show; the rules still hold
    values["applications"].update(new_received=[1200, 3, 0, 0, 0, 0, 1203], carried_over=[4, 0, 0, 0, 0, 0, 4],
                                  granted=[1175, 3, 0, 0, 0, 0, 1178], total_processed=[1204, 3, 0, 0, 0, 0, 1207])
    assert_same(parsed(values, layout, VARIANTS["messy"]), values)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda path: path.stem[:3])
def test_row_labels_without_their_numbers_round_trip(seed, layout):
    """Tables that print section 三's labels without "一、"/"（一）"/"1." still read every row, the
    bare "其他" and "总计" (which also head applicant columns) included."""
    values = expected(seed)
    data = render_report(values, layout, RenderOptions(unnumbered_rows=True))
    assert "3.其他" not in data.decode("utf-8", "ignore") and "（七）" not in data.decode("utf-8", "ignore")
    report = parse_bytes(data, source=f"http://demo.example.gov.cn/ndbg/report{EXTENSIONS[layout]}")
    assert_same(report.to_json(), values)
    assert not [finding for finding in report.findings if finding.rule in ("missing_row", "ambiguous_row")]


@pytest.mark.parametrize("layout", ["tabs", "cells"])
def test_bare_other_and_total_under_a_repeated_header(layout):
    """A table header repeated inside section 三 (a PDF page break) names "其他" and "总计" columns
    right where the bare row labels may follow: header words are not rows, the rows after them are."""
    values = expected(SEED_PATHS[1])
    text = render_report(values, layout, RenderOptions(unnumbered_rows=True)).decode("utf-8")
    start = text.index(contract.APPLICATIONS_TABLE_LABELS["balance_note"])
    header = text[start : text.index(contract.ITEM_LABELS["new_received"].removeprefix("一、"))]
    fee_label = text.index(contract.ITEM_PATTERNS["other_unpaid_fee"])
    if layout == "cells":  # one cell per paragraph: the header goes right before the paragraph "其他"
        at = text.index("\n\n其他\n\n", fee_label) + 2
    else:  # a row per line: before the line of the row "其他"
        at = text.rindex("\n", 0, text.index("\t其他\t", fee_label)) + 1
    text = text[:at] + header + text[at:]
    assert text.count(header) == 2
    report = parse_bytes(text.encode("utf-8"), source="http://demo.example.gov.cn/ndbg/report.txt")
    assert_same(report.to_json(), values)
    assert report.findings == []


@pytest.mark.parametrize("blanks", [[None, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, None]])
def test_blank_cells_in_the_last_applications_row_of_cells_pipe(blanks):
    """Regression: test_property found these blanks read as ambiguous_row in the table's last row."""
    values = expected(SEED_PATHS[3])
    values["applications"]["carried_forward"] = blanks
    assert_same(parsed(values, "cells_pipe", VARIANTS["plain"]), values)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda path: path.stem[:3])
def test_borderless_pdf_tables_round_trip(seed, variant):
    """Without rulings, columns come from positions and a long label wraps over lines around its
    row's vertically centred values (section 三's (六) rows): the values still join their label."""
    values = expected(seed)
    data = render_report(values, "pdf", replace(VARIANTS[variant], ruled=False))
    report = parse_bytes(data, source="http://demo.example.gov.cn/ndbg/borderless.pdf")
    assert_same(report.to_json(), values)
    assert not [finding for finding in report.findings if finding.rule == "ambiguous_row"]


@pytest.mark.parametrize(("review", "thousands"), [
    # "16735" too wide for its column prints as "1673" above the row and "5" below it
    ({"review": [7481, 0, 9254, 0, 16735], "litigation_direct": [9, 7, 5, 5, 26],
      "litigation_after_review": [876, 0, 679, 0, 1555]}, ""),
    # "131,071" and "131,494" wrap at the separator; their lower halves still add up (421 + 071 + 2 + 0 = 494)
    ({"review": [0, 6, 109, 0, 115], "litigation_direct": [0, 0, 3, 0, 3],
      "litigation_after_review": [421, 131071, 2, 0, 131494]}, ","),
], ids=["no-separator", "separator"])
def test_borderless_section_four_with_wrapped_numbers_is_read_right(review, thousands):
    """Section 四 of a borderless PDF whose wide numbers wrapped: the halves above and below the
    row are joined, never read as counts of their own."""
    values = expected(SEED_PATHS[0])
    values["review_litigation"] = review
    options = RenderOptions(fullwidth_digits=True, thousands=thousands, ruled=False)
    report = parse_bytes(render_report(values, "pdf", options), source="http://demo.example.gov.cn/ndbg/r.pdf")
    assert report.review_litigation == review and report.findings == []


@pytest.mark.parametrize("layout", ["html", "html_gbk"])
@pytest.mark.parametrize("blank", sorted(BLANK_CELLS))
@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda path: path.stem[:3])
def test_portal_editor_cells_with_blank_counts_round_trip(seed, blank, layout):
    """The real editors' cell markup (pingtan-*-html): a line per <p>, narrow labels a character per
    <p>, "&nbsp;" after labels, and a blank count written each way portals write one. A blank cell is
    a cell: it reads null in its own column, never dropped (which would shift the row's counts)."""
    values = expected(seed)
    for item, column in (("new_received", 1), ("granted", 0), ("carried_forward", 6)):
        values["applications"][item][column] = None
    options = RenderOptions(html_blank=blank, html_paragraphs=True, label_nbsp=True, vertical_labels=True, split_headers=True)
    data = render_report(values, layout, options)
    assert BLANK_CELLS[blank] in data.decode("gbk" if layout == "html_gbk" else "utf-8") or not BLANK_CELLS[blank]
    report = parse_bytes(data, source="http://demo.example.gov.cn/ndbg/report.html")
    assert_same(report.to_json(), values)
    assert not [finding for finding in report.findings if finding.rule in ("column_count", "ambiguous_row")]


@pytest.mark.parametrize("layout", ["docx", "doc", "html"])
@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda path: path.stem[:3])
def test_word_saves_of_editor_pages_round_trip(seed, layout):
    """LibreOffice's saves of the TRS pages (pingtan-104919-docx, pingtan-96868-doc) keep the page's
    cells: a paragraph per line, a no-break space after each label line ("商业\\xa0", "企业\\xa0"),
    narrow labels a character per paragraph, and blank counts as empty cells."""
    values = expected(seed)
    values["applications"]["carried_forward"][1] = None
    options = RenderOptions(vertical_labels=True, label_nbsp=True, split_headers=True)
    data = render_report(values, layout, options)
    report = parse_bytes(data, source=f"http://demo.example.gov.cn/ndbg/report{EXTENSIONS[layout]}")
    assert_same(report.to_json(), values)
    assert not [finding for finding in report.findings if finding.rule in ("column_count", "ambiguous_row")]
