"""OCR'd table labels put right against the template's own labels.

A seal over a header or a blurred stroke makes the recogniser drop or change one character of a
label ("科机构" for 科研机构), and the parser, which matches labels exactly, then loses a whole
column or row. A label read one or two characters off the template's is taken as that label when
no other template label is as close. Only labels: a cell that reads as a number is never touched.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pipeline import contract


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, str]:
    """The template's printed labels by their comparison key."""
    labels = [*contract.APPLICANT_LABELS.values(), *contract.ITEM_LABELS.values(), *contract.ITEM_GROUP_LABELS.values(),
              *contract.REVIEW_GROUP_LABELS.values(), *contract.OUTCOME_LABELS.values(),
              *contract.APPLICATIONS_TABLE_LABELS.values(), *contract.PROACTIVE_ARTICLE_LABELS.values(),
              contract.PROACTIVE_CONTENT_HEADER, contract.REVIEW_LITIGATION_LABEL]
    return {_key(label): label for label in labels}


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or `limit + 1` once it is sure to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def template_label(text: str) -> str:
    """`text`, or the template label it is a near miss of (one character off in up to 8, two in
    longer labels) when exactly one label is that near."""
    key = _key(text)
    lexicon = _lexicon()
    if len(key) < 3 or key in lexicon:
        return text
    limit = 1 if len(key) <= 8 else 2
    near = [(d, label) for k, label in lexicon.items() if (d := _distance(key, k, limit)) <= limit]
    if not near:
        return text
    best = min(d for d, _ in near)
    closest = [label for d, label in near if d == best]
    return closest[0] if len(closest) == 1 else text
