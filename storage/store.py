"""Store: the SQLite file that crawls write and readers read (WAL, batched transactions)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .records import CrawlRun, Reject, SearchHit, SourceSummary, StoredArticle, StoreStats
from .schema import JSON_COLUMNS, migrate, migrations

BUSY_TIMEOUT_MS = 30_000
CHUNK = 400  # URLs per batched lookup query (SQLite allows 32766 variables; two lists per query)
DateLike = str | date | datetime


def _chunks(values: Iterable[str], size: int = CHUNK) -> Iterator[list[str]]:
    """Distinct values in lists of at most `size`."""
    values = list(dict.fromkeys(values))
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _encode(record: dict[str, Any]) -> dict[str, Any]:
    row = dict(record)
    for name in JSON_COLUMNS:
        if name in row and not isinstance(row[name], str):
            row[name] = json.dumps(row[name] if row[name] is not None else [], ensure_ascii=False)
    return row


def utc_bound(value: DateLike) -> datetime:
    """An ISO 8601 date or datetime (str or object) as a naive UTC datetime; naive input is UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    elif not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _sqlite_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")  # the form SQLite's datetime() returns


class StoreError(sqlite3.DatabaseError):
    """A file that cannot serve as the news store: missing (for reading), not SQLite, another
    program's SQLite database, or a store older than this version reads. The message is one line
    meant for the user. A `sqlite3.DatabaseError`, so store-error handlers catch it as such."""


