"""CrawlOutcomeExtension: what a crawl's end means for whoever scheduled it, as an exit status
(crawler.exitstatus) in the stats (`news/exit_status`), and one ERROR line when it could not do
its job (every source fetched nothing: refused, DNS failure, timeouts, errors only)."""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler import exitstatus
from crawler.crawlsources import sources_of
from crawler.logs import quiet_robots_errors
from crawler.stats import per_source

logger = logging.getLogger(__name__)


class CrawlOutcomeExtension:
    """Sets `news/exit_status` when the spider closes (before the stats are dumped), from the
    finish reason and each source's own responses (`news/sources/<name>/responses/<status>`,
    counted by crawler.fetch.middlewares.SourceStatsMiddleware)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        quiet_robots_errors()  # also for crawls not started by `scrapy crawl` (scripts, tests)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlOutcomeExtension":
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        everything = stats.get_stats()
        urls = sources_of(self.crawler).urls
        fetched = {name: exitstatus.fetched_anything(per_source(everything, name)) for name in urls}
        status = exitstatus.run_outcome(reason, fetched)
        stats.set_value("news/exit_status", status)
        if reason in exitstatus.INTERRUPT_REASONS:
            logger.warning("crawl interrupted: what was stored is kept (exit status %d)", status)
            return
        if reason not in ("finished",) and not reason.startswith("closespider"):
            return  # config, store and lock errors said so when they happened
        failed = {name: exitstatus.why_nothing(per_source(everything, name)) for name, ok in fetched.items() if not ok}
        if status == exitstatus.FAILED and len(urls) == 1:
            [(name, why)] = failed.items()
            logger.error("nothing fetched from %s: %s", urls[name], why)
        elif status == exitstatus.FAILED and urls:
            logger.error("nothing fetched from any of the %d sources: %s", len(urls),
                         "; ".join(f"{name} ({urls[name]}: {why})" for name, why in failed.items()))
        else:
            for name, why in failed.items():
                logger.warning("source %s: nothing fetched from %s: %s", name, urls[name], why)
