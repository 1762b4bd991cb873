"""DedupePipeline: one row per canonical URL, within the run and against the store."""

from __future__ import annotations

import sqlite3

from scrapy.crawler import Crawler

from crawler.extract import Article
from crawler.stats import inc
from storage import Store

from .errors import DuplicateArticle


class DedupePipeline:
    def __init__(self, db_path: str, crawler: Crawler) -> None:
        self.db_path = db_path
        self.stats = crawler.stats
        self.seen: set[str] = set()
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DedupePipeline":
        return cls(crawler.settings.get("NEWS_DB_PATH"), crawler)

    def open_spider(self) -> None:
        try:
            self.store = Store(self.db_path)
        except (sqlite3.Error, OSError):  # the store pipeline reports it and stops the crawl
            self.store = None

    def close_spider(self) -> None:
        if self.store:
            self.store.close()

    def process_item(self, item: Article) -> Article:
        if item.url in self.seen:
            inc(self.stats, "duplicates/in_run", item.source)
            raise DuplicateArticle(f"duplicate in this run: {item.url}")
        self.seen.add(item.url)
        if self.store is not None and self.store.has_url(item.url):
            inc(self.stats, "duplicates/stored", item.source)
            raise DuplicateArticle(f"already stored: {item.url}")
        return item
