"""Run-together digits: the original row is always among the splits that add up, and a split is
used only when it is the one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parse.digits import MAX_SPLITS, recover, splits, total_is_sum

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
