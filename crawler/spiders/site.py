"""The state of one site during a crawl: its rules, hints gathered by discovery, WordPress REST."""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from crawler.extract.boilerplate import SiteLearner
from crawler.sources import Source
from crawler.spiders.listings import ListingPolicy
from crawler.stats import inc
from crawler.urls import canonical_url, same_site
from crawler.urlset import UrlSet

# When one URL is announced by several discoveries, hints of the better origin win.
ORIGIN_RANK = {"wp-rest": 3, "feed": 2, "sitemap": 1}


class SiteState:
    """Per-source crawl state; requests carry the source name in `meta["site"]`."""

    def __init__(self, config: Source, patience: int = 5, probation: int = 10) -> None:
        self.config = config
        self.name = config.name
        self.base_url = config.url
        self.host = urlsplit(config.url).hostname or ""
        self.hints_by_url: dict[str, dict] = {}
        self.wordpress_api: str | None = None
        # While WordPress REST pages are outstanding, page requests wait here, so that each post
        # is fetched once with the REST metadata as hints (not first through a sitemap without).
        self.rest_pending = 0
        self.rest_ok = False  # the REST API listed the posts: listing pages need not be followed
        self.parked: list[scrapy.Request] = []
        self.robots_sitemaps: list[str] = []  # Sitemap: lines, requested once sitemaps are open
        self.sitemaps_open = False  # opened by a non-WordPress home page or a failed REST API
        self.robots_done = False  # robots.txt read or failed: sitemap requests wait for it
        self.robots_listed: set[str] = set()  # every sitemap robots.txt lists (not probed again)
        self.sitemap_probes: list[str] = []  # usual sitemap locations waiting for robots.txt
        self.feed_urls: set[str] = set()
        # compact sets (their hashes, crawler.urlset): they grow with the site
        self.seen = UrlSet()  # canonical URLs of pages requested (or decided) in this run
        self.stored = UrlSet()  # of those, stories earlier runs stored (not fetched again)
        self.revisits = UrlSet()  # stored stories re-requested with their HTTP validators
        self.recent_stories: list[str] = []  # stored stories to revisit, read from the store as the crawl began
        self.listings = ListingPolicy(patience, probation)
        self.resume = False  # the source's last crawl was incomplete: stored stories do not stop listings
        self.pages_requested = 0
        self.boilerplate = SiteLearner()  # blocks its article pages repeat (crawler/extract/boilerplate.py)

    def is_on_site(self, url: str, stats: StatsCollector) -> bool:
        """Only http(s) URLs on the site's host and port are requested; others are counted."""
        if urlsplit(url).scheme in ("http", "https") and same_site(url, self.base_url):
            return True
        inc(stats, "discovery/skipped_url", self.name)
        return False

    def allows(self, url: str) -> bool:
        return self.config.allows(url)

    def take_budget(self, stats: StatsCollector) -> bool:
        """Count one page request against `max_pages`; False once the budget is spent."""
        if self.config.max_pages is not None and self.pages_requested >= self.config.max_pages:
            inc(stats, "budget/exhausted", self.name)
            return False
        self.pages_requested += 1
        return True

    def remember(self, url: str, hints: dict) -> None:
        """Merge what a discovery says about `url`; hints of a better origin win field by field."""
        key = canonical_url(url)
        known = self.hints_by_url.get(key)
        if known is None:
            self.hints_by_url[key] = dict(hints)
            return
        if ORIGIN_RANK.get(hints.get("origin"), 0) > ORIGIN_RANK.get(known.get("origin"), 0):
            self.hints_by_url[key] = {**known, **hints}
        else:
            self.hints_by_url[key] = {**hints, **known}

    def hints_for(self, response: Response) -> dict:
        """The hints for this page (by the requested URL, or the final one after redirects)."""
        redirects = response.request.meta.get("redirect_urls", []) if response.request else []
        for url in [response.url, *redirects]:
            hints = self.hints_by_url.pop(canonical_url(url), None)
            if hints is not None:
                return hints
        return {}

