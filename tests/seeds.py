"""The five seed reports and their hand-checked values (bundled under data/seeds), for tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO / "data" / "seeds"
SEED_PATHS = sorted(SEEDS_DIR.glob("*.txt"))
COMPARED = ("agency", "year", "template", "published_on", "proactive", "applications", "review_litigation")
REGION_FIELDS = ("province", "city", "county")


def expected(path: Path) -> dict[str, Any]:
    """The expected-values JSON of a seed text."""
    return json.loads((SEEDS_DIR / "expected" / f"{path.stem}.json").read_text(encoding="utf-8"))


def seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")
