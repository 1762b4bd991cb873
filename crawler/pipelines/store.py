"""StorePipeline: hands each article, alias and reject to the crawl's store (crawler.crawlstore),
which writes them in batches off the reactor. Every rejected item (`item_dropped` with a
Rejected reason) becomes a `rejects` row and a `news/rejected/<reason>` stat, so nothing the
crawl saw disappears; a duplicate leaves its URLs as aliases of the stored story."""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.crawlstore import CrawlStore
from crawler.items import CrawledArticle
from crawler.rules import Rows
from crawler.stats import inc

from .errors import DuplicateArticle, Rejected


class StorePipeline:
    def __init__(self, store: CrawlStore, crawler: Crawler) -> None:
        self.store = store
        self.stats = crawler.stats
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StorePipeline":
        return cls(crawler.get_extension(CrawlStore), crawler)

    async def open_spider(self) -> None:
        await self.store.open()  # first: a store that cannot be opened stops the crawl before any request

    async def close_spider(self) -> None:
        await self.store.drain()

    async def process_item(self, item: CrawledArticle) -> CrawledArticle:
        await self.store.add(article=Rows.article(item), update=bool(item.replaces), bands=item.minhash_bands,
                             aliases=Rows.stored_aliases(item))
        return item

    async def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any = None) -> None:
        """Awaited by Scrapy: on a Redis worker the row is in Redis before the request is acknowledged."""
        if isinstance(exception, DuplicateArticle):
            await self.store.add(aliases=Rows.duplicate_aliases(item, exception.alias_of))
        elif isinstance(exception, Rejected):
            inc(self.stats, f"rejected/{exception.reason}", getattr(item, "source", None))
            await self.store.add(reject=Rows.reject(item, exception.reason, exception.detail))
