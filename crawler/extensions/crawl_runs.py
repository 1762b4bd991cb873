"""CrawlRunsExtension: one `crawl_runs` row per run and source, written when the crawl starts
(finish_reason `running`) and completed when it ends, so readers see a crawl that is running."""

from __future__ import annotations

import logging
import sqlite3
import secrets
from datetime import datetime, timezone
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.exitstatus import INTERRUPT_REASONS, fetched_anything
from crawler.crawlsources import CrawlSources, sources_of
from crawler.crawlstore import CrawlStore, store_of
from crawler.completeness import completeness
from crawler.stats import per_source, total
from crawler.health import health_of, health_warning

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


# Crawl-wide values that describe the run, not a count: kept in every source's `stats`.
RUN_KEYS = ("start_time", "finish_time", "finish_reason", "elapsed_time_seconds", "news/exit_status")


def run_row(stats: dict[str, Any], source: str | None = None) -> dict[str, Any]:
    """The crawl_runs counts from a crawl's stats (keys documented in README's Stats table):
    the `news/…` totals, or with `source` its `news/sources/<source>/…` share of a multi-source
    run; then `stats` holds only that source's own counts (as `news/…`) and the run's times,
    never a crawl-wide counter such as `downloader/response_status_count/500`."""
    if source is not None:
        own = {f"news/{key}": value for key, value in per_source(stats, source).items()}
        stats = {k: v for k, v in stats.items() if k in RUN_KEYS} | own
    return {
        "discovered": total(stats, "news/discovered/"),
        "fetched": stats.get("news/pages/fetched", 0),
        "stored_new": stats.get("news/stored/new", 0),
        "updated": stats.get("news/stored/updated", 0),
        "duplicates": total(stats, "news/duplicates/"),
        "rejects": {k.removeprefix("news/rejected/"): v for k, v in stats.items() if k.startswith("news/rejected/")},
        "stats": {k: _iso(v) for k, v in stats.items()},
    }


def finish_reason(reason: str, source_stats: dict[str, Any]) -> str:
    """A source's finish reason in crawl_runs: Scrapy's, except `interrupted` for a crawl stopped
    by SIGTERM/SIGINT (Scrapy says `shutdown`) and `nothing_fetched` for a source whose site gave
    no answer that is not an error."""
    if reason in INTERRUPT_REASONS:
        return "interrupted"
    tried = any(key == "requests" or key.startswith(("errors/", "responses/")) for key in source_stats)
    if (reason == "finished" or reason.startswith("closespider")) and tried and not fetched_anything(source_stats):
        return "nothing_fetched"
    return reason


def source_row(stats: dict[str, Any], source: str, sources: list[str], reason: str, times: dict[str, Any],
               previous: list[dict[str, Any]]) -> dict[str, Any]:
    """A source's `record_run` arguments from a finished crawl's stats (a one-machine crawl's, or
    the sum of a Redis crawl's workers, made by `news-store ingest`), given its earlier healths."""
    own = per_source(stats, source)
    health = health_of(own)
    warning = health_warning(health, previous)
    if warning:
        logger.warning("source %s: %s (this run: %s)", source, warning, health)
    complete, incomplete = completeness(own)
    return dict(**times, finish_reason=finish_reason(reason, own), health=health, health_warning=warning,
                complete=complete, incomplete=incomplete, **run_row(stats, source if len(sources) > 1 else None))


class CrawlRunsExtension:
    """Records what each crawl did in the store, one row per source, so readers see runs without
    reading logs. The row is written as the crawl starts (finish_reason `running`; an earlier
    row of the same source still `running` is from a crawl that was killed: it becomes `killed`)
    and completed when it ends. A one-source crawl's row has the crawl's `news/…` totals; a crawl
    of several sources gives each only its own `news/sources/<name>/…` counts. It writes through
    the crawl's store (crawler.crawlstore) and reads the sources from crawler.crawlsources.

    The run id is `NEWS_RUN_ID` (give one value to several crawls to group them as one run),
    else a fresh one. Switch it off with `EXTENSIONS = {"crawler.extensions.crawl_runs.CrawlRunsExtension": None}`.
    """

    def __init__(self, db_path: str, run_id: str, stats: StatsCollector, crawler: Crawler) -> None:
        self.db_path = db_path
        self.run_id = run_id
        self.stats = stats
        self.crawler = crawler
        self.started_at: datetime | None = None
        self.opened: list[str] = []  # the sources whose `running` row was written
        self.store: CrawlStore | None = None  # the crawl's (found through the crawler unless given)
        self.sources: CrawlSources | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlRunsExtension":
        settings = crawler.settings
        extension = cls(settings.get("NEWS_DB_PATH"), settings.get("NEWS_RUN_ID") or new_run_id(), crawler.stats,
                        crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    async def spider_opened(self, spider: Spider | None = None) -> None:
        self.started_at = datetime.now(timezone.utc)
        store = self.store or store_of(self.crawler)
        sources = (self.sources or sources_of(self.crawler)).names
        if store is None or not sources or not await store.open():
            return  # a configuration error, or a store that cannot be used (it said so)
        started = _iso(self.stats.get_value("start_time") or self.started_at)
        try:
            await store.start_runs(self.run_id, sources, started)
        except (sqlite3.Error, OSError) as exc:  # the store's batch writes say so and stop the crawl
            logger.warning("could not record the start of crawl run %s in %s: %s", self.run_id, self.db_path, exc)
            return
        self.opened = sources

    async def spider_closed(self, spider: Spider | None = None, reason: str = "finished") -> None:
        store = self.store or store_of(self.crawler)
        if not self.opened or store is None:
            return  # a configuration error, or the store could not be opened or locked: not this run's row
        stats = self.stats.get_stats()
        sources = self.opened
        times = {
            "started_at": _iso(stats.get("start_time") or self.started_at or datetime.now(timezone.utc)),
            "finished_at": _iso(stats.get("finish_time") or datetime.now(timezone.utc)),
        }
        reason = stats.get("finish_reason") or reason

        def row(source: str, previous: list[dict[str, Any]]) -> dict[str, Any]:
            return source_row(stats, source, sources, reason, times, previous)

        try:
            runs = await store.finish_runs(self.run_id, sources, row)
        except (sqlite3.Error, OSError) as exc:  # the store itself failed: its writes said so already
            logger.log(logging.DEBUG if reason == "store_error" else logging.ERROR,
                       "could not record crawl run %s in %s: %s", self.run_id, self.db_path, exc)
            return
        except Exception:  # the crawl is over; losing its summary rows must not hide its results
            logger.exception("could not record crawl run %s in %s", self.run_id, self.db_path)
            return
        for run in runs:
            logger.info("crawl run %s (%s): %s, %d new, %d rejected", run.run_id, run.source, run.finish_reason,
                        run.stored_new, run.rejected)
            if run.complete is False:
                logger.warning("source %s: crawl incomplete: %s", run.source, run.incomplete)
