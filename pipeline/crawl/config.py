"""Portal configuration: which sites to crawl and how gently.

Portals live in a TOML file (`data/portals.toml`) so adding a county is an edit, not a code change.
A bad file fails loudly with the file and the key named, before any request is sent.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_PORTALS_FILE = Path(__file__).resolve().parents[2] / "data" / "portals.toml"
DEFAULT_USER_AGENT = "xxgk-crawler/0.1 (+government information disclosure research; polite batch crawler)"
# The demo entry's URLs use this placeholder; `demo_portal_config` puts the served base URL in.
BASE_URL_PLACEHOLDER = "{base_url}"
JSON_ENDPOINT_KEYS = frozenset({"url", "items", "title", "link", "date"})


class ConfigError(Exception):
    """The portals file is unreadable or has a bad key; the message names the file and the key."""


@dataclass(frozen=True)
class RateSettings:
    """Politeness knobs. Defaults are for real government servers: 2 connections, 1 s apart.

    `timeout` bounds each read, `deadline` a whole request (headers and body: a server trickling one
    byte every few seconds never trips a read timeout); `max_crawl_delay` caps a robots.txt
    Crawl-delay; `backoff_max` is the longest wait before a retry, and a Retry-After asking for more
    parks the host for the rest of the crawl.
    """

    concurrency: int = 2
    min_delay: float = 1.0
    connect_timeout: float = 10.0
    timeout: float = 30.0
    deadline: float = 300.0
    max_bytes: int = 50_000_000
    retries: int = 3
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_redirects: int = 5
    max_crawl_delay: float = 30.0


@dataclass(frozen=True)
class PortalConfig:
    name: str
    region_code: str | None
    start_urls: list[str]
    allowed_domains: list[str]
    list_link_selector: str | None = None
    pagination_selector: str | None = None
    # {"url": ..., "items": "data.list" (dotted path to the record list; found automatically when
    # absent), "title": "title", "link": "url", "date": "pubDate"}
    json_endpoint: dict[str, str] | None = None
    rate: RateSettings = field(default_factory=RateSettings)
    max_depth: int = 4
    max_pages: int = 500
    user_agent: str = DEFAULT_USER_AGENT

    def with_base_url(self, base_url: str) -> PortalConfig:
        """Put a served base URL (and its host as the allowed domain) where the placeholder is."""
        base = base_url.rstrip("/")
        host = urlsplit(base).hostname or ""
        endpoint = None
        if self.json_endpoint is not None:
            endpoint = {k: v.replace(BASE_URL_PLACEHOLDER, base) for k, v in self.json_endpoint.items()}
        return replace(
            self,
            start_urls=[u.replace(BASE_URL_PLACEHOLDER, base) for u in self.start_urls],
            allowed_domains=[host if d == BASE_URL_PLACEHOLDER else d for d in self.allowed_domains],
            json_endpoint=endpoint,
        )


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def portal_from_start_url(url: str) -> PortalConfig:
    """A portal for an ad-hoc `--start-url`: automatic discovery confined to that URL's site.

    The allowed domain is the host without a leading `www.`: portals redirect between `www.x.gov.cn`
    and `x.gov.cn` and put their disclosure platform on subdomains such as `xxgk.x.gov.cn`.
    """
    host = host_of(url)
    if urlsplit(url).scheme not in ("http", "https") or not host:
        raise ConfigError(f"--start-url {url!r}: not an http(s) URL")
    site = host[4:] if host.startswith("www.") and host.count(".") >= 2 else host
    return PortalConfig(name=host, region_code=None, start_urls=[url], allowed_domains=[site])


def load_portals(path: Path = DEFAULT_PORTALS_FILE) -> dict[str, PortalConfig]:
    """Read `[portal.<name>]` tables (each may hold a `[portal.<name>.rate]` table)."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: portals file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(raw) - {"portal"}
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key {sorted(unknown)[0]!r} (expected [portal.<name>] tables)")
    portals = raw.get("portal", {})
    if not isinstance(portals, dict) or not portals:
        raise ConfigError(f"{path}: no [portal.<name>] tables")
    return {name: _portal(path, name, table) for name, table in portals.items()}


def demo_portal_config(base_url: str, path: Path = DEFAULT_PORTALS_FILE) -> PortalConfig:
    """The `demo` entry of the portals file, pointed at wherever the demo portal is being served."""
    portals = load_portals(path)
    if "demo" not in portals:
        raise ConfigError(f"{path}: no [portal.demo] table")
    return portals["demo"].with_base_url(base_url)


_PORTAL_TYPES: dict[str, type] = {
    "region_code": str, "start_urls": list, "allowed_domains": list, "list_link_selector": str,
    "pagination_selector": str, "json_endpoint": dict, "rate": dict, "max_depth": int,
    "max_pages": int, "user_agent": str,
}


def _portal(path: Path, name: str, table: Any) -> PortalConfig:
    where = f"{path}: portal.{name}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    for key, value in table.items():
        expected = _PORTAL_TYPES.get(key)
        if expected is None:
            raise ConfigError(f"{where}.{key}: unknown key (known: {', '.join(sorted(_PORTAL_TYPES))})")
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ConfigError(f"{where}.{key}: expected {_type_name(expected)}, got {type(value).__name__}")
    for key in ("start_urls", "allowed_domains"):
        values = table.get(key)
        if not values or not all(isinstance(v, str) and v for v in values):
            raise ConfigError(f"{where}.{key}: required, a non-empty list of strings")
    code = table.get("region_code")
    if code is not None and not (len(code) == 6 and code.isdigit()):
        raise ConfigError(f"{where}.region_code: {code!r} is not a 6-digit GB/T 2260 code")
    for url in table["start_urls"]:
        if not url.startswith((BASE_URL_PLACEHOLDER, "http://", "https://")):
            raise ConfigError(f"{where}.start_urls: {url!r} is not an http(s) URL")
    endpoint = table.get("json_endpoint")
    if endpoint is not None:
        bad = set(endpoint) - JSON_ENDPOINT_KEYS
        if bad or "url" not in endpoint or not all(isinstance(v, str) for v in endpoint.values()):
            key = sorted(bad)[0] if bad else "url"
            raise ConfigError(f"{where}.json_endpoint.{key}: json_endpoint takes string keys "
                              f"{', '.join(sorted(JSON_ENDPOINT_KEYS))} and needs url")
    options = {k: v for k, v in table.items() if k != "rate"}
    return PortalConfig(name=name, region_code=options.pop("region_code", None),
                        rate=_rate(where, table.get("rate", {})), **options)


def _rate(where: str, table: dict[str, Any]) -> RateSettings:
    known = {f.name: f.type for f in fields(RateSettings)}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{where}.rate.{key}: unknown key (known: {', '.join(known)})")
        numeric = (int, float) if known[key] == "float" else (int,)
        if not isinstance(value, numeric) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}.rate.{key}: expected a non-negative {known[key]}, got {value!r}")
    if table.get("concurrency", 1) < 1:
        raise ConfigError(f"{where}.rate.concurrency: must be at least 1")
    return RateSettings(**table)


def _type_name(expected: type) -> str:
    return {str: "a string", list: "a list", dict: "a table", int: "an integer"}[expected]
