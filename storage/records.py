"""Typed records the Store returns: plain dataclasses, JSON columns decoded."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from .schema import JSON_COLUMNS


def _json(raw: str | None, empty: Any) -> Any:
    return json.loads(raw) if raw else empty


@dataclass
class StoredArticle:
    """One row of `articles`, JSON columns decoded."""

    id: int
    url: str
    source: str | None
    title: str
    body: str
    authors: list[str]
    published_at: str | None
    modified_at: str | None
    language: str | None
    description: str | None
    image: str | None
    site_name: str | None
    categories: list[str]
    tags: list[str]
    provenance: dict[str, str]
    content_hash: str | None
    fetched_at: str | None
    cluster_id: int | None = None  # the near-duplicate cluster it belongs to (see README)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "StoredArticle":
        values = {f.name: row.get(f.name) for f in fields(cls)}
        for name in JSON_COLUMNS:
            values[name] = _json(values.get(name), {} if name == "provenance" else [])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchHit:
    """A full-text match: the article and an excerpt with the matched words in [brackets]."""

    article: StoredArticle
    snippet: str


@dataclass
class Reject:
    """One row of `rejects`: a page the crawl saw and did not store, with why."""

    id: int
    url: str
    source: str | None
    reason: str
    detail: str | None
    status: int | None
    seen_at: str | None  # the last time
    times_seen: int = 1
    first_seen_at: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Reject":
        return cls(**{f.name: row.get(f.name) for f in fields(cls)})


@dataclass
class CrawlRun:
    """One row of `crawl_runs`: what one run did for one source."""

    id: int
    run_id: str
    source: str
    started_at: str
    finished_at: str | None
    finish_reason: str | None
    discovered: int = 0
    fetched: int = 0
    stored_new: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejects: dict[str, int] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    health: dict[str, Any] = field(default_factory=dict)
    health_warning: str | None = None
    complete: bool | None = None  # None for runs recorded before completeness was
    incomplete: str | None = None  # why not complete, with counts

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "CrawlRun":
        values = {f.name: row.get(f.name) for f in fields(cls)}
        values["rejects"] = _json(values["rejects"], {})
        values["stats"] = _json(values["stats"], {})
        values["health"] = _json(values["health"], {})
        values["complete"] = None if values["complete"] is None else bool(values["complete"])
        return cls(**values)

    @property
    def duration_seconds(self) -> float | None:
        if not (self.started_at and self.finished_at):
            return None
        started, finished = datetime.fromisoformat(self.started_at), datetime.fromisoformat(self.finished_at)
        return (finished - started).total_seconds()


@dataclass
class SourceSummary:
    """What the store holds for one source."""

    source: str
    articles: int
    rejects: int
    runs: int
    first_published: str | None
    last_published: str | None
    last_fetched: str | None
    last_run_finished: str | None
    health: dict[str, Any] = field(default_factory=dict)  # of the last run that was judged
    health_warning: str | None = None
    health_run: str | None = None  # started_at of the run `health` is from
    last_run_note: str | None = None  # the latest run's note when it fetched too little to judge
    complete: bool | None = None  # of the latest run (None: not recorded)
    incomplete: str | None = None  # why the latest run was not complete


@dataclass
class StoreStats:
    """Totals over the whole store."""

    path: str
    schema: str  # the newest applied migration
    articles: int
    rejects: int
    crawl_runs: int
    first_published: str | None
    last_published: str | None
    last_fetched: str | None
    articles_by_source: dict[str, int]
    rejects_by_reason: dict[str, int]
