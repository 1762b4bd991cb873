"""Live progress: one log line every NEWS_PROGRESS_SECONDS with, per source, articles stored,
pages rejected, pages waiting to be downloaded and pages per minute.

    progress 0:01:30, 52 pages/min: gulf-wire 40 stored, 6 rejected, 35 waiting, 30 pages/min | ...

`QueueMeter` (a downloader middleware placed first, so it sees each request as it leaves the
scheduler) counts the requests each source has waiting: scheduled, minus dropped by the duplicate
filter, minus taken from the queue (retries and redirects are scheduled, and counted, again).
"""

from __future__ import annotations

import logging
import time
from collections import Counter

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.crawlsources import sources_of
from crawler.stats import per_source, total

logger = logging.getLogger(__name__)


class QueueMeter:
    """Per source: requests scheduled and not yet taken from the queue for download."""

    def __init__(self) -> None:
        self.waiting: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "QueueMeter":
        meter = cls()
        crawler.signals.connect(meter.scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(meter.dropped, signal=signals.request_dropped)
        return meter

    def scheduled(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("site"):
            self.waiting[request.meta["site"]] += 1

    def dropped(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("site"):
            self.waiting[request.meta["site"]] -= 1

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("site"):
            self.waiting[request.meta["site"]] -= 1


def source_figures(stats: dict, source: str) -> tuple[int, int, int]:
    """(articles stored, pages rejected, responses received) of one source so far."""
    own = per_source(stats, source)
    stored = own.get("stored/new", 0) + own.get("stored/updated", 0)
    return stored, total(own, "rejected/"), total(own, "responses/")


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class ProgressExtension:
    """Logs the progress line; off with NEWS_PROGRESS_SECONDS = 0."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.last_time = self.started
        self.last_responses: Counter[str] = Counter()
        self.timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ProgressExtension":
        interval = crawler.settings.getfloat("NEWS_PROGRESS_SECONDS")
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started = self.last_time = time.monotonic()
        self.timer = task.LoopingCall(self.log, spider)
        self.timer.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()

    def line(self, spider: Spider) -> str:
        """The progress line (also the figures it is made of, for tests)."""
        stats = self.crawler.stats.get_stats()
        meter = self.crawler.get_downloader_middleware(QueueMeter)
        now = time.monotonic()
        minutes = max(now - self.last_time, 1e-6) / 60
        parts, total_rate = [], 0.0
        for source in sources_of(self.crawler).names:
            stored, rejected, responses = source_figures(stats, source)
            rate = (responses - self.last_responses[source]) / minutes
            self.last_responses[source] = responses
            total_rate += rate
            waiting = "?" if meter is None else str(max(meter.waiting[source], 0))
            parts.append(f"{source} {stored} stored, {rejected} rejected, {waiting} waiting, {rate:.0f} pages/min")
        self.last_time = now
        head = f"progress {_clock(now - self.started)}"
        if len(parts) > 1:
            head += f", {total_rate:.0f} pages/min"
        return head + ": " + " | ".join(parts)

    def log(self, spider: Spider) -> None:
        logger.info("%s", self.line(spider))
