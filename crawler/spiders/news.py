"""NewsSpider ("news"): finds a site's articles through robots.txt, sitemaps, feeds and listings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from crawler.discovery import feed_links, page_links, parse_feed, parse_sitemap, sitemaps_from_robots
from crawler.extract import Article, Rejection, extract_article
from crawler.discovery.links import is_followable
from crawler.discovery.wordpress import NON_POST_SITEMAP, api_root, parse_posts, posts_url
from crawler.urls import canonical_url, same_site, site_name_of

HTML_TYPES = ("text/html", "application/xhtml+xml")
DISCOVERY_PRIORITY = 10  # discovery is parsed before pages, so every page meets all its hints
# When one URL is announced by several discoveries, hints of the better origin win.
ORIGIN_RANK = {"wp-rest": 3, "feed": 2, "sitemap": 1}


def _content_type(response: Response) -> str:
    return (response.headers.get(b"Content-Type") or b"").decode("latin-1")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class NewsSpider(scrapy.Spider):
    """`scrapy crawl news -a url=https://example.com/` crawls any news site from its home URL."""

    name = "news"

    def __init__(self, url: str | None = None, source_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not url:
            raise ValueError("news spider: give -a url=https://site/")
        if not urlsplit(url).scheme:
            url = "https://" + url
        self.base_url = url if urlsplit(url).path else url + "/"
        self.source = source_name or site_name_of(self.base_url)
        self.allowed_domains = [urlsplit(self.base_url).hostname or ""]
        self.hints_by_url: dict[str, dict] = {}
        self.wordpress_api: str | None = None
        # While WordPress REST pages are outstanding, page requests wait here, so that each post
        # is fetched once with the REST metadata as hints (not first through a sitemap without).
        self.rest_pending = 0
        self.rest_ok = False  # the REST API listed the posts: listing pages need not be followed
        self.parked: list[scrapy.Request] = []

    # --- entry points -------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        base = self.base_url
        yield scrapy.Request(urljoin(base, "/robots.txt"), callback=self.parse_robots,
                             errback=self.discovery_failed, meta={"discovery": "robots"})
        yield scrapy.Request(urljoin(base, "/sitemap.xml"), callback=self.parse_sitemap,
                             errback=self.discovery_failed, meta={"discovery": "sitemap"})
        yield scrapy.Request(base, callback=self.parse_page, errback=self.page_failed, meta={"home": True})

    # --- discovery ----------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        for url in sitemaps_from_robots(response.text):
            yield from self._discovery_request(url, self.parse_sitemap, "sitemap")

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except OSError as exc:  # also raised for bodies over max_size
                self._discovery_error(response.url, "sitemap", f"gzip: {exc}")
                return
        entries = parse_sitemap(body)
        if entries is None:
            self._discovery_error(response.url, "sitemap", "not a sitemap")
            return
        self.crawler.stats.inc_value("news/discovered/sitemap", len(entries))
        for entry in entries:
            if entry.is_sitemap:
                if NON_POST_SITEMAP.search(entry.url):
                    self.crawler.stats.inc_value("news/discovery/skipped_sitemap")
                    continue
                yield from self._discovery_request(entry.url, self.parse_sitemap, "sitemap")
            else:
                yield from self._page_request(entry.url, entry.hints())

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        entries = parse_feed(response.body, response.url)
        if entries is None:
            self._discovery_error(response.url, "feed", "not a feed")
            return
        self.crawler.stats.inc_value("news/discovered/feed", len(entries))
        for entry in entries:
            yield from self._page_request(entry.url, entry.hints())
        paged = response.meta.get("paged")
        if paged and entries:  # WordPress feeds page with ?paged=N; stop at an empty page or a 404
            next_url = urljoin(response.url, f"?paged={paged + 1}")
            yield from self._discovery_request(next_url, self.parse_feed, "feed", paged=paged + 1)

    def parse_rest(self, response: Response) -> Iterator[scrapy.Request]:
        """A page of the WordPress REST posts listing: every post, with its metadata as hints."""
        posts = parse_posts(response.body)
        if posts is None:
            yield from self.wordpress_fallbacks(f"REST answered something else than posts: {response.url}")
            yield from self._rest_done()
            return
        self.crawler.stats.inc_value("news/discovered/wp-rest", len(posts))
        self.rest_ok = True
        for post in posts:
            if self._valid(post.url):
                self._remember(post.url, post.hints())
                self.parked.append(self._new_page_request(post.url))
        if response.meta.get("rest_page") == 1:
            total = int((response.headers.get(b"X-WP-TotalPages") or b"1").decode() or 1)
            for page in range(2, total + 1):
                self.rest_pending += 1
                yield from self._discovery_request(posts_url(self.wordpress_api, page), self.parse_rest, "wp-rest",
                                                   rest_page=page, errback=self.rest_failed)
        yield from self._rest_done()

    def _rest_done(self) -> Iterator[scrapy.Request]:
        """One REST page less to wait for; at zero, the parked page requests go out."""
        self.rest_pending -= 1
        if self.rest_pending <= 0:
            parked, self.parked = self.parked, []
            for request in parked:
                if not (self.rest_ok and request.meta.get("via_listing")):
                    yield request

    def rest_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """REST blocked (401/403/404: security plugins) or broken: sitemaps and paged feeds instead."""
        status = failure.value.response.status if failure.check(HttpError) else failure.type.__name__
        self.crawler.stats.inc_value("news/wordpress/rest_unavailable")
        yield from self.wordpress_fallbacks(f"REST API unavailable ({status}): {failure.request.url}")
        yield from self._rest_done()

    def wordpress_fallbacks(self, why: str) -> Iterator[scrapy.Request]:
        self.logger.info("%s; discovering through sitemaps and feeds", why)
        yield from self._discovery_request(urljoin(self.base_url, "/feed/atom/"), self.parse_feed, "feed", paged=1)

    # --- pages --------------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Any]:
        """Extract the page; a listing (home, archive, pagination) also yields its links."""
        self.crawler.stats.inc_value("news/pages/fetched")
        hints = self._hints_for(response)
        content_type = _content_type(response)
        if not any(kind in content_type.lower() for kind in HTML_TYPES) and not (
            not content_type and isinstance(response, TextResponse)
        ):
            yield self._reject(response.url, "not_html", content_type or "no Content-Type", response.status)
            return
        html = response.text if isinstance(response, TextResponse) else None
        if response.meta.get("home") and html:
            yield from self.discover_from_home(response, html)
        result = self._extract(response, content_type, hints)
        if isinstance(result, Rejection) and result.reason == "not_article" and html and not self.rest_ok:
            for url in page_links(html, response.url, self.base_url):
                yield from self._page_request(url, {}, via_listing=True)
        yield result

    def discover_from_home(self, response: Response, html: str) -> Iterator[scrapy.Request]:
        """The home page's feeds; on WordPress also the REST API and the core/SEO-plugin sitemaps."""
        for url in feed_links(html, response.url):
            yield from self._discovery_request(url, self.parse_feed, "feed")
        link_header = b", ".join(response.headers.getlist(b"Link")).decode("latin-1")
        self.wordpress_api = api_root(link_header, html, response.url)
        if not self.wordpress_api:
            return
        self.crawler.stats.set_value("news/wordpress/detected", 1)
        self.logger.info("WordPress detected; REST API at %s", self.wordpress_api)
        self.rest_pending += 1
        yield from self._discovery_request(posts_url(self.wordpress_api, 1), self.parse_rest, "wp-rest",
                                           rest_page=1, errback=self.rest_failed)
        for path in ("/wp-sitemap.xml", "/sitemap_index.xml"):
            yield from self._discovery_request(urljoin(self.base_url, path), self.parse_sitemap, "sitemap")

    def _extract(self, response: Response, content_type: str, hints: dict) -> Article | Rejection:
        try:
            result = extract_article(
                response.body,
                response.url,
                content_type=content_type,
                min_body_chars=self.settings.getint("NEWS_MIN_BODY_CHARS"),
                **hints,
            )
        except Exception as exc:  # extraction must never stop the crawl
            self.logger.error("extraction failed on %s: %r", response.url, exc)
            return self._reject(response.url, "extract_error", repr(exc)[:500], response.status)
        result.source = self.source
        if isinstance(result, Article):
            result.fetched_at = _now()
        else:
            result.status = response.status
        return result

    # --- failures -----------------------------------------------------------------------

    def page_failed(self, failure: Failure) -> Iterator[Rejection]:
        """A page request that ended without a usable response: one reject row with the reason."""
        request = failure.request
        if failure.check(HttpError):
            response = failure.value.response
            yield self._reject(request.url, f"http_{response.status}", f"HTTP {response.status}", response.status)
        elif failure.check(TimeoutError, TCPTimedOutError):
            yield self._reject(request.url, "timeout", str(failure.value))
        elif failure.check(DNSLookupError):
            yield self._reject(request.url, "dns_error", str(failure.value))
        else:
            name = failure.type.__name__ if failure.type else "error"
            yield self._reject(request.url, "fetch_error", f"{name}: {failure.getErrorMessage()}"[:500])

    def discovery_failed(self, failure: Failure) -> None:
        """Probing /sitemap.xml or a feed that is not there is normal: a stat, not a reject."""
        kind = failure.request.meta.get("discovery", "discovery")
        reason = failure.value.response.status if failure.check(HttpError) else failure.type.__name__
        self.crawler.stats.inc_value(f"news/discovery/failed/{kind}")
        self.logger.debug("discovery %s failed (%s): %s", kind, reason, failure.request.url)

    # --- helpers ------------------------------------------------------------------------

    def _valid(self, url: str) -> bool:
        """Only http(s) URLs on the site's host are requested; others are counted and skipped."""
        if is_followable(url, self.base_url) or (
            urlsplit(url).scheme in ("http", "https") and same_site(url, self.base_url)
        ):
            return True
        self.crawler.stats.inc_value("news/discovery/skipped_url")
        self.logger.debug("skipped URL off the site or not http(s): %r", url)
        return False

    def _discovery_request(self, url: str, callback, kind: str, errback=None, **meta: Any) -> Iterator[scrapy.Request]:
        if self._valid(url):
            yield scrapy.Request(url, callback=callback, errback=errback or self.discovery_failed,
                                 priority=DISCOVERY_PRIORITY, meta={"discovery": kind, **meta})

    def _page_request(self, url: str, hints: dict, via_listing: bool = False) -> Iterator[scrapy.Request]:
        if not self._valid(url):
            return
        if hints:
            self._remember(url, hints)
        request = self._new_page_request(url)
        request.meta["via_listing"] = via_listing
        if self.rest_pending > 0:
            self.parked.append(request)
        else:
            yield request

    def _new_page_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_page, errback=self.page_failed)

    def _remember(self, url: str, hints: dict) -> None:
        """Merge what a discovery says about `url`; hints of a better origin win field by field."""
        key = canonical_url(url)
        known = self.hints_by_url.get(key)
        if known is None:
            self.hints_by_url[key] = dict(hints)
            return
        better, worse = (hints, known) if ORIGIN_RANK.get(hints.get("origin"), 0) > ORIGIN_RANK.get(known.get("origin"), 0) else (known, hints)
        self.hints_by_url[key] = {**worse, **better}

    def _hints_for(self, response: Response) -> dict:
        """The hints for this page (by the requested URL, or the final one after redirects)."""
        urls = [response.url, *(response.request.meta.get("redirect_urls", []) if response.request else [])]
        for url in urls:
            hints = self.hints_by_url.pop(canonical_url(url), None)
            if hints is not None:
                return hints
        return {}

    def _discovery_error(self, url: str, kind: str, detail: str) -> None:
        self.crawler.stats.inc_value(f"news/discovery/invalid/{kind}")
        self.logger.warning("discovery %s ignored (%s): %s", kind, detail, url)

    def _reject(self, url: str, reason: str, detail: str, status: int | None = None) -> Rejection:
        return Rejection(url=url, reason=reason, detail=detail, source=self.source, status=status)
