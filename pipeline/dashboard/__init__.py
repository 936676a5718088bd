"""A static dashboard on the exports (`xxgk dashboard`): coverage, requests, quality and a metric
dictionary, in Chinese, with Apache ECharts shipped in `static/vendor/`, nothing from a CDN."""

from pipeline.dashboard.build import Site, build_dashboard

__all__ = ["Site", "build_dashboard"]
