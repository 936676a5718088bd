"""Lines a writer wrapped, joined back into their paragraph: shared by the readers that place
text by position (PDF text layers, OCR'd page images)."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def join_continued(items: list[tuple[float, str | T, bool]]) -> list[tuple[float, str | T]]:
    """Items (position, text line or table, continues) in reading order, each text line marked as
    continuing the text line before it joined to that line; tables are never joined."""
    joined: list[tuple[float, str | T]] = []
    for top, item, continues in items:
        if continues and joined and isinstance(joined[-1][1], str) and isinstance(item, str):
            joined[-1] = (joined[-1][0], joined[-1][1] + item)
        else:
            joined.append((top, item))
    return joined
