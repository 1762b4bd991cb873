"""StorePipeline: batched writes of articles and rejects into the SQLite store, off the reactor.

All store work (open, write, close) runs in one worker thread, so the crawl never waits for the
disk; a batch goes out on size (NEWS_STORE_BATCH_SIZE), on time (NEWS_STORE_FLUSH_SECONDS) and
on close. If the store cannot be opened or written (read-only file, full disk) the crawl stops
with finish reason `store_error` and `scrapy crawl` exits 1; the rows not written are counted in
the log, never dropped silently. A second crawl of the same source into the same store is
refused (`already_running`) while the first runs.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from crawler.clock import utc_now
from crawler.items import CrawledArticle
from crawler.runlock import RunLock
from crawler.stats import inc
from crawler.urls import canonical_url
from storage import Store

from .errors import DuplicateArticle, Rejected

logger = logging.getLogger(__name__)
STORE_ERRORS = (sqlite3.Error, OSError)
MAX_BUFFERED_BATCHES = 10  # beyond this many batches waiting, items wait for the writer


class StorePipeline:
    """Buffers rows and writes them in one transaction per batch.

    Also records every rejected item (`item_dropped` with a Rejected reason) as a `rejects` row
    and a `news/rejected/<reason>` stat, so nothing the crawl saw disappears.
    """

    def __init__(self, db_path: str, batch_size: int, flush_seconds: float, crawler: Crawler) -> None:
        self.db_path = db_path
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.crawler = crawler
        self.stats = crawler.stats
        self.articles: list[dict[str, Any]] = []
        self.rejects: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.aliases: list[dict[str, Any]] = []
        self.bands: dict[str, list[tuple[int, int]]] = {}
        self.store: Store | None = None
        self.timer: task.LoopingCall | None = None
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="news-store")
        self.in_flight: list[asyncio.Future] = []
        self.locks: list[RunLock] = []
        self.failed: str | None = None
        self.unwritten = Counter()
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

    # --- lifecycle ----------------------------------------------------------------------------

    async def open_spider(self) -> None:
        if getattr(self.crawler.spider, "config_error", None):  # stops before any request: no store
            return
        try:  # first: a foreign or damaged file is refused before anything is written beside it
            self.store = await self._in_writer(Store.open_for_writing, self.db_path)
        except STORE_ERRORS as exc:
            self._fail("store_error", f"cannot open the store {self.db_path}: {exc}")
            return
        for source in getattr(self.crawler.spider, "sites", {}):
            lock = RunLock(self.db_path, source)
            try:
                acquired = lock.acquire()
            except OSError as exc:  # cannot even write the lock file beside the store
                self._fail("store_error", f"cannot write beside the store {self.db_path}: {exc}")
                return
            if not acquired:
                self._fail("already_running", "another crawl of source '%s' into %s is running (pid %s); "
                           "this one stops without crawling" % (source, self.db_path, lock.holder()))
                return
            self.locks.append(lock)
        logger.info("storing into %s", self.store.path.resolve())
        self.timer = task.LoopingCall(self.flush)
        self.timer.start(self.flush_seconds, now=False)

    async def close_spider(self) -> None:
        if self.timer and self.timer.running:
            self.timer.stop()
        self.flush()
        if self.in_flight:
            await asyncio.gather(*self.in_flight, return_exceptions=True)
        if self.store is not None:
            await self._in_writer(self.store.close)
        self.writer.shutdown(wait=True)
        for lock in self.locks:
            lock.release()
        if self.unwritten:
            logger.error("NOT written to %s because the store failed: %d articles, %d rejects",
                         self.db_path, self.unwritten["articles"], self.unwritten["rejects"])

    # --- items --------------------------------------------------------------------------------

    async def process_item(self, item: CrawledArticle) -> CrawledArticle:
        row = item.to_dict()
        if item.cluster_id is not None:
            row["cluster_id"] = item.cluster_id
        if item.minhash_bands:
            self.bands[item.url] = item.minhash_bands
        (self.updates if item.replaces else self.articles).append(row)
        self._alias(item.fetched_from, item.url, "fetched")
        if self._buffered() >= self.batch_size:
            self.flush()
        if len(self.in_flight) > MAX_BUFFERED_BATCHES:  # backpressure: the writer is behind
            await asyncio.gather(*self.in_flight, return_exceptions=True)
        return item

    def _buffered(self) -> int:
        return len(self.articles) + len(self.rejects) + len(self.updates) + len(self.aliases)

    def _alias(self, url: str | None, article_url: str | None, reason: str) -> None:
        """Remember another address of a story, so a later crawl recognises it without fetching."""
        if url and article_url:
            url = canonical_url(url)
            if url != article_url:
                self.aliases.append({"url": url, "article_url": article_url, "reason": reason,
                                     "seen_at": utc_now()})

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any = None) -> None:
        if isinstance(exception, DuplicateArticle):
            self._alias(getattr(item, "url", None), exception.alias_of, "same_story")
            self._alias(getattr(item, "fetched_from", None), exception.alias_of or getattr(item, "url", None), "fetched")
            return
        if not isinstance(exception, Rejected):
            return
        inc(self.stats, f"rejected/{exception.reason}", getattr(item, "source", None))
        self.rejects.append({
            "url": getattr(item, "url", None) or "",
            "source": getattr(item, "source", None),
            "reason": exception.reason,
            "detail": exception.detail,
            "status": getattr(item, "status", None),
            "seen_at": utc_now(),
        })
        if self._buffered() >= self.batch_size:
            self.flush()

    # --- writing ------------------------------------------------------------------------------

    def flush(self) -> None:
        """Hand the buffered rows to the writer thread as one transaction."""
        if not self._buffered():
            return
        batch = {"articles": self.articles, "rejects": self.rejects, "updates": self.updates,
                 "aliases": self.aliases, "bands": self.bands}
        self.articles, self.rejects, self.updates, self.aliases, self.bands = [], [], [], [], {}
        if self.store is None or self.failed:
            self.unwritten.update(articles=len(batch["articles"]) + len(batch["updates"]), rejects=len(batch["rejects"]))
            return
        future = asyncio.ensure_future(self._write(batch))
        self.in_flight.append(future)
        future.add_done_callback(self.in_flight.remove)

    async def _write(self, batch: dict[str, Any]) -> None:
        articles, rejects, updates = batch["articles"], batch["rejects"], batch["updates"]
        try:
            added = await self._in_writer(lambda: self.store.write_batch(**batch))
        except STORE_ERRORS as exc:
            self.unwritten.update(articles=len(articles) + len(updates), rejects=len(rejects))
            self._fail("store_error", f"cannot write to the store {self.db_path}: {exc}")
            return
        for source, count in Counter(row.get("source") for row in updates).items():
            inc(self.stats, "stored/updated", source, count)
        if added == len(articles):
            for source, count in Counter(row.get("source") for row in articles).items():
                inc(self.stats, "stored/new", source, count)
        else:  # a concurrent writer stored some of these URLs first: counted in total only
            self.stats.inc_value("news/stored/new", added)
            self.stats.inc_value("news/duplicates/stored", len(articles) - added)
        self.stats.inc_value("news/store/batches")
        logger.debug("stored %d articles, %d rejects", added, len(rejects))

    def _in_writer(self, function, *args) -> asyncio.Future:
        return asyncio.wrap_future(self.writer.submit(function, *args))

    def _fail(self, reason: str, message: str) -> None:
        """Stop the crawl once, with one clear log line."""
        if self.failed:
            return
        self.failed = reason
        logger.error("%s", message)
        engine = self.crawler.engine
        asyncio.get_event_loop().call_soon(lambda: asyncio.ensure_future(engine.close_spider_async(reason=reason)))
