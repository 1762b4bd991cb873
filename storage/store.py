"""Store: the SQLite file that crawls write and readers read (WAL, batched transactions)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .schema import JSON_COLUMNS, migrate

BUSY_TIMEOUT_MS = 30_000


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

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "StoredArticle":
        values = {f.name: row.get(f.name) for f in fields(cls)}
        for name in JSON_COLUMNS:
            raw = values.get(name)
            values[name] = json.loads(raw) if raw else ({} if name == "provenance" else [])
        return cls(**values)


def _encode(record: dict[str, Any]) -> dict[str, Any]:
    row = dict(record)
    for name in JSON_COLUMNS:
        if name in row and not isinstance(row[name], str):
            row[name] = json.dumps(row[name] if row[name] is not None else [], ensure_ascii=False)
    return row


class Store:
    """Open (and migrate) the store at `path`. Writers batch; readers never need SQL."""

    def __init__(self, path: str | Path = "news.db") -> None:
        self.path = Path(path)
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        self.db = Database(conn)
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        migrate(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writes ----------------------------------------------------------------------------

    def write_batch(self, articles: Iterable[dict[str, Any]] = (), rejects: Iterable[dict[str, Any]] = ()) -> int:
        """Insert articles (ignoring URLs already stored) and rejects in one transaction; return articles added."""
        articles = [_encode(a) for a in articles]
        rejects = list(rejects)
        with self.db.atomic():
            before = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
            if articles:
                self.db["articles"].insert_all(articles, ignore=True, alter=False)
            if rejects:
                self.db["rejects"].insert_all(rejects, alter=False)
            after = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        return after - before

    # --- reads -----------------------------------------------------------------------------

    def has_url(self, url: str) -> bool:
        """True when an article with this canonical URL is stored."""
        return self.db.execute("SELECT 1 FROM articles WHERE url = ?", [url]).fetchone() is not None

    def has_hash(self, content_hash: str) -> str | None:
        """The URL of a stored article with this body hash, if any."""
        row = self.db.execute("SELECT url FROM articles WHERE content_hash = ?", [content_hash]).fetchone()
        return row[0] if row else None

    def get(self, url: str) -> StoredArticle | None:
        """The stored article at canonical `url`, or None."""
        rows = list(self.db["articles"].rows_where("url = ?", [url], limit=1))
        return StoredArticle.from_row(rows[0]) if rows else None

    def articles(self, source: str | None = None, limit: int | None = None) -> Iterator[StoredArticle]:
        """Stored articles, newest first, optionally for one source."""
        where, args = ("source = ?", [source]) if source else (None, [])
        for row in self.db["articles"].rows_where(where, args, order_by="published_at desc, id", limit=limit):
            yield StoredArticle.from_row(row)

    def count(self, table: str = "articles") -> int:
        return self.db[table].count

    def counts_by_source(self) -> dict[str, int]:
        rows = self.db.execute("SELECT coalesce(source, ''), count(*) FROM articles GROUP BY 1 ORDER BY 1")
        return dict(rows.fetchall())

    def rejects_by_reason(self) -> dict[str, int]:
        rows = self.db.execute("SELECT reason, count(*) FROM rejects GROUP BY 1 ORDER BY 2 DESC, 1")
        return dict(rows.fetchall())
