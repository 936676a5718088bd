"""Grid placement: rowspans push later cells right, spans clip at the table end, ragged rows pad."""

from pipeline.extract.grid import place_cells, row_line


def test_rowspan_from_above_pushes_cells_right_and_covers_row_ends():
    rows = [[("a", 2, 1), ("b", 1, 1), ("c", 3, 1)], [("d", 1, 1)], [("e", 1, 1), ("f", 1, 1)]]
    assert place_cells(rows) == [["a", "b", "c"], [None, "d", None], ["e", "f", None]]


def test_a_cell_spanning_rows_and_columns_then_a_short_row():
    rows = [[("x", 2, 2), ("y", 1, 1)], [("z", 1, 1)], [("w", 1, 1)]]
    assert place_cells(rows) == [["x", None, "y"], [None, None, "z"], ["w", None, None]]


def test_spans_past_the_last_row_end_with_the_table():
    assert place_cells([[("a", 9, 2)], [("b", 1, 1)]]) == [["a", None, None], [None, None, "b"]]


def test_row_line_skips_covered_positions_but_keeps_blanks():
    assert row_line(["a", None, "", "1"]) == "a |  | 1"
