"""Polite crawling of disclosure portals into the raw document store (see crawler.py)."""
