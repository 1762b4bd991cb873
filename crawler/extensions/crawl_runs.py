"""CrawlRunsExtension: one `crawl_runs` row per run and source, written when the spider closes."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timezone
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

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


def run_row(stats: dict[str, Any]) -> dict[str, Any]:
    """The crawl_runs counts from a crawl's stats (keys documented in README's Stats table)."""
    return {
        "discovered": _sum(stats, "news/discovered/"),
        "fetched": stats.get("news/pages/fetched", 0),
        "stored_new": stats.get("news/stored/new", 0),
        "updated": stats.get("news/stored/updated", 0),
        "duplicates": _sum(stats, "news/duplicates/"),
        "rejects": {k.removeprefix("news/rejected/"): v for k, v in stats.items() if k.startswith("news/rejected/")},
        "stats": {k: _iso(v) for k, v in stats.items()},
    }


class CrawlRunsExtension:
    """Records what each crawl did in the store, so readers see runs without reading logs.

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
        source = getattr(spider, "source", None) or spider.name
        started = stats.get("start_time") or self.started_at or datetime.now(timezone.utc)
        finished = stats.get("finish_time") or datetime.now(timezone.utc)
        try:
            with Store(self.db_path) as store:
                run = store.record_run(
                    run_id=self.run_id, source=source, started_at=_iso(started), finished_at=_iso(finished),
                    finish_reason=stats.get("finish_reason") or reason, **run_row(stats),
                )
        except Exception:  # the crawl is over; losing its summary row must not hide its results
            logger.exception("could not record crawl run %s for %s in %s", self.run_id, source, self.db_path)
            return
        logger.info("crawl run %s (%s): %d new, %d rejected", run.run_id, source, run.stored_new, run.rejected)
