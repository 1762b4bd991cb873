"""prepare: one fetched page in, the record the pipelines store (or why not) out.

Pure (no Scrapy, no Twisted, no I/O, no clock: the fetch time comes in as `now`) and the same
in the extraction workers (crawler.workers) and in the crawl process (NEWS_EXTRACT_WORKERS=0).
Each step runs once, in this order:

    extract_article -> the source's parser -> normalise (canonical URL, clean text, ISO dates,
    content hash) -> the `since` rule -> MinHash signature and LSH bands

A story split over several pages is read part by part (`extract_page`) and prepared once, joined
(`prepare_story`): its parts are never signed alone.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from crawler import neardup
from crawler.extract import Article, Rejection, content_hash, extract_article
from crawler.extract.dates import parse_datetime, to_iso
from crawler.extract.record import DETAIL_CHARS
from crawler.items import CrawledArticle
from crawler.parsers import Page, ParserError, apply_parser, load_parser
from crawler.urls import canonical_url

# hints that are prepare's own; the others go to extract_article
SINCE, PARSER = "since", "parser"

_INLINE_SPACE = re.compile(r"[ \t\r\f\v]+")
# the same result as _INLINE_SPACE -> " ", but a lone space (most of them) is not replaced by itself
_INLINE_SPACE_TO_SQUASH = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")


def prepare(html: str | bytes, url: str, hints: dict[str, Any], now: datetime | None) -> CrawledArticle | Rejection:
    """The stored form of the story on one page, or the Rejection that says why there is none.

    `hints` are extract_article's keywords (content_type, min_body_chars, prune, timezone,
    language, boilerplate, discovery dates...) plus `since` (a date: earlier stories are
    rejected, `before_since`) and `parser` ("package.module:Class", the source's parser).
    `now` is the fetch time (an aware datetime): no later date is a publication date, and it
    becomes `fetched_at`. None: extract_article's default (its `fetched_at` hint, else the clock)."""
    article = extract_page(html, url, hints, now)
    if isinstance(article, Rejection):
        return article
    return finish(article, hints, now)


def extract_page(html: str | bytes, url: str, hints: dict[str, Any], now: datetime | None) -> Article | Rejection:
    """The page's article before normalisation: extract_article, then the source's parser."""
    kwargs = {k: v for k, v in hints.items() if k not in (SINCE, PARSER)}
    result = extract_article(html, url, now=now, **kwargs)
    path = hints.get(PARSER)
    if not path or not isinstance(result, Article):
        return result
    try:
        parser = load_parser(path)
        return apply_parser(parser, Page(html, url, hints.get("content_type"), now), result)
    except ParserError as exc:
        return Rejection(url, "parser_error", str(exc)[:DETAIL_CHARS])
    except Exception as exc:  # a bug in a source's parser rejects its page, never the crawl
        return Rejection(url, "parser_error", f"{path}: {exc!r}"[:DETAIL_CHARS])


def prepare_story(parts: list[Article], hints: dict[str, Any], now: datetime | None) -> CrawledArticle | Rejection:
    """One story from its pages, in order: the first page's record with the parts' bodies
    joined, then normalised, ruled and signed once. `min_body_chars` applies to the whole."""
    first = parts[0]
    if len(parts) > 1:
        first.body = "\n\n".join(part.body for part in parts)
        first.content_hash = None  # the first part's hash: normalise hashes the whole story
    minimum = hints.get("min_body_chars") or 0
    if len(first.body) < minimum:
        return Rejection(first.url, "too_short", f"body of {len(first.body)} characters (minimum {minimum})")
    return finish(first, hints, now)


def finish(article: Article, hints: dict[str, Any], now: datetime | None) -> CrawledArticle | Rejection:
    """Normalise, apply the `since` rule, sign: the steps after extraction, for one story."""
    item = normalise(CrawledArticle.of(article))
    if now is not None:
        item.fetched_at = now.isoformat(timespec="seconds")
    rejection = before_since(item, hints.get(SINCE))
    if rejection is not None:
        return rejection
    return sign(item)


def before_since(item: Article, since: date | str | None) -> Rejection | None:
    """A `before_since` rejection when the story was published before the source's `since` day."""
    if not since or not item.published_at:
        return None
    cutoff = since if isinstance(since, date) else date.fromisoformat(str(since))
    moment = parse_datetime(item.published_at)
    if moment is None or moment.date() >= cutoff:
        return None
    return Rejection(item.url, "before_since", f"published {item.published_at}, before {cutoff}")


def clean_body(body: str) -> str:
    """Paragraphs separated by exactly one blank line, no stray spaces."""
    if "  " in body or "\t" in body or "\r" in body or "\f" in body or "\v" in body:  # (most bodies: none)
        body = _INLINE_SPACE_TO_SQUASH.sub(" ", body)
    paragraphs = (p.strip() for p in body.split("\n"))  # one pass per body
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
    once each, the body's content hash. No I/O, idempotent; marks the item `normalised`.
    The hash extract_article computed is kept when the cleaning left the body as it was."""
    item.url = canonical_url(item.url)  # extract_article's is canonical already: a cache hit
    item.title = _INLINE_SPACE.sub(" ", item.title.replace("\n", " ")).strip()
    body = clean_body(item.body)
    if body != item.body or not item.content_hash:
        item.body, item.content_hash = body, content_hash(body)
    for name in ("published_at", "modified_at"):
        value = getattr(item, name)
        setattr(item, name, to_iso(parse_datetime(value)) if value else None)
    item.authors = _unique(item.authors)
    item.categories = _unique(item.categories)
    item.tags = _unique(item.tags)
    item.normalised = True
    return item


def sign(item: CrawledArticle) -> CrawledArticle:
    """The item with the MinHash signature and LSH bands of its body (near-duplicate clusters)."""
    item.minhash = neardup.signature(item.body)
    item.minhash_bands = neardup.bands(item.minhash) if item.minhash is not None else None
    return item
