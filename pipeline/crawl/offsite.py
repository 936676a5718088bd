"""Allowed domains: the crawler requests nothing outside the portal's own hosts.

Like Scrapy's offsite middleware: a host is allowed when it equals an allowed domain or is a
subdomain of one (`www.gov.cn` allows `zfxxgk.www.gov.cn`, not `fakegov.cn`). Checked for every
link before it is queued, every redirect target and every attachment.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def allowed_host(host: str, allowed_domains: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in (a.lower().rstrip(".") for a in allowed_domains))


def is_allowed(url: str, allowed_domains: list[str]) -> bool:
    """True for an http(s) URL on an allowed host; everything else (mailto:, ftp:, other hosts) is refused."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and allowed_host(parts.hostname, allowed_domains)
