"""xxgk library: crawl, extract, parse, validate, regions, warehouse. No Dagster imports here."""

__version__ = "0.1.0"
