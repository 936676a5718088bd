"""Recovering cells whose separators were lost ("1 2 0 0 0 0 3" extracted as "120003").

A run of digits can be cut into numbers in many ways; the template's arithmetic (a total column
equal to the sum of the others) usually leaves exactly one. Callers use a split only when it is
the single one that adds up; anything else is reported as ambiguous, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

Split = list[int]
MAX_SPLITS = 20000  # enumeration cap: real rows have a handful of run-together digits


def splits(tokens: Sequence[str], width: int) -> list[Split]:
    """Every way to cut the digit strings into exactly `width` numbers, in order.

    A number never has a leading zero unless it is "0" itself, which is what makes the cuts few.
    A token may open with a minus sign ("-10", a 本年增/减 cell run into the next): the sign belongs
    to the token's first number.
    """
    lengths = [len(t) for t in tokens]
    out: list[Split] = []

    def walk(i: int, pos: int, acc: list[int]) -> None:
        if len(out) >= MAX_SPLITS:
            return
        if i == len(tokens):
            if len(acc) == width:
                out.append(acc.copy())
            return
        token = tokens[i]
        signed = pos == 0 and token[0] == "-"
        remaining_min = len(tokens) - i - (1 if pos else 0)
        if len(acc) + max(remaining_min, 0) > width:
            return
        for end in range(pos + 1 + signed, lengths[i] + 1):
            piece = token[pos:end]
            digits = piece[signed:]
            if len(digits) > 1 and digits[0] == "0" or signed and digits == "0":
                break
            acc.append(int(piece))
            if end == lengths[i]:
                walk(i + 1, 0, acc)
            elif len(acc) < width:
                walk(i, end, acc)
            acc.pop()

    if all(t.removeprefix("-").isdigit() for t in tokens) and len(tokens) <= width <= sum(lengths):
        walk(0, 0, [])
    return out


_PLAIN_RE = re.compile(r"-?(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)")


def is_plain_number(text: str) -> bool:
    """Whether a token of digits reads as one whole number as printed: "0", no leading zero ("012"
    is "0" and "12" run together), commas only as thousands separators ("1,203", not "12,03")."""
    return _PLAIN_RE.fullmatch(text) is not None


def total_is_sum(values: Sequence[int], group: int) -> bool:
    """Each consecutive group of `group` numbers ends with the sum of the others."""
    return all(
        values[g + group - 1] == sum(values[g : g + group - 1]) for g in range(0, len(values), group)
    )


def recover(tokens: Sequence[str], width: int, accept: Callable[[Split], bool]) -> list[Split] | None:
    """The splits of `tokens` into `width` numbers that the template arithmetic accepts, or None
    when there are too many ways to cut them to try all (MAX_SPLITS): a search cut short could
    find a single accepted split that is not the printed one, so it decides nothing."""
    candidates = splits(tokens, width)
    if len(candidates) >= MAX_SPLITS:
        return None
    return [s for s in candidates if accept(s)]
