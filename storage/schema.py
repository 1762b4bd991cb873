"""The store's schema as named, ordered sqlite-utils migrations (safe to re-run)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("news")

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


def migrate(db: Database) -> None:
    """Bring `db` to the newest schema."""
    migrations.apply(db)
