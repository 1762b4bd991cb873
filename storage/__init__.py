"""The SQLite store: schema migrations, the Store API and the news-store CLI (no crawler import)."""

from .store import Store, StoredArticle

__all__ = ["Store", "StoredArticle"]
