"""NormalisePipeline: canonical URL, clean whitespace, ISO 8601 dates, tidy name lists."""

from __future__ import annotations

import re

from crawler.extract import content_hash
from crawler.extract.dates import parse_datetime, to_iso
from crawler.items import CrawledArticle
from crawler.urls import canonical_url

_INLINE_SPACE = re.compile(r"[ \t\r\f\v]+")
# the same result as _INLINE_SPACE -> " ", but a lone space (most of them) is not replaced by itself
_INLINE_SPACE_TO_SQUASH = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")


def clean_body(body: str) -> str:
    """Paragraphs separated by exactly one blank line, no stray spaces."""
    paragraphs = (p.strip() for p in _INLINE_SPACE_TO_SQUASH.sub(" ", body).split("\n"))  # one pass per body
    return "\n\n".join(p for p in paragraphs if p)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


def normalise(item: CrawledArticle) -> CrawledArticle:
    """The item in its stored form: canonical URL, clean title and body, ISO 8601 dates, names
    once each, the body's content hash. No I/O, idempotent; marks the item `normalised`."""
    item.url = canonical_url(item.url)
    item.title = _INLINE_SPACE.sub(" ", item.title.replace("\n", " ")).strip()
    item.body = clean_body(item.body)
    item.content_hash = content_hash(item.body)
    for name in ("published_at", "modified_at"):
        value = getattr(item, name)
        setattr(item, name, to_iso(parse_datetime(value)) if value else None)
    item.authors = _unique(item.authors)
    item.categories = _unique(item.categories)
    item.tags = _unique(item.tags)
    item.normalised = True
    return item


class NormalisePipeline:
    """Normalises each article (see `normalise`), unless the extraction worker already did, off
    the reactor thread (crawler.workers)."""

    def process_item(self, item: CrawledArticle) -> CrawledArticle:
        if item.normalised:
            return item
        return normalise(item)
