"""Crawl stats under `news/…`, counted in total and per source (`news/sources/<name>/…`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # no Scrapy import at run time: the store rules (crawler.rules) run outside Scrapy too
    from scrapy.statscollectors import StatsCollector


def inc(stats: StatsCollector, key: str, source: str | None, count: int = 1) -> None:
    """Add `count` to `news/<key>` and, when the source is known, `news/sources/<source>/<key>`."""
    if not count:
        return
    stats.inc_value(f"news/{key}", count)
    if source:
        stats.inc_value(f"news/sources/{source}/{key}", count)


def per_source(stats: dict, source: str) -> dict[str, int]:
    """The `news/sources/<source>/…` stats of a finished crawl, keyed without the prefix."""
    prefix = f"news/sources/{source}/"
    return {key[len(prefix):]: value for key, value in stats.items() if key.startswith(prefix)}


def total(stats: dict, prefix: str) -> int:
    """The sum of every integer stat whose key starts with `prefix`."""
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))
