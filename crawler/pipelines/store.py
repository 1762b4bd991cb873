"""StorePipeline: batched writes of articles and rejects into the SQLite store."""

from __future__ import annotations

import logging
from collections import Counter
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from crawler.extract import Article
from crawler.stats import inc
from storage import Store

from .errors import Rejected

logger = logging.getLogger(__name__)


class StorePipeline:
    """Buffers rows and writes them in one transaction per batch (on size, on time, on close).

    Also records every rejected item (`item_dropped` with a Rejected reason) as a `rejects` row
    and a `news/rejected/<reason>` stat, so nothing the crawl saw disappears.
    """

    def __init__(self, db_path: str, batch_size: int, flush_seconds: float, crawler: Crawler) -> None:
        self.db_path = db_path
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.stats = crawler.stats
        self.articles: list[dict[str, Any]] = []
        self.rejects: list[dict[str, Any]] = []
        self.store: Store | None = None
        self.timer: task.LoopingCall | None = None
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StorePipeline":
        settings = crawler.settings
        return cls(
            settings.get("NEWS_DB_PATH"),
            settings.getint("NEWS_STORE_BATCH_SIZE"),
            settings.getfloat("NEWS_STORE_FLUSH_SECONDS"),
            crawler,
        )

    def open_spider(self) -> None:
        self.store = Store(self.db_path)
        logger.info("storing into %s", self.store.path.resolve())
        self.timer = task.LoopingCall(self.flush)
        self.timer.start(self.flush_seconds, now=False)

    def close_spider(self) -> None:
        if self.timer and self.timer.running:
            self.timer.stop()
        self.flush()
        if self.store:
            self.store.close()

    def process_item(self, item: Article) -> Article:
        self.articles.append(item.to_dict())
        if len(self.articles) + len(self.rejects) >= self.batch_size:
            self.flush()
        return item

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any = None) -> None:
        if not isinstance(exception, Rejected):
            return
        inc(self.stats, f"rejected/{exception.reason}", getattr(item, "source", None))
        self.rejects.append({
            "url": getattr(item, "url", None) or "",
            "source": getattr(item, "source", None),
            "reason": exception.reason,
            "detail": exception.detail,
            "status": getattr(item, "status", None),
            "seen_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        })
        if len(self.articles) + len(self.rejects) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows in one transaction."""
        if not (self.articles or self.rejects) or self.store is None:
            return
        articles, rejects = self.articles, self.rejects
        self.articles, self.rejects = [], []
        added = self.store.write_batch(articles, rejects)
        if added == len(articles):
            for source, count in Counter(row.get("source") for row in articles).items():
                inc(self.stats, "stored/new", source, count)
        else:  # a concurrent writer stored some of these URLs first: counted in total only
            self.stats.inc_value("news/stored/new", added)
            self.stats.inc_value("news/duplicates/stored", len(articles) - added)
        self.stats.inc_value("news/store/batches")
        logger.debug("stored %d articles, %d rejects", added, len(rejects))
