"""CrawlStore: the one store of a crawl, as a Scrapy component found through the crawler:

    store = crawler.get_extension(CrawlStore)
    seen = await store.seen_before(urls)          # one trip per sitemap / feed / listing page

It owns the crawl's single writing connection (storage.StoreWriter: one thread, every call an
awaitable), the run locks (crawler.runlock: one crawl per store and source), buffered batch
writes (NEWS_STORE_BATCH_SIZE rows, at least every NEWS_STORE_FLUSH_SECONDS), and the
`store_error` / `already_running` stops. The event loop never runs SQL. Its surface is named by
what the crawl needs, so a worker's Redis-backed store (#16) can stand in behind it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import Counter
from datetime import datetime
from collections.abc import AsyncIterator
from typing import Any, Callable

from scrapy import Request, signals
from scrapy.crawler import Crawler

from crawler.crawlsources import CrawlSources, sources_of
from crawler.runlock import RunLock
from crawler.stats import inc
from crawler.urls import canonical_url
from storage.records import CrawlRun, StoredArticle
from storage.writer import Seen, SourceMemory, StoreWriter

logger = logging.getLogger(__name__)
STORE_ERRORS = (sqlite3.Error, OSError)
MAX_BUFFERED_BATCHES = 10  # beyond this many batches waiting, items wait for the writer


VALIDATORS_STAGED = 500  # validators kept in memory before they go to the store's TEMP table


class CrawlStore:
    """The crawl's store: opened once (by whichever component asks first), closed when the
    spider closes, after the crawl_runs rows (it is enabled after CrawlRunsExtension)."""

    def __init__(self, crawler: Crawler, db_path: str, batch_size: int = 200, flush_seconds: float = 2.0,
                 sources: CrawlSources | None = None, redis_url: str = "") -> None:
        self.crawler = crawler
        self._sources = sources  # given: a store used outside a running crawl (tests)
        self.stats = crawler.stats
        self.db_path = db_path if not redis_url else f"the writer's store (through {redis_url})"
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        # a worker on the Redis frontier writes no SQLite file: its records go to the one writer
        self.remote = bool(redis_url)
        self.writer = self._redis_writer(crawler, redis_url) if self.remote else StoreWriter(db_path)
        self.failed: str | None = None  # "store_error" or "already_running" once the crawl was stopped
        self.unwritten: Counter[str] = Counter()
        self._opening: asyncio.Future | None = None
        self._open = False
        self._locks: list[RunLock] = []
        self._timer: asyncio.Task | None = None
        self._in_flight: list[asyncio.Future] = []
        self._buffer = self._empty()
        self._validators: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlStore":
        settings = crawler.settings
        store = cls(crawler, settings.get("NEWS_DB_PATH"), settings.getint("NEWS_STORE_BATCH_SIZE"),
                    settings.getfloat("NEWS_STORE_FLUSH_SECONDS"), redis_url=settings.get("NEWS_REDIS_URL") or "")
        crawler.signals.connect(store.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(store.spider_closed, signal=signals.spider_closed)
        return store

    @staticmethod
    def _redis_writer(crawler: Crawler, url: str) -> Any:
        """StoreWriter's stand-in for a worker (crawler.frontier.records; needs the 'redis' extra)."""
        from crawler.frontier.client import crawl_prefix, worker_id
        from crawler.frontier.records import RedisWriter
        return RedisWriter(url, lambda: crawl_prefix(crawler.spider), worker_id(), crawler.stats)

    @property
    def sources(self) -> CrawlSources:
        return self._sources if self._sources is not None else sources_of(self.crawler)

    # --- lifecycle ----------------------------------------------------------------------------

    async def open(self) -> bool:
        """Open the store and take the sources' run locks, once; True when it is usable. A crawl
        with a configuration error opens nothing; a store that cannot be opened or a source
        being crawled already stops the crawl (`store_error`, `already_running`)."""
        if self._opening is None:
            self._opening = asyncio.ensure_future(self._open_store())
        await asyncio.shield(self._opening)
        return self._open

    async def _open_store(self) -> None:
        if not self.sources.runnable:  # stops before any request: no store
            return
        try:  # first: a foreign or damaged file is refused before anything is written beside it
            await self.writer.open()
        except STORE_ERRORS as exc:
            self._fail("store_error", f"cannot open the store {self.db_path}: {exc}")
            return
        for source in self.sources.names if not self.remote else ():  # the writer's store, not locked here
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
            self._locks.append(lock)
        logger.info("storing into %s", self.writer.resolved_path)
        self._open = True
        self._timer = asyncio.ensure_future(self._flush_every())

    async def _flush_every(self) -> None:
        """A partial batch goes out at least every NEWS_STORE_FLUSH_SECONDS."""
        while True:
            await asyncio.sleep(self.flush_seconds)
            self.flush()

    async def spider_opened(self, spider: Any = None) -> None:
        await self.open()

    async def drain(self) -> None:
        """Write everything buffered and wait for the writes (the store pipeline's close)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.flush()
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        """At the end: the last rows, at a clean finish the HTTP validators (not after a crash or
        kill: then the next run reads feeds and sitemaps in full), then close and unlock."""
        await self.drain()
        if self._open and reason == "finished" and not self.failed:
            try:
                if not self.remote:  # the earlier ones were staged in the store as the crawl went
                    await self.writer.save_validators_staged(self._validators)
                elif self._validators:
                    await self.writer.save_validators(self._validators)
            except STORE_ERRORS as exc:
                logger.warning("could not save HTTP validators: %s", exc)
        self._open = False
        try:
            await self.writer.close()
        except STORE_ERRORS as exc:
            logger.warning("could not close the store %s: %s", self.db_path, exc)
        for lock in self._locks:
            lock.release()
        self._locks = []
        if self.unwritten:
            logger.error("NOT written to %s because the store failed: %d articles, %d rejects",
                         self.db_path, self.unwritten["articles"], self.unwritten["rejects"])

    @property
    def usable(self) -> bool:
        """True while the store is open and has not failed."""
        return self._open and not self.failed

    # --- what the crawl asks ------------------------------------------------------------------

    @property
    def was_empty(self) -> bool:
        """True when the store held no article and no reject as the crawl began (or is not open)."""
        return not self.usable or self.writer.was_empty

    async def seen_before(self, urls: list[str]) -> Seen:
        """Which of `urls` earlier crawls stored (by canonical URL or alias) or rejected: one trip."""
        if self.was_empty or not urls:
            return Seen()
        return await self._read(self.writer.seen_before, Seen(), urls, canonical_url)

    async def validators(self, urls: list[str]) -> dict[str, tuple[str | None, str | None]]:
        """(ETag, Last-Modified) kept for `urls` (for conditional GETs): one trip."""
        if self.was_empty or not urls:
            return {}
        return await self._read(self.writer.validators, {}, urls)

    async def recent_urls(self, source: str, since: datetime) -> list[str]:
        """Stored stories of `source` published since `since` (revisits)."""
        return [] if self.was_empty else await self._read(self.writer.recent_urls, [], source, since)

    async def memory(self, sources: list[str]) -> dict[str, SourceMemory]:
        """What earlier crawls left of each source (learned boilerplate, last run's completeness)."""
        if self.was_empty or not sources:
            return {name: SourceMemory() for name in sources}
        return await self._read(self.writer.memory, {name: SourceMemory() for name in sources}, sources)

    async def story(self, url: str, content_hash: str | None,
                    this_run: bool = False) -> tuple[dict[str, Any] | None, str | None]:
        """The stored story at `url` (or an alias) and a stored URL with the same body: one trip
        (`this_run`: also on a store that was empty, for what this run stored; crawler.rules)."""
        if self.was_empty and not this_run:
            return None, None
        return await self._read(self.writer.story, (None, None), url, content_hash, this_run)

    async def near_candidates(self, bands: list[tuple[int, int]], limit: int,
                              this_run: bool = False) -> list[tuple[int, str, int | None]]:
        if not self.usable:
            return []
        try:
            return await self.writer.near_candidates(bands, limit, this_run)
        except sqlite3.Error as exc:
            logger.warning("near-duplicate lookup failed, this item is clustered without the store: %s", exc)
            return []

    async def article(self, url: str) -> StoredArticle | None:
        return await self._read(self.writer.article, None, url) if self.usable else None

    async def cluster_of(self, url: str) -> int | None:
        return await self._read(self.writer.cluster_of, None, url) if self.usable else None

    async def _read(self, method: Callable, default: Any, *args: Any) -> Any:
        try:
            return await method(*args)
        except STORE_ERRORS as exc:  # a read that fails costs a fetch, never the crawl
            logger.warning("store lookup failed (%s): %s", getattr(method, "__name__", "read"), exc)
            return default

    # --- what the crawl keeps -----------------------------------------------------------------

    def keep_validators(self, row: dict[str, Any]) -> None:
        """ETag / Last-Modified of a response, saved at a clean finish. Every VALIDATORS_STAGED
        of them go to the store's TEMP table meanwhile (a Redis worker keeps its own until the
        end), so a crawl's memory does not grow with its pages."""
        self._validators.append(row)
        if not self.remote and len(self._validators) >= VALIDATORS_STAGED and self.usable:
            rows, self._validators = self._validators, []
            future = asyncio.ensure_future(self._stage(rows))
            self._in_flight.append(future)
            future.add_done_callback(self._in_flight.remove)

    async def _stage(self, rows: list[dict[str, Any]]) -> None:
        try:
            await self.writer.stage_validators(rows)
        except STORE_ERRORS as exc:  # the next run then reads those pages in full: no loss
            logger.warning("could not stage %d HTTP validators: %s", len(rows), exc)

    async def save_boilerplate(self, source: str, blocks: str) -> None:
        """Keep a source's learned boilerplate (JSON) for its later crawls."""
        if not self.usable:
            return
        try:
            await self.writer.save_boilerplate(source, blocks)
        except STORE_ERRORS as exc:  # a full or read-only disk: the batch writes say so
            logger.warning("%s: could not keep the learned boilerplate: %s", source, exc)

    async def start_runs(self, run_id: str, sources: list[str], started_at: str) -> None:
        await self.writer.start_runs(run_id, sources, started_at)

    async def finish_runs(self, run_id: str, sources: list[str],
                          row: Callable[[str, list[dict[str, Any]]], dict[str, Any]]) -> list[CrawlRun]:
        return await self.writer.finish_runs(run_id, sources, row)

    @staticmethod
    def _empty() -> dict[str, Any]:
        return {"articles": [], "rejects": [], "updates": [], "aliases": [], "bands": {}}

    def _buffered(self) -> int:
        return sum(len(self._buffer[kind]) for kind in ("articles", "rejects", "updates", "aliases"))

    async def add(self, *, article: dict[str, Any] | None = None, update: bool = False,
                  bands: list[tuple[int, int]] | None = None, aliases: list[dict[str, Any]] = (),
                  reject: dict[str, Any] | None = None) -> None:
        """Buffer an article row (or an update of a stored one), its MinHash bands, aliases and
        reject rows; a full batch goes to the writer; waits when the writer is far behind."""
        if article is not None:
            self._buffer["updates" if update else "articles"].append(article)
            if bands:
                self._buffer["bands"][article["url"]] = bands
        self._buffer["aliases"].extend(aliases)
        if reject is not None:
            self._buffer["rejects"].append(reject)
        if self._buffered() >= self.batch_size or self.remote:
            self.flush()
        if self.remote and self._in_flight:  # a worker's record is in Redis before its request is acknowledged
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        if len(self._in_flight) > MAX_BUFFERED_BATCHES:  # backpressure: the writer is behind
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    def add_now(self, *, aliases: list[dict[str, Any]] = (), reject: dict[str, Any] | None = None) -> None:
        """`add` for a signal handler that cannot wait (aliases of duplicates, rejects)."""
        self._buffer["aliases"].extend(aliases)
        if reject is not None:
            self._buffer["rejects"].append(reject)
        if self._buffered() >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Hand the buffered rows to the writer thread as one transaction."""
        if not self._buffered():
            return
        batch, self._buffer = self._buffer, self._empty()
        if not self.usable:
            self.unwritten.update(articles=len(batch["articles"]) + len(batch["updates"]), rejects=len(batch["rejects"]))
            return
        future = asyncio.ensure_future(self._write(batch))
        self._in_flight.append(future)
        future.add_done_callback(self._in_flight.remove)

    async def _write(self, batch: dict[str, Any]) -> None:
        articles, rejects, updates = batch["articles"], batch["rejects"], batch["updates"]
        try:
            added = await self.writer.write_batch(batch)
        except STORE_ERRORS as exc:
            self.unwritten.update(articles=len(articles) + len(updates), rejects=len(rejects))
            self._fail("store_error", f"cannot write to the store {self.db_path}: {exc}")
            return
        if self.remote:  # stored (deduplicated, clustered) by the writer
            self.stats.inc_value("news/records/sent", len(articles) + len(updates) + len(rejects))
            self.stats.inc_value("news/store/batches")
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

    def _fail(self, reason: str, message: str) -> None:
        """Stop the crawl once, with one clear log line."""
        if self.failed:
            return
        self.failed = reason
        logger.error("%s", message)
        try:
            engine = self.crawler.engine
        except Exception:  # not a running crawl (a store used on its own)
            return
        asyncio.get_event_loop().call_soon(lambda: asyncio.ensure_future(engine.close_spider_async(reason=reason)))


class ConditionalGetMiddleware:
    """A spider middleware that gives the requests a callback (or start()) marks
    `meta["conditional"]` the If-None-Match / If-Modified-Since the store kept for their URLs:
    one trip to the store's thread for all the requests of one callback's output."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ConditionalGetMiddleware":
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in self._with_validators(start):
            yield item

    async def process_spider_output(self, response: Any, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in self._with_validators(result):
            yield item

    async def _with_validators(self, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        held: list[Any] = []
        async for item in result:
            if held or (isinstance(item, Request) and item.meta.get("conditional")):
                held.append(item)  # held (with what follows, in order) until the lookup
            else:
                yield item
        if not held:
            return
        store = store_of(self.crawler)
        asked = [r.url for r in held if isinstance(r, Request) and r.meta.get("conditional")]
        found = await store.validators(asked) if store is not None else {}
        for item in held:
            if isinstance(item, Request) and item.url in found:
                etag, last_modified = found[item.url]
                for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified)):
                    if value:
                        item.headers[name] = value
            yield item


def store_of(crawler: Crawler) -> CrawlStore | None:
    """The crawl's CrawlStore, or None when the component is not enabled."""
    try:
        return crawler.get_extension(CrawlStore)
    except RuntimeError:  # no extension manager (a crawler that was never started)
        return None
