"""DedupePipeline: each story once. By canonical URL (and its aliases), within the run and against
the store; by body hash across URLs (the other URL becomes an alias). A stored story whose body
or modified time changed passes on as an update (its old version becomes a revision)."""

from __future__ import annotations

import sqlite3

from scrapy.crawler import Crawler

from crawler.items import CrawledArticle
from crawler.stats import inc
from storage import Store

from .errors import DuplicateArticle


class DedupePipeline:
    def __init__(self, db_path: str, crawler: Crawler) -> None:
        self.db_path = db_path
        self.crawler = crawler
        self.stats = crawler.stats
        self.seen: set[str] = set()
        self.hashes: dict[str, str] = {}  # content hash -> url, this run
        self.store: Store | None = None
        self.check_store = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DedupePipeline":
        return cls(crawler.settings.get("NEWS_DB_PATH"), crawler)

    def open_spider(self) -> None:
        if getattr(self.crawler.spider, "config_error", None):  # stops before any request: no store
            return
        try:
            self.store = Store(self.db_path, write=True)
        except (sqlite3.Error, OSError):  # the store pipeline reports it and stops the crawl
            self.store = None
        # in a store that was empty, only this run's own stories (self.seen, self.hashes) are stored
        self.check_store = self.store is not None and not self.store.is_empty()

    def close_spider(self) -> None:
        if self.store:
            self.store.close()

    def process_item(self, item: CrawledArticle) -> CrawledArticle:
        if item.url in self.seen:
            inc(self.stats, "duplicates/in_run", item.source)
            raise DuplicateArticle(f"duplicate in this run: {item.url}")
        self.seen.add(item.url)
        known = self.store.known(item.url) if self.check_store else None
        if known is not None:
            if known["url"] != item.url:
                inc(self.stats, "duplicates/stored", item.source)
                raise DuplicateArticle(f"alias of stored {known['url']}: {item.url}", alias_of=known["url"])
            if known["content_hash"] != item.content_hash or (
                item.modified_at and item.modified_at != known["modified_at"]
            ):
                item.replaces = known["url"]  # an edit: stored as an update with a revision
                return item
            inc(self.stats, "duplicates/stored", item.source)
            raise DuplicateArticle(f"already stored, unchanged: {item.url}")
        same_body = self.hashes.get(item.content_hash) or (
            self.store.has_hash(item.content_hash) if self.check_store else None
        )
        if same_body and same_body != item.url:
            inc(self.stats, "duplicates/same_body", item.source)
            raise DuplicateArticle(f"same body as {same_body}: {item.url}", alias_of=same_body)
        self.hashes[item.content_hash] = item.url
        return item
