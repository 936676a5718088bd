"""Run-together digits: the original row is always among the splits that add up, and a split is
used only when it is the one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parse.cells import normalize, text_cells
from pipeline.parse.digits import MAX_SPLITS, recover, splits, total_is_sum
from pipeline.parse.template import read_applications, read_review

rows = st.lists(st.integers(0, 120), min_size=6, max_size=6).map(lambda six: [*six, sum(six)])


@settings(max_examples=150, deadline=None)
@given(row=rows, cuts=st.sets(st.integers(1, 6)))
def test_the_printed_row_is_always_a_candidate(row, cuts):
    # the row printed with only some separators kept: cells between kept cuts run together
    bounds = [0, *sorted(cuts), 7]
    tokens = ["".join(str(v) for v in row[a:b]) for a, b in zip(bounds, bounds[1:])]
    found = recover(tokens, 7, lambda s: total_is_sum(s, 7))
    if found is None:  # more cuts than MAX_SPLITS: undecided, never a guess
        assert len(splits(tokens, 7)) >= MAX_SPLITS
    else:
        assert row in found
        assert all(total_is_sum(s, 7) and len(s) == 7 for s in found)


def test_numbers_never_get_a_leading_zero():
    assert splits(["105"], 2) == [[10, 5]]  # not [1, 05]
    assert splits(["0003"], 4) == [[0, 0, 0, 3]]


def test_unique_and_ambiguous_examples():
    accept = lambda s: total_is_sum(s, 7)  # noqa: E731
    assert recover(["1203", "0", "0", "015"], 7, accept) == [[12, 0, 3, 0, 0, 0, 15]]
    assert sorted(recover(["1100000", "11"], 7, accept)) == [[1, 10, 0, 0, 0, 0, 11], [11, 0, 0, 0, 0, 0, 11]]
    assert recover(["120003"], 7, accept) == []  # six digits cannot be seven cells


def test_a_row_with_too_many_cuts_to_try_is_undecided() -> None:
    # 21 digits into 7 cells: 38,760 cuts, more than are tried; a cut-short search decides nothing
    assert recover(["111111111111111111666"], 7, lambda s: total_is_sum(s, 7)) is None


def _section_three(*lines: str) -> str:
    return "\n".join(("一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1", *lines))


def test_a_short_row_is_split_where_its_digits_ran_together():
    table = read_applications(text_cells(normalize(_section_three("4.无正当理由大量反复申请 | 413 | 0 | 0 | 70 | 78"))))
    assert table.rows["not_processed_excessive"] == [4, 1, 3, 0, 0, 70, 78]  # the one split that adds up


def test_pieces_of_wrapped_numbers_stop_the_split():
    """A borderless PDF wraps wide numbers inside narrow columns ("1,595" as "1,59" / "5"): the
    row's line then lacks numbers rather than running digits together, so no split is made."""
    region = _section_three("１，５９ | ２，１５", "4.无正当理由大量反复申请 | 413 | 0 | 0 | 70 | 78", "5 | 6")
    table = read_applications(text_cells(normalize(region)))
    assert "not_processed_excessive" not in table.rows
    assert [row.key for row in table.problems] == ["not_processed_excessive"]


def test_pieces_of_wrapped_numbers_leave_section_four_unread():
    header = "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n"
    values = "0 | 776 | 0 | 0 | 0 | 776 | 0 | 8 | 69 | 6 | 44 | 39 | 2 | 2 | 2"
    printed = read_review(text_cells(normalize(header + values)))
    assert printed.rows["review"] == [0, 776, 0, 0, 0]  # as printed: a broken rule is a finding, not a filter
    wrapped = read_review(text_cells(normalize(header + "51,9 | 67,1\n" + values)))
    assert not wrapped.rows and [row.status for row in wrapped.problems] == ["ambiguous"]


def test_halves_of_wrapped_numbers_that_add_up_are_not_read():
    """131,071 and 131,494 wrapped over the lines above and below the row: the lower halves add up
    (421 + 071 + 2 + 0 = 494) because the totals' upper digits are the count's, yet they are halves."""
    header = "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n"
    region = header + "131, | 131,\n0 | 6 | 109 | 0 | 115 | 0 | 0 | 3 | 0 | 3 | 421 | 2 | 0\n071 | 494"
    table = read_review(text_cells(normalize(region)))
    assert not table.rows and [row.status for row in table.problems] == ["ambiguous"]


def test_a_line_of_bare_values_stops_the_split():
    """Numbers wrapped without a separator leave whole-looking halves on a line of their own."""
    region = _section_three("15 | 21", "4.无正当理由大量反复申请 | 413 | 0 | 0 | 70 | 78", "95 | 56")
    table = read_applications(text_cells(normalize(region)))
    assert "not_processed_excessive" not in table.rows
    assert [row.key for row in table.problems] == ["not_processed_excessive"]