def _kind(db: Database) -> str:
    """'new' (no table yet), 'news' (our store), or 'foreign' (tables, none of them ours).
    Reads only sqlite_master and our migration record; raises sqlite3.DatabaseError for a file
    that is not SQLite at all."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
    if not tables:
        return "new"
    if migrations.applied(db) or "articles" in tables:
        return "news"
    return "foreign"


class Store:
    """The store at `path`: read-only by default; `write=True` for the crawl (creates and migrates).

    A reader (`Store(path)`) never changes the file: a read-only SQLite connection, no migration.
    It refuses with a `StoreError` a missing file, a file that is not SQLite, another program's
    SQLite database, and a store whose schema is older than this version (`news-store migrate`,
    or the next crawl, upgrades it). A writer (`Store(path, write=True)`, or
    `Store.open_for_writing(path)`) creates a missing or empty file, applies pending migrations
    and refuses the same foreign files without touching them.

    One Store per thread (it holds one SQLite connection). Readers in other connections or
    processes read while a crawl writes: WAL, and a busy timeout for the rare lock.
    """

    def __init__(self, path: str | Path = "news.db", *, write: bool = False) -> None:
        self.path = Path(path)
        self.writable = write
        self.applied_now: list[str] = []  # migrations this open applied (writers)
        if not write and not self.path.is_file():
            raise StoreError(f"no store at {self.path}")
        conn = self._connect()
        self.db = Database(conn)
        try:
            try:
                self._check()
            except sqlite3.OperationalError as exc:  # SQLite cannot open it at all
                if write or not self._read_only_folder():
                    raise StoreError(f"cannot open {self.path}: {exc}{self._read_only_hint()}") from exc
                # A reader of a WAL store on a read-only disk cannot make SQLite's -shm index:
                # with no -wal there is nothing in flight, and the file is read as immutable.
                conn.close()
                conn = self._connect(immutable=True)
                self.db = Database(conn)
                self._check()
            if write:  # only after the check: WAL mode rewrites the file's header
                self.db.enable_wal()
                self.db.execute("PRAGMA synchronous = NORMAL")
                self.applied_now = migrate(self.db)
        except BaseException:
            conn.close()
            raise

    def _connect(self, immutable: bool = False) -> sqlite3.Connection:
        """A writer's connection, or a reader's read-only one (mode=ro: SQLite cannot write the
        file, whatever a caller runs)."""
        if self.writable:
            return sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        uri = self.path.resolve().as_uri() + ("?immutable=1" if immutable else "?mode=ro")
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)

    def _read_only_folder(self) -> bool:
        """True when SQLite could not add its -shm/-wal files beside the store, and none exist."""
        folder = self.path.resolve().parent
        return not os.access(folder, os.W_OK) and not Path(f"{self.path}-wal").exists()

    def _read_only_hint(self) -> str:
        if not os.access(self.path, os.W_OK) or not os.access(self.path.resolve().parent, os.W_OK):
            return " (the store or its folder is read-only)"
        return ""

    @classmethod
    def open_for_writing(cls, path: str | Path = "news.db") -> "Store":
        """`Store(path, write=True)`: the crawl's store, created or upgraded as needed."""
        return cls(path, write=True)

    def _check(self) -> None:
        """Refuse what is not a news store this version can use (StoreError, one line)."""
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            kind = _kind(self.db)
        except sqlite3.OperationalError:  # cannot open (permissions, a read-only disk, locked)
            raise
        except sqlite3.DatabaseError as exc:  # not a database, or its schema page is damaged
            raise StoreError(f"{self.path} is not a news store: cannot read it as SQLite ({exc})") from exc
        if kind == "foreign":
            tables = sorted(r[0] for r in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall())
            shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
            raise StoreError(f"{self.path} is an SQLite database but not a news store (tables: {shown}); "
                             "refusing to use it, its file is left as it was")
        if self.writable:
            return
        if kind == "new":
            raise StoreError(f"{self.path} holds no news store yet (an empty database): crawl into it first")
        pending = migrations.pending(self.db)
        if pending:
            have, need = self.schema_version(), len(migrations._migrations)
            raise StoreError(
                f"store {self.path} has schema {have}, this version needs {need} "
                f"(missing {', '.join(m.name for m in pending)}): run `news-store --db {self.path} migrate` "
                "(a crawl into it upgrades it too)")

    def schema_version(self) -> int:
        """How many of this version's migrations the store has applied."""
        known = {m.name for m in migrations._migrations}
        return sum(1 for m in migrations.applied(self.db) if m.name in known)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writes ----------------------------------------------------------------------------

    def write_batch(
        self,
        articles: Iterable[dict[str, Any]] = (),
        rejects: Iterable[dict[str, Any]] = (),
        updates: Iterable[dict[str, Any]] = (),
        aliases: Iterable[dict[str, Any]] = (),
        bands: dict[str, list[tuple[int, int]]] | None = None,
    ) -> int:
        """One transaction: insert articles (URLs already stored are ignored), replace the rows of
        `updates` (the previous version of each goes to `revisions`), add rejects and aliases
        (url -> article_url), and the MinHash bands of articles by url (near-duplicate lookup).
        Returns the number of articles added."""
        articles = [_encode(a) for a in articles]
        rejects = list(rejects)
        with self.db.atomic():
            added = self._insert_many("articles", articles, or_ignore=True)
            self._upsert_rejects(rejects)
            for update in updates:
                self._update(_encode(update))
            if bands:
                self._replace_bands(bands)
            for alias in aliases:
                self.db.execute(
                    "INSERT OR IGNORE INTO aliases (url, article_url, reason, seen_at) VALUES (?, ?, ?, ?)",
                    [alias["url"], alias["article_url"], alias.get("reason"), alias.get("seen_at")],
                )
        return added

    def _replace_bands(self, bands: dict[str, list[tuple[int, int]]]) -> None:
        """The MinHash bands of stored articles (by url) in place of the ones they had; a url
        not stored gets none. Each article's id is looked up once, not once a band."""
        ids: dict[str, int] = {}
        for chunk in _chunks(bands):
            marks = ", ".join("?" for _ in chunk)
            ids.update(self.db.execute(f"SELECT url, id FROM articles WHERE url IN ({marks})", chunk).fetchall())
        stored = [(ids[url], url_bands) for url, url_bands in bands.items() if url in ids]
        self.db.conn.executemany("DELETE FROM minhash_bands WHERE article_id = ?", [(id_,) for id_, _ in stored])
        self.db.conn.executemany("INSERT OR REPLACE INTO minhash_bands (article_id, band, hash) VALUES (?, ?, ?)",
                                 [(id_, band, value) for id_, url_bands in stored for band, value in url_bands])

    def _upsert_rejects(self, rejects: list[dict[str, Any]]) -> None:
        """A URL rejected again for the same reason updates its row (latest detail, status, time;
        `times_seen` + 1) instead of adding one."""
        if not rejects:
            return
        self.db.conn.executemany(
            "INSERT INTO rejects (url, source, reason, detail, status, seen_at, first_seen_at, times_seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (url, reason) DO UPDATE SET "
            "source = excluded.source, detail = excluded.detail, status = excluded.status, "
            "seen_at = excluded.seen_at, times_seen = rejects.times_seen + 1",
            [(r["url"], r.get("source"), r["reason"], r.get("detail"), r.get("status"), r.get("seen_at"),
              r.get("seen_at")) for r in rejects],
        )

    def _update(self, row: dict[str, Any]) -> None:
        """Keep the stored version of row["url"] as a revision, then write the new one over it."""
        self.db.execute(
            "INSERT INTO revisions (article_id, url, title, body, modified_at, content_hash, fetched_at, replaced_at) "
            "SELECT id, url, title, body, modified_at, content_hash, fetched_at, ? FROM articles WHERE url = ?",
            [row.get("fetched_at"), row["url"]],
        )
        columns = [c for c in row if c not in ("id", "url", "cluster_id")]
        self.db.execute(
            "UPDATE articles SET {} WHERE url = ?".format(", ".join(f"[{c}] = ?" for c in columns)),
            [row[c] for c in columns] + [row["url"]],
        )

    def known(self, url: str) -> dict[str, Any] | None:
        """What the store knows of `url` (a stored URL or an alias of one): the article's url,
        published_at, modified_at, fetched_at and content_hash; None when unknown."""
        row = self.db.execute(
            "SELECT url, published_at, modified_at, fetched_at, content_hash FROM articles WHERE url = ? "
            "UNION ALL SELECT a.url, a.published_at, a.modified_at, a.fetched_at, a.content_hash "
            "FROM aliases JOIN articles a ON a.url = aliases.article_url WHERE aliases.url = ? LIMIT 1",
            [url, url],
        ).fetchone()
        if row is None:
            return None
        return dict(zip(("url", "published_at", "modified_at", "fetched_at", "content_hash"), row))

    def known_many(self, urls: Iterable[str]) -> dict[str, dict[str, Any]]:
        """`known` for many URLs at once (one query per chunk of CHUNK URLs): url -> what the
        store knows of it (as a stored URL or an alias); unknown URLs are left out."""
        found: dict[str, dict[str, Any]] = {}
        columns = ("url", "published_at", "modified_at", "fetched_at", "content_hash")
        for chunk in _chunks(urls):
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.execute(
                f"SELECT url, url, published_at, modified_at, fetched_at, content_hash FROM articles "
                f"WHERE url IN ({marks}) UNION ALL SELECT aliases.url, a.url, a.published_at, a.modified_at, "
                f"a.fetched_at, a.content_hash FROM aliases JOIN articles a ON a.url = aliases.article_url "
                f"WHERE aliases.url IN ({marks})", [*chunk, *chunk]).fetchall()
            for row in rows:
                found.setdefault(row[0], dict(zip(columns, row[1:])))
        return found

    def last_rejects(self, urls: Iterable[str]) -> dict[str, str]:
        """`last_reject` for many URLs (one query per chunk): url -> reason of its latest rejects row."""
        return dict(self._rows_in("SELECT url, reason FROM rejects WHERE id IN (SELECT max(id) FROM rejects "
                                  "WHERE url IN ({marks}) GROUP BY url)", urls))

    def validators_many(self, urls: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        """`validators` for many URLs (one query per chunk): url -> (ETag, Last-Modified); URLs
        without validators are left out."""
        return {url: (etag, last_modified) for url, etag, last_modified in
                self._rows_in("SELECT url, etag, last_modified FROM http_validators WHERE url IN ({marks})", urls)}

    def urls_of_hashes(self, hashes: Iterable[str]) -> dict[str, str]:
        """`has_hash` for many body hashes (one query per chunk): hash -> URL of a stored article."""
        return dict(self._rows_in("SELECT content_hash, min(url) FROM articles WHERE content_hash IN ({marks}) "
                                  "GROUP BY content_hash", hashes))

    def _rows_in(self, sql: str, values: Iterable[str]) -> Iterator[tuple]:
        """The rows of `sql` whose `{marks}` is filled with one chunk of `values` at a time."""
        for chunk in _chunks(values):
            yield from self.db.execute(sql.format(marks=", ".join("?" for _ in chunk)), chunk).fetchall()

    def start_runs(self, run_id: str, sources: Iterable[str], started_at: str) -> None:
        """The `running` rows of a crawl that starts, in one write transaction; an earlier row of
        the same source still `running` is from a crawl that was killed: it becomes `killed`."""
        with self.writing():
            for source in sources:
                self.db.execute("UPDATE crawl_runs SET finish_reason = 'killed' WHERE source = ? "
                                "AND finish_reason = 'running' AND run_id != ?", [source, run_id])
                self.record_run(run_id=run_id, source=source, started_at=started_at, finish_reason="running")

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction that takes the write lock at once (waiting its turn): a deferred
        one that reads first (earlier runs, table info) fails with `database is locked` when
        another crawl writes the store in between."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def recent_urls(self, source: str, since: datetime) -> list[str]:
        """URLs of `source`'s stored stories published at or after `since` (an aware datetime)."""
        bound = utc_bound(since)
        rows = self.db.execute(
            "SELECT url FROM articles WHERE source = ? AND published_at >= ? AND datetime(published_at) >= ? "
            "ORDER BY published_at DESC",
            [source, (bound - timedelta(days=1)).isoformat(), _sqlite_time(bound)],
        )
        return [url for (url,) in rows.fetchall()]

    def is_empty(self) -> bool:
        """True for a store that holds no article and no reject yet (a first crawl needs no lookups)."""
        return not self.db.execute("SELECT EXISTS (SELECT 1 FROM articles) OR EXISTS (SELECT 1 FROM rejects)").fetchone()[0]

    def has_articles(self) -> bool:
        """True once the store holds at least one article."""
        return bool(self.db.execute("SELECT EXISTS (SELECT 1 FROM articles)").fetchone()[0])

    def last_reject(self, url: str) -> str | None:
        """The reason of the latest rejects row for `url`, if any."""
        row = self.db.execute("SELECT reason FROM rejects WHERE url = ? ORDER BY id DESC LIMIT 1", [url]).fetchone()
        return row[0] if row else None

    def boilerplate(self, source: str) -> str | None:
        """The blocks learned as `source`'s boilerplate (JSON), or None before any were learned."""
        row = self.db.execute("SELECT blocks FROM source_boilerplate WHERE source = ?", [source]).fetchone()
        return row[0] if row else None

    def save_boilerplate(self, source: str, blocks: str) -> None:
        """Keep `source`'s learned boilerplate (JSON), replacing what was learned before."""
        with self.db.atomic():
            self.db["source_boilerplate"].upsert({"source": source, "blocks": blocks, "learned_at": _sqlite_time(
                datetime.now(timezone.utc))}, pk="source")

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) last seen for `url`, for a conditional GET."""
        row = self.db.execute("SELECT etag, last_modified FROM http_validators WHERE url = ?", [url]).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_validators(self, rows: Iterable[dict[str, Any]]) -> None:
        """Remember ETag / Last-Modified of feeds and sitemaps (rows: url, etag, last_modified, checked_at)."""
        with self.db.atomic():
            for row in rows:
                self.db["http_validators"].insert(row, replace=True)

    def stage_validators(self, rows: Iterable[dict[str, Any]]) -> None:
        """Hold validators in this connection's TEMP table until `save_staged_validators` (a
        crawl's clean finish): on disk, not in the crawl's memory, and gone if the crawl dies."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS staged_validators "
                        "(url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, checked_at TEXT)")
        with self.db.atomic():
            self.db.conn.executemany("INSERT OR REPLACE INTO temp.staged_validators (url, etag, last_modified, checked_at) "
                                "VALUES (:url, :etag, :last_modified, :checked_at)", list(rows))

    def save_staged_validators(self) -> int:
        """Move the staged validators into `http_validators`; how many."""
        exists = self.db.execute("SELECT 1 FROM sqlite_temp_master WHERE name = 'staged_validators'").fetchone()
        if not exists:
            return 0
        with self.db.atomic():
            count = self.db.execute("SELECT count(*) FROM temp.staged_validators").fetchone()[0]
            self.db.execute("INSERT OR REPLACE INTO http_validators (url, etag, last_modified, checked_at) "
                            "SELECT url, etag, last_modified, checked_at FROM temp.staged_validators")
            self.db.execute("DELETE FROM temp.staged_validators")
        return count

    def _insert_many(self, table: str, rows: list[dict[str, Any]], or_ignore: bool = False) -> int:
        """One prepared INSERT for all rows; the count of rows added (ignored ones and FTS trigger
        writes are not counted, unlike a count(*) before and after, which scans the table)."""
        if not rows:
            return 0
        columns = list(dict.fromkeys(name for row in rows for name in row))
        sql = "INSERT {}INTO [{}] ({}) VALUES ({})".format(
            "OR IGNORE " if or_ignore else "", table,
            ", ".join(f"[{c}]" for c in columns), ", ".join("?" for _ in columns),
        )
        cursor = self.db.conn.executemany(sql, ([row.get(c) for c in columns] for row in rows))
        return cursor.rowcount

    def record_run(
        self,
        *,
        run_id: str,
        source: str,
        started_at: str,
        finished_at: str | None = None,
        finish_reason: str | None = None,
        discovered: int = 0,
        fetched: int = 0,
        stored_new: int = 0,
        updated: int = 0,
        duplicates: int = 0,
        rejects: dict[str, int] | None = None,
        stats: dict[str, Any] | None = None,
        health: dict[str, Any] | None = None,
        health_warning: str | None = None,
        complete: bool | None = None,
        incomplete: str | None = None,
    ) -> CrawlRun:
        """Write the `crawl_runs` row of (run_id, source), replacing an earlier one; return it."""
        rejects = dict(sorted((rejects or {}).items()))
        row = {
            "run_id": run_id, "source": source, "started_at": started_at, "finished_at": finished_at,
            "finish_reason": finish_reason, "discovered": discovered, "fetched": fetched,
            "stored_new": stored_new, "updated": updated, "duplicates": duplicates,
            "rejected": sum(rejects.values()),
            "rejects": json.dumps(rejects, ensure_ascii=False),
            "stats": json.dumps(stats or {}, ensure_ascii=False, sort_keys=True, default=str),
            "health": json.dumps(health or {}, sort_keys=True),
            "health_warning": health_warning,
            "complete": None if complete is None else int(complete),
            "incomplete": incomplete,
        }
        with self.db.atomic():
            self.db["crawl_runs"].insert(row, replace=True)
            stored = next(self.db["crawl_runs"].rows_where("run_id = ? AND source = ?", [run_id, source]))
        return CrawlRun.from_row(stored)

    # --- articles --------------------------------------------------------------------------

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

    # --- near-duplicate clusters -----------------------------------------------------------

    def candidates(self, bands: Iterable[tuple[int, int]], limit: int = 8) -> list[tuple[int, str, int | None]]:
        """Stored articles that share at least one MinHash band (band, hash) with `bands`, most
        shared bands first: (article id, url, cluster_id). Candidates only: confirm by similarity."""
        pairs = list(bands)
        if not pairs:
            return []
        sql = (
            f"WITH wanted(band, hash) AS (VALUES {', '.join('(?, ?)' for _ in pairs)}) "
            "SELECT a.id, a.url, a.cluster_id FROM wanted "
            "JOIN minhash_bands m ON m.band = wanted.band AND m.hash = wanted.hash "
            "JOIN articles a ON a.id = m.article_id "
            "GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT ?"
        )
        args = [value for pair in pairs for value in pair] + [limit]
        return [(row[0], row[1], row[2]) for row in self.db.execute(sql, args).fetchall()]

    def cluster_of(self, url: str) -> int | None:
        """The cluster_id of the stored article at `url` (None when unknown or not clustered)."""
        row = self.db.execute("SELECT cluster_id FROM articles WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def cluster(self, cluster_id: int) -> list[StoredArticle]:
        """The stored copies of one story (articles sharing `cluster_id`), first stored first."""
        rows = self.db["articles"].rows_where("cluster_id = ?", [cluster_id], order_by="id")
        return [StoredArticle.from_row(row) for row in rows]

    def articles(
        self,
        source: str | None = None,
        since: DateLike | None = None,
        until: DateLike | None = None,
        search: str | None = None,
        limit: int | None = None,
        raw_search: bool = False,
    ) -> Iterator[StoredArticle]:
        """Stored articles, newest first (best match first with `search`), streamed.

        `since` (inclusive) and `until` (exclusive) compare instants: ISO dates or datetimes,
        naive ones taken as UTC, against `published_at` with its offset; undated articles are
        left out when either is given. `search` matches title and body (all words, any order;
        `raw_search=True` passes SQLite FTS5 syntax through: OR, NOT, "phrases", prefix*).
        """
        if search:
            for hit in self.search(search, source=source, since=since, until=until, limit=limit, raw=raw_search):
                yield hit.article
            return
        where, args = self._filters(source, since, until)
        sql = f"SELECT * FROM articles{where} ORDER BY published_at DESC, id LIMIT ?"
        for row in self._rows(sql, [*args, -1 if limit is None else limit]):
            yield StoredArticle.from_row(row)

    def search(
        self,
        query: str,
        source: str | None = None,
        since: DateLike | None = None,
        until: DateLike | None = None,
        limit: int | None = None,
        raw: bool = False,
    ) -> Iterator[SearchHit]:
        """Full-text matches over title and body, best first, each with a snippet."""
        where, args = self._filters(source, since, until, prefix="AND")
        sql = (
            "SELECT articles.*, snippet(articles_fts, -1, '[', ']', '…', 16) AS _snippet "
            "FROM articles_fts JOIN articles ON articles.id = articles_fts.rowid "
            f"WHERE articles_fts MATCH ?{where} ORDER BY articles_fts.rank LIMIT ?"
        )
        match = query if raw else self.db.quote_fts(query)
        for row in self._rows(sql, [match, *args, -1 if limit is None else limit]):
            yield SearchHit(StoredArticle.from_row(row), row["_snippet"])

    def count_articles(
        self, source: str | None = None, since: DateLike | None = None, until: DateLike | None = None
    ) -> int:
        """How many articles `articles()` yields with these filters."""
        where, args = self._filters(source, since, until)
        return self.db.execute(f"SELECT count(*) FROM articles{where}", args).fetchone()[0]

    @staticmethod
    def _filters(
        source: str | None, since: DateLike | None, until: DateLike | None, prefix: str = "WHERE"
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if source:
            clauses.append("articles.source = ?")
            args.append(source)
        # published_at keeps the site's offset, so the exact test converts to UTC; the plain
        # string bound (a day wider than any offset) lets SQLite use the published_at index.
        if since is not None:
            bound = utc_bound(since)
            clauses.append("articles.published_at >= ? AND datetime(articles.published_at) >= ?")
            args += [(bound - timedelta(days=1)).isoformat(), _sqlite_time(bound)]
        if until is not None:
            bound = utc_bound(until)
            clauses.append("articles.published_at < ? AND datetime(articles.published_at) < ?")
            args += [(bound + timedelta(days=1)).isoformat(), _sqlite_time(bound)]
        if not clauses:
            return "", []
        return f" {prefix} " + " AND ".join(clauses), args

    def _rows(self, sql: str, args: list[Any]) -> Iterator[dict[str, Any]]:
        cursor = self.db.execute(sql, args)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield dict(zip(names, values))

    # --- rejects, runs, sources, totals ----------------------------------------------------

    def rejects(self, reason: str | None = None, source: str | None = None, limit: int | None = None) -> Iterator[Reject]:
        """Rejected pages, newest first, optionally of one reason and/or source."""
        clauses, args = [], []
        for column, value in (("reason", reason), ("source", source)):
            if value:
                clauses.append(f"{column} = ?")
                args.append(value)
        where = " AND ".join(clauses) or None
        for row in self.db["rejects"].rows_where(where, args, order_by="seen_at DESC, id DESC", limit=limit):
            yield Reject.from_row(row)

    def runs(self, source: str | None = None, limit: int | None = None) -> list[CrawlRun]:
        """Crawl runs, newest first, optionally for one source."""
        where, args = ("source = ?", [source]) if source else (None, [])
        rows = self.db["crawl_runs"].rows_where(where, args, order_by="started_at DESC, id DESC", limit=limit)
        return [CrawlRun.from_row(row) for row in rows]

    def sources(self) -> list[SourceSummary]:
        """Every source with articles, rejects or runs, by name."""
        sql = """
            WITH names AS (
              SELECT source FROM articles UNION SELECT source FROM rejects UNION SELECT source FROM crawl_runs
            ), a AS (
              SELECT source, count(*) AS n, min(published_at) AS first_published,
                     max(published_at) AS last_published, max(fetched_at) AS last_fetched
              FROM articles GROUP BY source
            ), r AS (SELECT source, count(*) AS n FROM rejects GROUP BY source),
            c AS (SELECT source, count(*) AS n, max(finished_at) AS last_finished FROM crawl_runs GROUP BY source)
            SELECT names.source, coalesce(a.n, 0), coalesce(r.n, 0), coalesce(c.n, 0),
                   a.first_published, a.last_published, a.last_fetched, c.last_finished
            FROM names LEFT JOIN a USING (source) LEFT JOIN r USING (source) LEFT JOIN c USING (source)
            WHERE names.source IS NOT NULL ORDER BY names.source
        """
        summaries = [SourceSummary(*row) for row in self.db.execute(sql).fetchall()]
        for summary in summaries:
            self._health_of(summary)
        return summaries

    def _health_of(self, summary: SourceSummary) -> None:
        """The health of the source's latest run that was judged (one without a `note`: enough
        article pages), the note of its latest run when that one was too small to judge, and
        whether its latest run was complete."""
        order = "ORDER BY started_at DESC, id DESC LIMIT 1"
        newest = self.db.execute(f"SELECT complete, incomplete FROM crawl_runs WHERE source = ? {order}",
                                 [summary.source]).fetchone()
        if newest:  # whether the latest run was complete
            summary.complete = None if newest[0] is None else bool(newest[0])
            summary.incomplete = newest[1]
        latest = self.db.execute(
            f"SELECT health, health_warning, started_at FROM crawl_runs WHERE source = ? AND health IS NOT NULL "
            f"AND coalesce(finish_reason, '') != 'running' {order}", [summary.source]).fetchone()
        if not latest:
            return
        health = json.loads(latest[0]) if latest[0] else {}
        if health.get("note"):
            summary.last_run_note = health["note"]
            judged = self.db.execute(
                "SELECT health, health_warning, started_at FROM crawl_runs WHERE source = ? AND health IS NOT NULL "
                "AND json_extract(health, '$.note') IS NULL AND coalesce(json_extract(health, '$.pages'), 0) > 0 "
                f"{order}", [summary.source]).fetchone()
            latest = judged or latest
            health = json.loads(latest[0]) if judged and latest[0] else health
        summary.health, summary.health_warning, summary.health_run = health, latest[1], latest[2]

    def stats(self) -> StoreStats:
        """Totals: rows per table, date range, articles per source, rejects per reason."""
        first, last, fetched = self.db.execute(
            "SELECT min(published_at), max(published_at), max(fetched_at) FROM articles"
        ).fetchone()
        applied = migrations.applied(self.db)
        return StoreStats(
            path=str(self.path),
            schema=applied[-1].name if applied else "",
            articles=self.count("articles"),
            rejects=self.count("rejects"),
            crawl_runs=self.count("crawl_runs"),
            first_published=first,
            last_published=last,
            last_fetched=fetched,
            articles_by_source=self.counts_by_source(),
            rejects_by_reason=self.rejects_by_reason(),
        )

    def count(self, table: str = "articles") -> int:
        return self.db[table].count

    def counts_by_source(self) -> dict[str, int]:
        rows = self.db.execute("SELECT coalesce(source, ''), count(*) FROM articles GROUP BY 1 ORDER BY 1")
        return dict(rows.fetchall())

    def rejects_by_reason(self) -> dict[str, int]:
        rows = self.db.execute("SELECT reason, count(*) FROM rejects GROUP BY 1 ORDER BY 2 DESC, 1")
        return dict(rows.fetchall())
