"""ClusterPipeline: syndicated and lightly edited copies of one story share a `cluster_id`.

Each new article gets a MinHash signature and LSH bands (crawler.neardup). Candidates come from
the stored articles' bands (`minhash_bands`) and from this run's articles not yet written (an
in-memory band index); the most similar one at or above NEWS_NEARDUP_THRESHOLD (estimated
Jaccard similarity) gives its cluster_id, else the article starts a cluster of its own
(`neardup.cluster_key(url)`). The item carries `cluster_id` and `minhash_bands` to the store.
The signature comes from the extraction worker (crawler.workers) when there is one; computing it
here costs about 2 ms per 5 KB body on the reactor thread. Matching is one indexed query.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import OrderedDict
from dataclasses import replace

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler import neardup
from crawler.items import CrawledArticle
from crawler.stats import inc
from storage import Store

logger = logging.getLogger(__name__)
STORED_CANDIDATES = 8  # stored articles verified per item at most (most shared bands first)
SIGNATURE_CACHE = 4096  # signatures of stored candidates kept between items


class ClusterPipeline:
    def __init__(self, db_path: str, threshold: float, crawler: Crawler) -> None:
        self.db_path = db_path
        self.params = replace(neardup.DEFAULT, threshold=threshold)
        self.crawler = crawler
        self.stats = crawler.stats
        self.store: Store | None = None
        self.recent = neardup.BandIndex(self.params)  # this run's articles, by url
        self.stored_signatures: OrderedDict[int, neardup.Signature | None] = OrderedDict()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ClusterPipeline":
        settings = crawler.settings
        if not settings.getbool("NEWS_NEARDUP"):
            raise NotConfigured("NEWS_NEARDUP is off")
        return cls(settings.get("NEWS_DB_PATH"), settings.getfloat("NEWS_NEARDUP_THRESHOLD"), crawler)

    def open_spider(self) -> None:
        if getattr(self.crawler.spider, "config_error", None):  # stops before any request: no store
            return
        try:
            self.store = Store(self.db_path, write=True)
            # A store with no article at the start holds only this run's articles, which the
            # in-memory index has: no query per item (a first crawl's main-thread cost). Another
            # source crawled into the same fresh store at the same time is not looked at then.
            if not self.store.has_articles():
                self.store.close()
                self.store = None
        except (sqlite3.Error, OSError):  # the store pipeline reports it and stops the crawl
            self.store = None

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()

    def process_item(self, item: CrawledArticle) -> CrawledArticle:
        sig, bands = item.minhash, item.minhash_bands  # computed by the extraction worker, off this thread
        if sig is None or not neardup.same_signature_params(self.params):
            sig, bands = neardup.signature(item.body, self.params), None
        if sig is None:
            return item
        if bands is None:
            bands = neardup.bands(sig, self.params)
        replaces = item.replaces
        if replaces:
            # an edit keeps the cluster it has (the store does not change cluster_id on update);
            # a row stored before clustering existed gets no bands, so every row with bands has one
            cluster_id = self._stored_cluster(replaces)
            if cluster_id is not None:
                item.cluster_id, item.minhash_bands = cluster_id, bands
                self.recent.add(item.url, sig, cluster_id, bands)
            return item
        match = self._best_match(item.url, sig, bands)
        if match is not None:
            other_url, cluster_id, score = match
            logger.debug("near-duplicate of %s (similarity %.2f): %s", other_url, score, item.url)
            inc(self.stats, "clusters/joined", item.source)
        else:
            cluster_id = neardup.cluster_key(item.url)
            inc(self.stats, "clusters/new", item.source)
        item.cluster_id, item.minhash_bands = cluster_id, bands
        self.recent.add(item.url, sig, cluster_id, bands)
        return item

    def _best_match(self, url: str, sig: neardup.Signature,
                    bands: list[tuple[int, int]]) -> tuple[str, int, float] | None:
        """(url, cluster_id, similarity) of the most similar article at or above the threshold,
        among this run's articles and the stored ones."""
        best = self.recent.best(sig, bands)
        for article_id, other_url, cluster_id in self._stored_candidates(bands):
            if other_url == url or other_url in self.recent or cluster_id is None:
                continue
            other = self._stored_signature(article_id, other_url)
            if other is None:
                continue
            score = neardup.similarity(sig, other)
            if score >= self.params.threshold and (best is None or score > best[2]):
                best = (other_url, cluster_id, score)
        return best

    def _stored_candidates(self, bands: list[tuple[int, int]]) -> list[tuple[int, str, int | None]]:
        if self.store is None:
            return []
        try:
            return self.store.candidates(bands, limit=STORED_CANDIDATES)
        except sqlite3.Error as exc:
            logger.warning("near-duplicate lookup failed, this item is clustered without the store: %s", exc)
            return []

    def _stored_signature(self, article_id: int, url: str) -> neardup.Signature | None:
        """The signature of a stored article's body (computed once, then cached)."""
        if article_id in self.stored_signatures:
            self.stored_signatures.move_to_end(article_id)
            return self.stored_signatures[article_id]
        try:
            stored = self.store.get(url)
        except sqlite3.Error:
            return None
        sig = neardup.signature(stored.body, self.params) if stored is not None else None
        self.stored_signatures[article_id] = sig
        if len(self.stored_signatures) > SIGNATURE_CACHE:
            self.stored_signatures.popitem(last=False)
        return sig

    def _stored_cluster(self, url: str) -> int | None:
        if url in self.recent:
            return self.recent.payload(url)
        if self.store is None:
            return None
        try:
            return self.store.cluster_of(url)
        except sqlite3.Error:
            return None
