"""Which portals a crawl covers, shared by `xxgk crawl` and the Dagster crawl asset.

The demo portal is a configured portal like any other, except that it has to be served while it
is crawled: its configuration only exists once the loopback server has a base URL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from pipeline.crawl.config import ConfigError, PortalConfig, demo_portal_config, load_portals, portal_from_start_url
from pipeline.crawl.demo_server import DEMO_PORT, serving_demo

DEMO_PORTAL = "demo"


@contextlib.contextmanager
def portal_configs(names: list[str] | None, start_url: str | None, portals_file: Path,
                   demo_base_url: str | None = None) -> Iterator[list[PortalConfig]]:
    """A start URL alone, else the named portals (every configured one when none is named).

    The demo portal is served on its usual port (any free one when taken) for the duration,
    unless `demo_base_url` says where it already runs.
    """
    if start_url:
        yield [portal_from_start_url(start_url)]
        return
    known = load_portals(portals_file)
    names = names or sorted(known)
    missing = [n for n in names if n not in known]
    if missing:
        raise ConfigError(f"{portals_file}: no portal named {missing[0]!r} (known: {', '.join(sorted(known))})")
    with contextlib.ExitStack() as stack:
        configs = []
        for name in names:
            if name == DEMO_PORTAL:
                base = demo_base_url or stack.enter_context(serving_demo(DEMO_PORT, any_port_if_taken=True))
                configs.append(demo_portal_config(base, portals_file))
            else:
                configs.append(known[name])
        yield configs
