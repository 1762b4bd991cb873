"""ValidatePipeline: rejections become drops with their reason; articles need url, title, body."""

from __future__ import annotations

from crawler.extract import Article, Rejection

from .errors import InvalidArticle, Rejected

REQUIRED = ("url", "title", "body")


class ValidatePipeline:
    def process_item(self, item):
        if isinstance(item, Rejection):
            raise Rejected(item.reason, item.detail)
        if not isinstance(item, Article):
            raise InvalidArticle("invalid", f"unexpected item type {type(item).__name__}")
        missing = [name for name in REQUIRED if not (getattr(item, name) or "").strip()]
        if missing:
            raise InvalidArticle("invalid", "missing " + ", ".join(missing))
        return item
