"""RSS, Atom and RDF feeds to entries (link, title, dates, authors), by feedparser."""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

import feedparser

from .sitemaps import declares_entities, last_element_closed

_ITEM_START = re.compile(rb"<((?:[\w.-]+:)?(?:item|entry))(?=[\s/>]|\Z)")


@dataclass
class FeedEntry:
    """One feed item: the article link and what the feed says about it (dates in UTC)."""

    url: str
    title: str | None = None
    published_at: str | None = None
    modified_at: str | None = None
    authors: list[str] = field(default_factory=list)

    def hints(self) -> dict:
        values = {"title": self.title, "published_at": self.published_at,
                  "modified_at": self.modified_at, "authors": self.authors}
        return {k: v for k, v in values.items() if v} | {"origin": "feed"}


def _utc(parsed) -> str | None:
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc).isoformat(timespec="seconds")


def _last_item_cut(body: bytes) -> bool:
    """True when the last <item>/<entry> of a feed is never closed: the file was cut in it."""
    last = None
    for last in _ITEM_START.finditer(body):
        pass
    return last is not None and not last_element_closed(body, last.group(1).decode())


def parse_feed(body: bytes, base_url: str) -> list[FeedEntry] | None:
    """Entries of the feed in `body`; None when it is not a feed at all. In a malformed feed, an
    item the file was cut in (never closed) is dropped."""
    if declares_entities(body):  # never hand an entity bomb to an XML parser
        return None
    # a file object: feedparser would read a bytes body that names a local file as that file
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": base_url})
    if not parsed.get("version") and not parsed.entries:
        return None
    items = parsed.entries
    if parsed.get("bozo") and items and _last_item_cut(body):
        items = items[:-1]
    entries = []
    for item in items:
        link = item.get("link")
        if not link:
            continue
        published = _utc(item.get("published_parsed"))
        updated = _utc(dict.get(item, "updated_parsed"))  # dict.get: no feedparser fallback to published
        authors = [a.get("name") for a in item.get("authors", []) if a.get("name")]
        if not authors and item.get("author"):
            authors = [item["author"]]
        entries.append(FeedEntry(
            url=link,
            title=item.get("title"),
            published_at=published,
            modified_at=updated if updated and updated != published else None,
            authors=authors,
        ))
    return entries
