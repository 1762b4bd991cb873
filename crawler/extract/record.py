"""The records extraction returns: an Article, or a Rejection with a reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class Article:
    """One story, with the fields of the `articles` table (see DESIGN.md)."""

    url: str
    title: str
    body: str
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None
    modified_at: str | None = None
    language: str | None = None
    description: str | None = None
    image: str | None = None
    site_name: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    content_hash: str | None = None
    fetched_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record's fields as a dict (lists and dicts shared, not copied: a hot path); a
        subclass's own fields (the crawl's, crawler.items) are not part of the record."""
        return {name: getattr(self, name) for name in RECORD_FIELDS}


RECORD_FIELDS = tuple(f.name for f in fields(Article))
# what a fixture's expected.json holds: the record less provenance and what the crawl adds
EXPECTED_FIELDS = tuple(name for name in RECORD_FIELDS if name not in ("provenance", "source", "content_hash", "fetched_at"))


DETAIL_CHARS = 500  # a rejection's detail (an error message, a repr) is cut to this length


@dataclass
class Rejection:
    """A page that is not stored as an article, and why (`reason` is a short slug)."""

    url: str
    reason: str
    detail: str = ""
    source: str | None = None
    status: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __bool__(self) -> bool:  # a rejection is never a usable record
        return False
