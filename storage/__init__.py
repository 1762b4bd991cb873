"""The SQLite store: schema migrations, the Store API and the news-store CLI (no crawler import)."""

from .records import CrawlRun, Reject, SearchHit, SourceSummary, StoredArticle, StoreStats
from .store import Store, StoreError

__all__ = ["CrawlRun", "Reject", "SearchHit", "SourceSummary", "Store", "StoreError", "StoreStats", "StoredArticle"]
