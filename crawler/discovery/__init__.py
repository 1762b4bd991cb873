"""Pure discovery parsers: feeds, sitemaps (in any form) and HTML pages in, links with hints out."""

from .feeds import FeedEntry, parse_feed
from .links import feed_links, page_links
from .sitemap_forms import read_sitemap
from .sitemaps import Sitemap, SitemapEntry, parse_sitemap, sitemaps_from_robots

__all__ = [
    "FeedEntry",
    "Sitemap",
    "SitemapEntry",
    "feed_links",
    "page_links",
    "parse_feed",
    "parse_sitemap",
    "read_sitemap",
    "sitemaps_from_robots",
]
