"""The rules a record meets on its way into the store, as plain classes (no Scrapy): each story
once (`Dedupe`), near-duplicates share a cluster (`Cluster`), and the rows written for a record,
a duplicate or a reject (`Rows`). The crawl's pipelines (crawler.pipelines) are thin wrappers;
a writer that stores records read from elsewhere (#16's `news-store ingest`) runs the same rules.

`store` is anything with the read methods of crawler.crawlstore.CrawlStore used here (`story`,
`near_candidates`, `article`, `cluster_of`), all awaitable; `stats` anything with `inc_value`.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Protocol

from crawler import neardup
from crawler.clock import utc_now
from crawler.items import CrawledArticle
from crawler.stats import inc
from crawler.urls import canonical_url
from crawler.urlset import UrlSet

logger = logging.getLogger(__name__)
STORED_CANDIDATES = 8  # stored articles verified per item at most (most shared bands first)
SIGNATURE_CACHE = 4096  # signatures of stored candidates kept between items
# This run's articles kept in memory (the in-run band index, the body hashes): only those the
# store may not answer for yet are needed (a batch being filled and the batches in flight to the
# writer, crawler.crawlstore: 200 x (10 + 1) with the defaults); older ones are found in the store.
RECENT_ARTICLES = 3000


class StoreReads(Protocol):
    """`this_run=True`: also answer from what this run stored (the rule's in-memory part has let
    some of it go), even when the store had nothing to look up at the start."""

    async def story(self, url: str, content_hash: str | None,
                    this_run: bool = False) -> tuple[dict[str, Any] | None, str | None]: ...
    async def near_candidates(self, bands: list[tuple[int, int]], limit: int,
                              this_run: bool = False) -> list[tuple[int, str, int | None]]: ...
    async def article(self, url: str) -> Any: ...
    async def cluster_of(self, url: str) -> int | None: ...


class RecentMap(OrderedDict):
    """A dict of at most `capacity` entries, the oldest let go first; `dropped` once any was."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity
        self.dropped = False

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self.capacity:
            self.popitem(last=False)
            self.dropped = True


@dataclass
class Duplicate:
    """Why a record is not stored again: `message` for the log, `alias_of` the stored (or this
    run's) URL of the same story when the record's URL is another address of it."""

    message: str
    alias_of: str | None = None


class Dedupe:
    """Each story once: by canonical URL (and its aliases), within the run and against the store;
    by body hash across URLs (the other URL becomes an alias). A stored story whose body or
    modified time changed passes as an update (`item.replaces`; its old version becomes a revision)."""

    def __init__(self, store: StoreReads, stats: Any, recent: int = RECENT_ARTICLES) -> None:
        self.store = store
        self.stats = stats
        self.seen = UrlSet()  # this run's record URLs
        # content hash -> url of this run's latest records; older ones are asked of the store
        self.hashes: RecentMap = RecentMap(recent)

    async def check(self, item: CrawledArticle) -> Duplicate | None:
        """None when the record is to be stored (new, or an edit: `item.replaces` set)."""
        if item.url in self.seen:
            inc(self.stats, "duplicates/in_run", item.source)
            return Duplicate(f"duplicate in this run: {item.url}")
        self.seen.add(item.url)
        same_body = self.hashes.get(item.content_hash)
        if same_body is None and item.content_hash:  # reserved before the lookup: a copy arriving meanwhile waits for it
            self.hashes[item.content_hash] = item.url
        known, stored_same = await self.store.story(item.url, item.content_hash, this_run=self.hashes.dropped)
        if known is not None:
            if same_body is None and item.content_hash:
                self.hashes[item.content_hash] = known["url"]
            if known["url"] != item.url:
                inc(self.stats, "duplicates/stored", item.source)
                return Duplicate(f"alias of stored {known['url']}: {item.url}", alias_of=known["url"])
            if known["content_hash"] != item.content_hash or (
                item.modified_at and item.modified_at != known["modified_at"]
            ):
                item.replaces = known["url"]  # an edit: stored as an update with a revision
                return None
            inc(self.stats, "duplicates/stored", item.source)
            return Duplicate(f"already stored, unchanged: {item.url}")
        same_body = same_body or stored_same
        if same_body and same_body != item.url:
            if item.content_hash and self.hashes.get(item.content_hash) == item.url:
                self.hashes[item.content_hash] = same_body
            inc(self.stats, "duplicates/same_body", item.source)
            return Duplicate(f"same body as {same_body}: {item.url}", alias_of=same_body)
        return None


