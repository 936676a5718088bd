"""The portals file: the bundled one loads, and every kind of mistake is named with file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.crawl.config import (
    DEFAULT_PORTALS_FILE,
    ConfigError,
    RateSettings,
    demo_portal_config,
    load_portals,
    portal_from_start_url,
)
from pipeline.crawl.offsite import portal_origins

GOOD = """
[portal.kc]
region_code = "130827"
start_urls = ["http://www.hebkc.gov.cn/"]
allowed_domains = ["www.hebkc.gov.cn", "xxgk.hebkc.gov.cn"]
list_link_selector = "ul.list-ul a"
pagination_selector = "div.page a.next"
json_endpoint = { url = "http://www.hebkc.gov.cn/api/search.json", items = "data.list", title = "title", link = "url", date = "pubDate" }
max_pages = 100

[portal.kc.rate]
concurrency = 1
min_delay = 2.5
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portals.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_portal_entry_loads(tmp_path: Path) -> None:
    portal = load_portals(write(tmp_path, GOOD))["kc"]
    assert portal.region_code == "130827"
    assert portal.allowed_domains == ["www.hebkc.gov.cn", "xxgk.hebkc.gov.cn"]
    assert portal.json_endpoint["items"] == "data.list"
    assert (portal.rate.concurrency, portal.rate.min_delay, portal.rate.retries) == (1, 2.5, RateSettings().retries)
    assert (portal.max_pages, portal.max_depth) == (100, 4)


def test_ports_and_hang_limits_are_configurable(tmp_path: Path) -> None:
    text = GOOD.replace('"xxgk.hebkc.gov.cn"]', '"xxgk.hebkc.gov.cn:8080"]') + "deadline = 60.0\nmax_crawl_delay = 5\n"
    portal = load_portals(write(tmp_path, text))["kc"]
    assert (portal.rate.deadline, portal.rate.max_crawl_delay) == (60.0, 5)
    origins = portal_origins(portal)
    assert origins.allows("http://xxgk.hebkc.gov.cn:8080/a") and not origins.allows("http://xxgk.hebkc.gov.cn/a")
    assert origins.allows("https://www.hebkc.gov.cn/a") and not origins.allows("http://www.hebkc.gov.cn:8080/a")


def test_the_bundled_demo_entry_points_at_the_served_portal() -> None:
    portal = demo_portal_config("http://127.0.0.1:4321", DEFAULT_PORTALS_FILE)
    assert portal.start_urls == ["http://127.0.0.1:4321/"]
    assert portal.allowed_domains == ["127.0.0.1"]
    assert portal_origins(portal).allows("http://127.0.0.1:4321/x")  # the served port, from the start URL
    assert not portal_origins(portal).allows("http://127.0.0.1:4322/x")
    assert portal.region_code == "130827"


def test_defaults_are_polite() -> None:
    portal = portal_from_start_url("https://www.hebkc.gov.cn/zwgk/index.html")
    assert portal.allowed_domains == ["hebkc.gov.cn"]  # www. and xxgk. subdomains both belong to the site
    assert portal_from_start_url("http://127.0.0.1:8765/").allowed_domains == ["127.0.0.1"]
    assert portal_from_start_url("http://www.cn/").allowed_domains == ["www.cn"]
    assert (portal.rate.concurrency, portal.rate.min_delay) == (2, 1.0)
    with pytest.raises(ConfigError, match="not an http"):
        portal_from_start_url("www.hebkc.gov.cn")


@pytest.mark.parametrize(("text", "message"), [
    (GOOD.replace("max_pages", "max_pagez"), r"portal\.kc\.max_pagez: unknown key"),
    (GOOD.replace("min_delay = 2.5", "min_delay = \"2\""), r"portal\.kc\.rate\.min_delay: expected a non-negative float"),
    (GOOD.replace("concurrency = 1", "concurrency = 0"), r"portal\.kc\.rate\.concurrency: must be at least 1"),
    (GOOD.replace("concurrency = 1", "burst = 3"), r"portal\.kc\.rate\.burst: unknown key"),
    (GOOD.replace('start_urls = ["http://www.hebkc.gov.cn/"]', "start_urls = []"), r"portal\.kc\.start_urls: required"),
    (GOOD.replace('["http://www.hebkc.gov.cn/"]', '["www.hebkc.gov.cn"]'), r"portal\.kc\.start_urls: 'www.hebkc.gov.cn' is not"),
    (GOOD.replace('region_code = "130827"', "region_code = 130827"), r"portal\.kc\.region_code: expected a string"),
    (GOOD.replace('region_code = "130827"', 'region_code = "宽城"'), r"portal\.kc\.region_code: '宽城' is not a 6-digit"),
    (GOOD.replace('date = "pubDate"', 'when = "pubDate"'), r"portal\.kc\.json_endpoint\.when"),
    (GOOD + "\n[portals.x]\n", r"unknown top-level key 'portals'"),
    ("[portal.kc\n", r"not valid TOML"),
    ("", r"no \[portal\.<name>\] tables"),
])
def test_bad_files_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_portals(path)
    assert str(caught.value).startswith(str(path))
    assert "\n" not in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="portals file not found"):
        load_portals(tmp_path / "nope.toml")
