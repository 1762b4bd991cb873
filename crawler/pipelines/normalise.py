"""NormalisePipeline: the normalise step (crawler.prepare.normalise) for items that skipped prepare.

The news spider's items come prepared (crawler.prepare: normalised, hashed and signed once, in
the extraction workers or in process), marked `normalised`, and pass through unchanged. A
spider of another kind that yields raw `Article`s (extract_article's output) has them
normalised here: canonical URL, clean whitespace, ISO 8601 dates, tidy name lists, the hash.
"""

from __future__ import annotations

from crawler.items import CrawledArticle
from crawler.prepare import clean_body, normalise

__all__ = ["NormalisePipeline", "clean_body", "normalise"]


class NormalisePipeline:
    """Normalises each article not prepared already (see crawler.prepare.normalise)."""

    def process_item(self, item: CrawledArticle) -> CrawledArticle:
        if isinstance(item, CrawledArticle) and item.normalised:
            return item
        return normalise(CrawledArticle.of(item))
