"""robots.txt, honoured for the crawler's named user agent (RFC 9309).

The group for our product token (`xxgk-crawler`) applies when present, else the `*` group; within
it the longest matching Allow/Disallow path wins and Allow wins a tie, with `*` and `$` wildcards.
(The standard library's parser takes the first match instead, which blocks `Allow: /a/b.html`
after `Disallow: /a/`.) A 2xx robots.txt is obeyed; 4xx means "no rules"; a 5xx or no answer
means "assume everything is disallowed" until a later crawl can read it.

A robots.txt is a hostile input like any other: only its first `MAX_BYTES` (500 KiB, Google's
limit and RFC 9309's minimum) are read, and paths are matched without regular expressions (a
pattern such as `/*a*a*a*a*b` made `re` backtrack for minutes with the event loop frozen): the
pattern's literal pieces are found left to right, each at its first place, which is linear in the
path and exact for `*` and `$`.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit


MAX_BYTES = 500 * 1024


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def product_token(user_agent: str) -> str:
    """`xxgk-crawler/0.1 (+...)` -> `xxgk-crawler`: the name robots.txt groups are matched on."""
    return user_agent.split("/")[0].split()[0].lower() if user_agent.strip() else "*"


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[tuple[bool, str]] = field(default_factory=list)  # (allow, path pattern percent-decoded)
    crawl_delay: float | None = None


@dataclass
class Robots:
    groups: list[_Group] = field(default_factory=list)
    disallow_all: bool = False

    @classmethod
    def from_text(cls, text: str) -> Robots:
        groups: list[_Group] = []
        current: _Group | None = None
        for raw in text[:MAX_BYTES].splitlines():
            key, sep, value = raw.split("#", 1)[0].partition(":")
            key, value = key.strip().lower(), value.strip()
            if not sep:
                continue
            if key == "user-agent":
                if current is None or current.rules or current.crawl_delay is not None:
                    current = _Group()
                    groups.append(current)
                current.agents.append(value.lower())
            elif current is None:
                continue
            elif key in ("allow", "disallow") and value:
                current.rules.append((key == "allow", unquote(value)))
            elif key == "crawl-delay":
                with contextlib.suppress(ValueError):
                    delay = float(value)
                    if not math.isnan(delay) and delay >= 0:  # inf is kept: the throttle's ceiling applies
                        current.crawl_delay = delay
        return cls(groups)

    @classmethod
    def from_fetch(cls, status: int | None, text: str) -> Robots:
        """Rules from a robots.txt fetch outcome (`status` None when no response came back)."""
        if status is not None and 200 <= status < 300:
            return cls.from_text(text)
        return cls(disallow_all=status is None or status >= 500)

    def _group(self, user_agent: str) -> _Group | None:
        token = product_token(user_agent)
        named = [g for g in self.groups if token in g.agents]
        if named:
            return _Group(rules=[r for g in named for r in g.rules],
                          crawl_delay=next((g.crawl_delay for g in named if g.crawl_delay is not None), None))
        return next((g for g in self.groups if "*" in g.agents), None)

    def can_fetch(self, user_agent: str, url: str) -> bool:
        if self.disallow_all:
            return False
        group = self._group(user_agent)
        if group is None:
            return True
        parts = urlsplit(url)
        path = unquote(parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        best: tuple[int, bool] | None = None
        for allow, pattern in group.rules:
            if _matches(pattern, path):
                candidate = (len(pattern), allow)
                if best is None or candidate > best:
                    best = candidate
        return best is None or best[1]

    def crawl_delay(self, user_agent: str) -> float | None:
        group = self._group(user_agent)
        return group.crawl_delay if group else None


def _matches(pattern: str, path: str) -> bool:
    """Whether `pattern` (`*` any run of characters, a final `$` the end of the path) matches from the start
    of `path`. Taking each literal piece at its first place after the previous one is never wrong for
    `*`-patterns, so one left-to-right pass decides, with no backtracking."""
    anchored = pattern.endswith("$")
    pieces = (pattern[:-1] if anchored else pattern).split("*")
    first, rest = pieces[0], pieces[1:]
    if not path.startswith(first):
        return False
    at = len(first)
    if anchored and rest:
        rest, last = rest[:-1], rest[-1]
    else:
        last = None
    for piece in rest:
        found = path.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    if not anchored:
        return True
    if last is None:  # no `*` at all: the whole path is the pattern
        return at == len(path)
    return len(path) - len(last) >= at and path.endswith(last)
