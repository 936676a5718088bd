"""Round trip of both halves: each seed's values rendered in every layout parse back identically.

The renderers write the layouts portals serve (text shapes, HTML with spans, GBK HTML, DOCX, PDF);
the readers and the template parser must recover exactly the values that went in.
"""

from dataclasses import replace

import pytest

from pipeline.parse import parse_bytes
from pipeline.render import EXTENSIONS, LAYOUTS, RenderOptions, render_report
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
