"""ClusterPipeline: syndicated and lightly edited copies of one story share a `cluster_id`
(the rule: crawler.rules.Cluster; stored candidates are one query in the store's thread).
Off with NEWS_NEARDUP = False; NEWS_NEARDUP_THRESHOLD is the similarity that joins a cluster."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.crawlstore import CrawlStore
from crawler.items import CrawledArticle
from crawler.rules import Cluster


class ClusterPipeline:
    def __init__(self, store: CrawlStore, threshold: float, crawler: Crawler) -> None:
        self.rule = Cluster(store, crawler.stats, threshold)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ClusterPipeline":
        settings = crawler.settings
        if not settings.getbool("NEWS_NEARDUP"):
            raise NotConfigured("NEWS_NEARDUP is off")
        return cls(crawler.get_extension(CrawlStore), settings.getfloat("NEWS_NEARDUP_THRESHOLD"), crawler)

    async def process_item(self, item: CrawledArticle) -> CrawledArticle:
        await self.rule.assign(item)
        return item
