"""One DropItem subclass per reason an item does not become a new article row."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class Rejected(DropItem):
    """The page is not stored as an article; `reason` names why (a rejects row is written)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        # listing pages are routine on every crawl; other reasons are worth a line in the log
        level = "DEBUG" if reason == "not_article" else "INFO"
        super().__init__(f"{reason}: {detail}" if detail else reason, log_level=level)
        self.reason = reason
        self.detail = detail


class InvalidArticle(Rejected):
    """An extracted record lacks a required field."""


class DuplicateArticle(DropItem):
    """The story is already stored or already seen in this run (counted, not a reject).
    `alias_of` names the stored story when this URL is another address of it."""

    def __init__(self, message: str, alias_of: str | None = None) -> None:
        super().__init__(message, log_level="DEBUG")
        self.alias_of = alias_of
