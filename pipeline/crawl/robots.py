"""robots.txt, honoured for the crawler's named user agent (RFC 9309 semantics).

A 2xx robots.txt is obeyed (Disallow/Allow, Crawl-delay); 4xx means "no rules"; a 5xx or an
unreachable robots.txt means "assume everything is disallowed" until a later crawl can read it.
Parsing is the standard library's; this module decides what a fetch outcome means.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


@dataclass
class Robots:
    parser: RobotFileParser

    @classmethod
    def from_text(cls, text: str) -> Robots:
        parser = RobotFileParser()
        parser.parse(text.splitlines())
        return cls(parser)

    @classmethod
    def from_fetch(cls, status: int | None, text: str) -> Robots:
        """Rules from a robots.txt fetch outcome (`status` None when no response came back)."""
        if status is not None and 200 <= status < 300:
            return cls.from_text(text)
        parser = RobotFileParser()
        parser.parse([])
        if status is None or status >= 500:
            parser.disallow_all = True
        else:
            parser.allow_all = True
        return cls(parser)

    def can_fetch(self, user_agent: str, url: str) -> bool:
        return self.parser.can_fetch(user_agent, url)

    def crawl_delay(self, user_agent: str) -> float | None:
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None
