"""The store's schema as named, ordered sqlite-utils migrations (safe to re-run)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("news")
# A migration, once committed, never changes (stores in the wild have applied it): change the
# schema by adding a new named migration at the end.

ARTICLE_COLUMNS = {
    "id": int,
    "url": str,
    "source": str,
    "title": str,
    "body": str,
    "authors": str,  # JSON array
    "published_at": str,
    "modified_at": str,
    "language": str,
    "description": str,
    "image": str,
    "site_name": str,
    "categories": str,  # JSON array
    "tags": str,  # JSON array
    "provenance": str,  # JSON object
    "content_hash": str,
    "fetched_at": str,
}
JSON_COLUMNS = ("authors", "categories", "tags", "provenance")
FTS_COLUMNS = ("title", "body")


@migrations(name="0001_articles_and_rejects")
def m0001_articles_and_rejects(db: Database) -> None:
    """The article record of DESIGN.md, and the rejects every skipped page leaves."""
    db["articles"].create(ARTICLE_COLUMNS, pk="id", not_null={"url", "title", "body"}, if_not_exists=True)
    db["articles"].create_index(["url"], unique=True, if_not_exists=True)
    db["articles"].create_index(["content_hash"], if_not_exists=True)
    db["rejects"].create(
        {"id": int, "url": str, "source": str, "reason": str, "detail": str, "status": int, "seen_at": str},
        pk="id",
        not_null={"url", "reason"},
        if_not_exists=True,
    )
    db["rejects"].create_index(["reason"], if_not_exists=True)
    db["rejects"].create_index(["url"], if_not_exists=True)


@migrations(name="0002_articles_fts")
def m0002_articles_fts(db: Database) -> None:
    """FTS5 over title and body, filled from existing rows and kept in sync by triggers.

    sqlite-utils' layout (`articles_fts`, content=articles, triggers `articles_ai/_ad/_au`) is the
    one Datasette and `sqlite-utils search` detect on their own.
    """
    db["articles"].enable_fts(FTS_COLUMNS, create_triggers=True)


@migrations(name="0003_article_filter_indexes")
def m0003_article_filter_indexes(db: Database) -> None:
    """Indexes for the common filters and the default sort."""
    for column in ("source", "published_at", "language"):
        db["articles"].create_index([column], if_not_exists=True)
    db["rejects"].create_index(["source"], if_not_exists=True)


@migrations(name="0004_crawl_runs")
def m0004_crawl_runs(db: Database) -> None:
    """One row per crawl run and source, written when the spider closes.

    `rejects` is a JSON object reason -> count; `stats` keeps every crawl stat, so later health
    columns can be added (and back-filled) by new migrations.
    """
    counts = ("discovered", "fetched", "stored_new", "updated", "duplicates", "rejected")
    db["crawl_runs"].create(
        {
            "id": int,
            "run_id": str,  # shared by every source crawled in one run
            "source": str,
            "started_at": str,  # UTC, ISO 8601
            "finished_at": str,
            "finish_reason": str,  # Scrapy's: finished, shutdown, closespider_*, ...
            **{name: int for name in counts},  # `rejected` is the total of `rejects`
            "rejects": str,  # JSON object: reason -> count
            "stats": str,  # JSON object: every crawl stat
        },
        pk="id",
        not_null={"run_id", "source", "started_at"},
        defaults={name: 0 for name in counts},
        if_not_exists=True,
    )
    db["crawl_runs"].create_index(["run_id", "source"], unique=True, if_not_exists=True)
    db["crawl_runs"].create_index(["source", "started_at"], if_not_exists=True)
    db["crawl_runs"].create_index(["started_at"], if_not_exists=True)


@migrations(name="0005_revisions_aliases_validators_clusters")
def m0005_revisions_aliases_validators_clusters(db: Database) -> None:
    """Edits kept as revisions; other URLs of a story as aliases; HTTP validators for conditional
    GET of feeds and sitemaps; near-duplicate clusters (MinHash bands) across sources."""
    db["revisions"].create(
        {"id": int, "article_id": int, "url": str, "title": str, "body": str, "modified_at": str,
         "content_hash": str, "fetched_at": str, "replaced_at": str},
        pk="id", not_null={"article_id", "url"}, if_not_exists=True,
    )
    db["revisions"].create_index(["article_id"], if_not_exists=True)
    db["aliases"].create({"url": str, "article_url": str, "reason": str, "seen_at": str}, pk="url",
                         not_null={"article_url"}, if_not_exists=True)
    db["aliases"].create_index(["article_url"], if_not_exists=True)
    db["http_validators"].create({"url": str, "etag": str, "last_modified": str, "checked_at": str},
                                 pk="url", if_not_exists=True)
    if "cluster_id" not in db["articles"].columns_dict:
        db["articles"].add_column("cluster_id", int)
    db["articles"].create_index(["cluster_id"], if_not_exists=True)
    db["minhash_bands"].create({"article_id": int, "band": int, "hash": int}, pk=("article_id", "band"),
                               if_not_exists=True)
    db["minhash_bands"].create_index(["band", "hash"], if_not_exists=True)


@migrations(name="0006_crawl_run_health")
def m0006_crawl_run_health(db: Database) -> None:
    """Per-source health of each run: fill rates (JSON) and a warning when they dropped sharply."""
    columns = db["crawl_runs"].columns_dict
    if "health" not in columns:
        db["crawl_runs"].add_column("health", str)
    if "health_warning" not in columns:
        db["crawl_runs"].add_column("health_warning", str)



@migrations(name="0007_rejects_once_and_run_completeness")
def m0007_rejects_once_and_run_completeness(db: Database) -> None:
    """One rejects row per URL and reason (repeats update `seen_at` and `times_seen`; earlier
    duplicate rows are merged), and whether each run's crawl of a source was complete."""
    columns = db["rejects"].columns_dict
    if "times_seen" not in columns:
        db["rejects"].add_column("times_seen", int, not_null_default=1)
    if "first_seen_at" not in columns:
        db["rejects"].add_column("first_seen_at", str)
    db.execute(
        "UPDATE rejects SET times_seen = (SELECT count(*) FROM rejects r WHERE r.url = rejects.url "
        "AND r.reason = rejects.reason), first_seen_at = (SELECT min(seen_at) FROM rejects r "
        "WHERE r.url = rejects.url AND r.reason = rejects.reason)"
    )
    db.execute("UPDATE rejects SET seen_at = (SELECT max(seen_at) FROM rejects r "
               "WHERE r.url = rejects.url AND r.reason = rejects.reason)")
    # keep the newest row of each (url, reason): its detail and status are the latest
    db.execute("DELETE FROM rejects WHERE id NOT IN (SELECT max(id) FROM rejects GROUP BY url, reason)")
    db["rejects"].create_index(["url", "reason"], unique=True, if_not_exists=True)
    columns = db["crawl_runs"].columns_dict
    if "complete" not in columns:
        db["crawl_runs"].add_column("complete", int)  # 1, 0, or NULL for runs recorded before
    if "incomplete" not in columns:
        db["crawl_runs"].add_column("incomplete", str)  # why not: "max_pages 500; trap_cut /events?day 1"


@migrations(name="0009_source_boilerplate")
def m0009_source_boilerplate(db: Database) -> None:
    """Per source, the blocks its article pages repeat (crawler/extract/boilerplate.py, as JSON)."""
    db["source_boilerplate"].create({"source": str, "blocks": str, "learned_at": str}, pk="source",
                                    if_not_exists=True)


def migrate(db: Database) -> list[str]:
    """Bring `db` to the newest schema, in one write transaction; the names of the migrations applied.

    The read-only check keeps opening an up-to-date store cheap; BEGIN IMMEDIATE makes concurrent
    openers (pipelines, extension, CLI, parallel crawls) wait for each other instead of racing to
    apply the same migration. Each migration still runs in its own savepoint.
    """
    if not migrations.pending(db):
        return []
    db.execute("BEGIN IMMEDIATE")
    try:
        names = [m.name for m in migrations.pending(db)]  # none when a concurrent opener was first
        migrations.apply(db)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return names
