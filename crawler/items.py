"""The item the crawl carries from extraction to the store: the article record plus the fields
later stages set, each declared here (a typo is an error, not a silent None)."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.extract import Article


@dataclass
class CrawledArticle(Article):
    """An `Article` on its way through the pipelines (validate -> normalise -> dedupe -> cluster ->
    store). `to_dict()` still gives the article record only; `cluster_id` is added by the store."""

    fetched_from: str | None = None  # the URL the crawl requested (before redirects): kept as an alias
    normalised: bool = False  # canonical URL, clean body, hash, ISO dates done (crawler.prepare.normalise)
    minhash: object | None = None  # the body's MinHash signature (crawler.neardup), from crawler.prepare
    minhash_bands: list[tuple[int, int]] | None = None  # its LSH bands, stored for later lookups
    replaces: str | None = None  # the stored URL this version updates (an edit), set by dedupe
    cluster_id: int | None = None  # the near-duplicate cluster, set by the cluster pipeline

    @classmethod
    def of(cls, article: Article) -> "CrawledArticle":
        """The crawl's item for an extracted article (the same object when it is one already)."""
        return article if isinstance(article, cls) else cls(**article.to_dict())
