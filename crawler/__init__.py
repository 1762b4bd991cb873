"""News crawler: discovery and fetching with Scrapy, pure extraction, pipelines into SQLite."""
