"""Pure extraction: no Scrapy import, no network. `extract_article(html, url, **hints)`."""

from .article import content_hash, extract_article
from .decode import decode_html
from .record import Article, Rejection

__all__ = ["Article", "Rejection", "content_hash", "decode_html", "extract_article"]
