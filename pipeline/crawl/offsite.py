"""Allowed origins: the crawler requests nothing outside the portal's own scheme, hosts and ports.

Like Scrapy's offsite middleware, a host is allowed when it equals an allowed domain or is a
subdomain of one (`www.gov.cn` allows `zfxxgk.www.gov.cn`, not `fakegov.cn`). Comparing host names
alone is not enough: a link or redirect to `http://www.x.gov.cn:8080/` reaches another service on
the same machine (an admin console, a database's HTTP port), so the port counts too. An allowed
domain is allowed on its scheme's default port (80 for http, 443 for https); a portal opens another
port by listing `host:port` in `allowed_domains`, and the port of each start URL (and of the JSON
endpoint) is allowed for that URL's host, since the portal named it. Checked for every link before
it is queued, every redirect target and every attachment.

A URL that cannot be parsed at all (`http://[::1/`, port 99999) is neither allowed nor refused:
`url_problem` names it, so the crawler records it as that URL's failure instead of crashing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

if TYPE_CHECKING:
    from pipeline.crawl.config import PortalConfig

DEFAULT_PORTS = {"http": 80, "https": 443}


def allowed_host(host: str, allowed_domains: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in (a.lower().rstrip(".") for a in allowed_domains))


def url_problem(url: str) -> str | None:
    """`invalid_url` when neither the standard library nor httpx can take the URL apart, else None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        return "invalid_url"
    return None


@dataclass(frozen=True)
class Origins:
    """(domain, port) pairs; port None means the scheme's default port."""

    entries: frozenset[tuple[str, int | None]]

    @classmethod
    def of(cls, allowed_domains: list[str], named_urls: tuple[str, ...] | list[str] = ()) -> Origins:
        """Origins from `allowed_domains` (`host` or `host:port`) plus the ports of URLs the portal names
        (start URLs, the JSON endpoint) whose host is allowed."""
        entries: set[tuple[str, int | None]] = set()
        for domain in allowed_domains:
            host, sep, port = domain.rpartition(":")
            if sep and port.isdigit() and "]" not in port:
                entries.add((host.strip("[]").lower().rstrip("."), int(port)))
            else:
                entries.add((domain.strip("[]").lower().rstrip("."), None))
        hosts = [d for d, _ in entries]
        for url in named_urls:
            origin = _origin(url)
            if origin is not None and allowed_host(origin[1], hosts):
                entries.add((origin[1], origin[2]))
        return cls(frozenset(entries))

    def allows(self, url: str) -> bool:
        """True for an http(s) URL on an allowed host and port; everything else (mailto:, ftp:, other hosts,
        other ports, URLs that do not parse) is refused."""
        origin = _origin(url)
        if origin is None:
            return False
        scheme, host, port = origin
        return any((p == port or (p is None and port == DEFAULT_PORTS[scheme])) and allowed_host(host, [d])
                   for d, p in self.entries)


def portal_origins(config: PortalConfig) -> Origins:
    """The origins a portal may be crawled on: its allowed domains, its start URLs' and its JSON endpoint's."""
    named = list(config.start_urls) + ([config.json_endpoint["url"]] if config.json_endpoint else [])
    return Origins.of(config.allowed_domains, named)


def is_allowed(url: str, allowed_domains: list[str]) -> bool:
    """`Origins.allows` for a bare list of domains (default ports only unless a `host:port` is listed)."""
    return Origins.of(allowed_domains).allows(url)


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower().rstrip("."), port if port is not None else DEFAULT_PORTS[parts.scheme]