class Cluster:
    """Syndicated and lightly edited copies of one story share a `cluster_id`.

    Candidates come from the stored articles' LSH bands and from this run's articles (an
    in-memory band index of the latest `recent`, older ones asked of the store); the most similar one at or above the threshold (estimated Jaccard
    similarity) gives its cluster_id, else the article starts its own (`neardup.cluster_key(url)`).
    The signature comes from the extraction worker when there is one."""

    def __init__(self, store: StoreReads, stats: Any, threshold: float = neardup.DEFAULT.threshold,
                 recent: int = RECENT_ARTICLES) -> None:
        self.store = store
        self.stats = stats
        self.params = replace(neardup.DEFAULT, threshold=threshold)
        # this run's latest articles, by url (~4 KB each): older ones are the store's stored candidates
        self.recent = neardup.BandIndex(self.params, capacity=recent)
        self.stored_signatures: OrderedDict[int, neardup.Signature | None] = OrderedDict()

    async def assign(self, item: CrawledArticle) -> None:
        """Set `item.cluster_id` and `item.minhash_bands` (left None for a body too short to sign)."""
        sig, bands = item.minhash, item.minhash_bands  # computed by the extraction worker, off this thread
        if sig is None or not neardup.same_signature_params(self.params):
            sig, bands = neardup.signature(item.body, self.params), None
        if sig is None:
            return
        if bands is None:
            bands = neardup.bands(sig, self.params)
        if item.replaces:
            # an edit keeps the cluster it has (the store does not change cluster_id on update);
            # a row stored before clustering existed gets no bands, so every row with bands has one
            cluster_id = await self._stored_cluster(item.replaces)
            if cluster_id is not None:
                item.cluster_id, item.minhash_bands = cluster_id, bands
                self.recent.add(item.url, sig, cluster_id, bands)
            return
        # once the in-run index let articles go, those are asked of the store, as stored ones
        stored = await self.store.near_candidates(bands, STORED_CANDIDATES, this_run=self.recent.dropped)
        match = await self._best_match(item.url, sig, bands, stored)
        if match is not None:
            other_url, cluster_id, score = match
            logger.debug("near-duplicate of %s (similarity %.2f): %s", other_url, score, item.url)
            inc(self.stats, "clusters/joined", item.source)
        else:
            cluster_id = neardup.cluster_key(item.url)
            inc(self.stats, "clusters/new", item.source)
        item.cluster_id, item.minhash_bands = cluster_id, bands
        self.recent.add(item.url, sig, cluster_id, bands)

    async def _best_match(self, url: str, sig: neardup.Signature, bands: list[tuple[int, int]],
                          stored: list[tuple[int, str, int | None]]) -> tuple[str, int, float] | None:
        """(url, cluster_id, similarity) of the most similar article at or above the threshold,
        among the stored candidates and this run's articles (looked at after the store's answer,
        so a copy stored meanwhile in this run is seen)."""
        scored = []
        for article_id, other_url, cluster_id in stored:
            if other_url == url or other_url in self.recent or cluster_id is None:
                continue
            other = await self._stored_signature(article_id, other_url)
            if other is not None:
                scored.append((other_url, cluster_id, neardup.similarity(sig, other)))
        best = self.recent.best(sig, bands)
        for other_url, cluster_id, score in scored:
            if other_url in self.recent:  # this run's version of it outranks the stored one
                continue
            if score >= self.params.threshold and (best is None or score > best[2]):
                best = (other_url, cluster_id, score)
        return best

    async def _stored_signature(self, article_id: int, url: str) -> neardup.Signature | None:
        """The signature of a stored article's body (computed once, then cached)."""
        if article_id in self.stored_signatures:
            self.stored_signatures.move_to_end(article_id)
            return self.stored_signatures[article_id]
        stored = await self.store.article(url)
        sig = neardup.signature(stored.body, self.params) if stored is not None else None
        self.stored_signatures[article_id] = sig
        if len(self.stored_signatures) > SIGNATURE_CACHE:
            self.stored_signatures.popitem(last=False)
        return sig

    async def _stored_cluster(self, url: str) -> int | None:
        if url in self.recent:
            return self.recent.payload(url)
        return await self.store.cluster_of(url)


class Rows:
    """The rows a record leaves: an article row (or an update), its MinHash bands, the aliases
    of its other addresses; a reject row for a page not stored."""

    @staticmethod
    def article(item: CrawledArticle) -> dict[str, Any]:
        row = item.to_dict()
        if item.cluster_id is not None:
            row["cluster_id"] = item.cluster_id
        return row

    @staticmethod
    def alias(url: str | None, article_url: str | None, reason: str) -> list[dict[str, Any]]:
        """Another address of a story (so a later crawl recognises it without fetching), if any."""
        if url and article_url:
            url = canonical_url(url)
            if url != article_url:
                return [{"url": url, "article_url": article_url, "reason": reason, "seen_at": utc_now()}]
        return []

    @classmethod
    def stored_aliases(cls, item: CrawledArticle) -> list[dict[str, Any]]:
        """The aliases of a stored record: the URL the crawl requested, when redirected."""
        return cls.alias(item.fetched_from, item.url, "fetched")

    @classmethod
    def duplicate_aliases(cls, item: Any, alias_of: str | None) -> list[dict[str, Any]]:
        """The aliases a duplicate leaves: its URL and the URL the crawl requested."""
        url = getattr(item, "url", None)
        return (cls.alias(url, alias_of, "same_story")
                + cls.alias(getattr(item, "fetched_from", None), alias_of or url, "fetched"))

    @staticmethod
    def reject(item: Any, reason: str, detail: str) -> dict[str, Any]:
        return {"url": getattr(item, "url", None) or "", "source": getattr(item, "source", None), "reason": reason,
                "detail": detail, "status": getattr(item, "status", None), "seen_at": utc_now()}
