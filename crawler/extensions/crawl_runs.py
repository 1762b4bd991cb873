"""CrawlRunsExtension: one `crawl_runs` row per run and source, written when the spider closes."""

from __future__ import annotations

import logging
import sqlite3
import secrets
from datetime import datetime, timezone
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.completeness import completeness
from crawler.stats import per_source
from crawler.health import health_of, health_warning
from storage import Store

logger = logging.getLogger(__name__)


def new_run_id() -> str:
    """A sortable, unique run id: UTC start time plus a random suffix."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # Scrapy's stats times are UTC
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat(timespec="seconds")
    return value


def _sum(stats: dict[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def run_row(stats: dict[str, Any], source: str | None = None) -> dict[str, Any]:
    """The crawl_runs counts from a crawl's stats (keys documented in README's Stats table):
    the `news/…` totals, or with `source` its `news/sources/<source>/…` share of a multi-source run."""
    if source is not None:
        own = {f"news/{key}": value for key, value in per_source(stats, source).items()}
        stats = {k: v for k, v in stats.items() if not k.startswith("news/")} | own
    return {
        "discovered": _sum(stats, "news/discovered/"),
        "fetched": stats.get("news/pages/fetched", 0),
        "stored_new": stats.get("news/stored/new", 0),
        "updated": stats.get("news/stored/updated", 0),
        "duplicates": _sum(stats, "news/duplicates/"),
        "rejects": {k.removeprefix("news/rejected/"): v for k, v in stats.items() if k.startswith("news/rejected/")},
        "stats": {k: _iso(v) for k, v in stats.items()},
    }


def crawled_sources(spider: Spider) -> list[str]:
    """The sources a crawl covered: the spider's sites (none when its config was bad), else its `source`."""
    sites = getattr(spider, "sites", None)
    if sites is not None:
        return list(sites)
    return [getattr(spider, "source", None) or spider.name]


class CrawlRunsExtension:
    """Records what each crawl did in the store, one row per source, so readers see runs without
    reading logs. A one-source crawl's row has the crawl's `news/…` totals; a crawl of several
    sources gives each its `news/sources/<name>/…` counts.

    The run id is `NEWS_RUN_ID` (give one value to several crawls to group them as one run),
    else a fresh one. Switch it off with `EXTENSIONS = {"crawler.extensions.crawl_runs.CrawlRunsExtension": None}`.
    """

    def __init__(self, db_path: str, run_id: str, stats: StatsCollector) -> None:
        self.db_path = db_path
        self.run_id = run_id
        self.stats = stats
        self.started_at: datetime | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlRunsExtension":
        settings = crawler.settings
        extension = cls(settings.get("NEWS_DB_PATH"), settings.get("NEWS_RUN_ID") or new_run_id(), crawler.stats)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = datetime.now(timezone.utc)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.stats.get_stats()
        sources = crawled_sources(spider)
        times = {
            "started_at": _iso(stats.get("start_time") or self.started_at or datetime.now(timezone.utc)),
            "finished_at": _iso(stats.get("finish_time") or datetime.now(timezone.utc)),
            "finish_reason": stats.get("finish_reason") or reason,
        }
        try:
            with Store(self.db_path, write=True) as store, store.db.atomic():
                runs = []
                for source in sources:
                    health = health_of(per_source(stats, source))
                    previous = [run.health for run in store.runs(source=source, limit=5)]
                    warning = health_warning(health, previous)
                    if warning:
                        logger.warning("source %s: %s (this run: %s)", source, warning, health)
                    complete, incomplete = completeness(per_source(stats, source))
                    runs.append(store.record_run(run_id=self.run_id, source=source, **times,
                                                 health=health, health_warning=warning,
                                                 complete=complete, incomplete=incomplete,
                                                 **run_row(stats, source if len(sources) > 1 else None)))
        except (sqlite3.Error, OSError) as exc:  # the store itself failed: the pipeline said so already
            logger.log(logging.DEBUG if times["finish_reason"] == "store_error" else logging.ERROR,
                       "could not record crawl run %s in %s: %s", self.run_id, self.db_path, exc)
            return
        except Exception:  # the crawl is over; losing its summary rows must not hide its results
            logger.exception("could not record crawl run %s in %s", self.run_id, self.db_path)
            return
        for run in runs:
            logger.info("crawl run %s (%s): %d new, %d rejected", run.run_id, run.source, run.stored_new, run.rejected)
            if run.complete is False:
                logger.warning("source %s: crawl incomplete: %s", run.source, run.incomplete)
