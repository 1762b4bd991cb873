"""DedupePipeline: each story once (the rule: crawler.rules.Dedupe, against the crawl's store)."""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.crawlstore import CrawlStore
from crawler.items import CrawledArticle
from crawler.rules import Dedupe

from .errors import DuplicateArticle


class DedupePipeline:
    """Drops a story already stored or seen in this run (DuplicateArticle, counted); an edit
    passes on as an update."""

    def __init__(self, store: CrawlStore, crawler: Crawler) -> None:
        self.rule = Dedupe(store, crawler.stats)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DedupePipeline":
        return cls(crawler.get_extension(CrawlStore), crawler)

    async def process_item(self, item: CrawledArticle) -> CrawledArticle:
        duplicate = await self.rule.check(item)
        if duplicate is not None:
            raise DuplicateArticle(duplicate.message, alias_of=duplicate.alias_of)
        return item
