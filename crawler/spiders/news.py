"""NewsSpider ("news"): finds a site's articles through the WordPress REST API, robots.txt,
sitemaps, feeds, archive patterns and listing pages, and extracts every page it fetches.

    scrapy crawl news -a url=https://example.com/      any site, from its home URL
    scrapy crawl news -a source=NAME                   a source declared in sources.toml
    scrapy crawl news                                  every declared source
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import difflib
import inspect
import os

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse
from scrapy.utils.httpobj import urlparse_cached
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.url import add_or_replace_parameter

from crawler.completeness import resumable
from crawler.discovery import feed_links, page_links, parse_feed, read_sitemap, sitemaps_from_robots
from crawler.discovery.sitemaps import crawl_delay
from crawler.discovery.wordpress import NON_POST_SITEMAP, api_root, fallback_urls, parse_posts, posts_url
from crawler.extract import Article, Rejection
from crawler.extract.dates import parse_datetime
from crawler.clock import utc_now
from crawler.extract.record import DETAIL_CHARS
from crawler.fetch.failures import failure_reason
from crawler.fetch.robots import RobotsFile
from crawler.forkserver import start_forkserver, wanted
from crawler.crawlsources import CrawlSources, select_sources, sources_of
from crawler.crawlstore import CrawlStore, store_of
from crawler.sources import SourceError, parse_since
from crawler.spiders.listings import MAX_BACKLOG, Verdict, url_shape
from crawler.spiders.multipage import StoryParts
from crawler.spiders.site import SiteState
from crawler.stats import inc
from crawler.urls import canonical_url
from crawler.workers import TASKS, ExtractionPool, WorkerFailed
from storage.writer import Seen

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Rejections a later crawl need not fetch again (listings, timeouts and 5xx are retried).
SETTLED_REJECTS = {"http_404", "http_410", "not_html", "too_short", "no_title", "too_large", "redirect_loop",
                   "too_many_redirects", "before_since"}
# HTML pages that are no story, whose links are followed (a section front with little text, a
# calendar page): the listing policy (crawler.spiders.listings) stops the ones that do not pay
LISTING_REASONS = {"not_article", "too_short", "no_title"}
DISCOVERY_PRIORITY = 10
SITEMAP_PROBES = ("/sitemap.xml", "/sitemap_index.xml")  # probed on every site, after robots.txt
SHORT_BODY_CHARS = 400  # bodies shorter than this count against a source's health  # discovery is parsed before pages, so every page meets all its hints


def _content_type(response: Response) -> str:
    return (response.headers.get(b"Content-Type") or b"").decode("latin-1")


def changed_since(known: dict, hints: dict) -> bool:
    """True when a discovery hint (REST/feed modified time, sitemap lastmod) is later than the
    stored version's modified (else published) time."""
    stored = parse_datetime(known.get("modified_at") or known.get("published_at") or "")
    for key in ("modified_at", "lastmod"):
        hinted = parse_datetime(hints.get(key) or "")
        if hinted is None:
            continue
        if stored is None:
            return True
        try:
            if hinted > stored:
                return True
        except TypeError:  # naive against aware: compare as wall-clock times
            if hinted.replace(tzinfo=None) > stored.replace(tzinfo=None):
                return True
    return False


def _before(value: str | None, since: date | None) -> bool:
    """True when the date text `value` lies before the `since` cut-off."""
    if not since or not value:
        return False
    moment = parse_datetime(value)
    return moment is not None and moment.date() < since


def spider_arguments(spidercls: type) -> set[str]:
    """The `-a NAME=VALUE` arguments a spider of the NewsSpider family takes: the keyword
    parameters of its __init__ and its parents' (a subclass adds its own, e.g. `api`)."""
    names: set[str] = set()
    for klass in spidercls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is scrapy.Spider or klass is object:
            continue
        for parameter in inspect.signature(init).parameters.values():
            if parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY) and parameter.name != "self":
                names.add(parameter.name)
    return names


def argument_problem(spidercls: type, arguments: dict[str, Any]) -> str | None:
    """One line naming an argument the spider does not take (with the known ones), or None.
    Names starting with `_` are a job server's own (Scrapyd passes `_job`) and are accepted."""
    known = spider_arguments(spidercls)
    unknown = sorted(name for name in arguments if name not in known and not name.startswith("_"))
    if not unknown:
        return None
    name = unknown[0]
    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return (f"-a {name}=…: unknown argument of spider '{spidercls.name}'{hint}; "
            f"known: {', '.join(sorted(known))}")


class NewsSpider(scrapy.Spider):
    """Crawls one site (`-a url=`), one declared source (`-a source=`), or all declared sources."""

    name = "news"

    def __init__(self, url: str | None = None, source: str | None = None, since: str | None = None,
                 source_name: str | None = None, **kwargs: Any) -> None:
        # a bad argument is reported in start() (one line, no request) when the crawl command's
        # check (check_arguments, before the crawl) was bypassed, e.g. by a script's CrawlerProcess
        self.config_error = argument_problem(type(self), kwargs)
        super().__init__(**{k: v for k, v in kwargs.items() if k.startswith("_")})
        self.url_arg, self.source_arg, self.source_name = url, source, source_name
        try:
            self.since_arg = parse_since(since, SourceError) if since else None
        except SourceError as exc:
            self.since_arg, self.config_error = None, self.config_error or f"-a since={since}: {exc}"
        self.sites: dict[str, SiteState] = {}  # this crawl's state per source, built when it opens
        self.sources = CrawlSources()  # the crawl's CrawlSources (crawler.crawlsources), once it opens
        self.store: CrawlStore | None = None  # the crawl's store (crawler.crawlstore), once it opens
        self.store_was_empty = True
        self.recrawl_all = False

    def source_selection(self) -> tuple[str | None, dict[str, Any]]:
        """(argument error, select_sources arguments) for CrawlSources, which resolves them."""
        return self.config_error, {"url": self.url_arg, "source": self.source_arg, "since": self.since_arg,
                                   "source_name": self.source_name}

    @classmethod
    def check_arguments(cls, settings, arguments: dict[str, str]) -> None:
        """Raise SourceError (one line) for what would stop this crawl before its first request:
        an unknown argument, a bad URL or date, a broken sources file. The crawl command calls it
        before it starts the crawl, so a usage error writes nothing."""
        problem = argument_problem(cls, arguments)
        if problem:
            raise SourceError(problem)
        since = arguments.get("since")
        select_sources(settings.get("NEWS_SOURCES"), arguments.get("url"), arguments.get("source"),
                       parse_since(since, lambda p: SourceError(f"-a since={since}: {p}")) if since else None,
                       arguments.get("source_name"))

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> "NewsSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.recrawl_all = crawler.settings.get("NEWS_RECRAWL") == "all"
        spider.revisit_days = crawler.settings.getfloat("NEWS_REVISIT_DAYS")
        spider.pool = None
        if wanted(crawler.settings):  # running already when `scrapy crawl` started it (crawler.commands.crawl)
            start_forkserver()
        # first spider_opened receiver (connected before any component's): the sites exist and
        # allowed_domains is set before the offsite middleware reads it
        crawler.signals.connect(spider.open_sites, signal=signals.spider_opened)
        crawler.signals.connect(spider.start_workers, signal=signals.spider_opened)
        crawler.signals.connect(spider.save_state, signal=signals.spider_closed)
        # robots.txt is fetched by Scrapy's RobotsTxtMiddleware when it is obeyed, else by the spider
        spider.robots_by_middleware = crawler.settings.getbool("ROBOTSTXT_OBEY")
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    def open_sites(self, spider=None) -> None:
        """The per-source crawl state, from the crawl's sources (crawler.crawlsources)."""
        self.sources = sources_of(self.crawler)
        self.store = store_of(self.crawler)
        settings = self.crawler.settings
        self.sites = {name: SiteState(source, settings.getint("NEWS_LISTING_PATIENCE"),
                                      settings.getint("NEWS_LISTING_PROBATION"))
                      for name, source in self.sources.sources.items()}
        self.allowed_domains = sorted({site.host for site in self.sites.values()})

    async def _remember(self) -> bool:
        """What earlier crawls left in the store, once it is open: learned boilerplate, whether
        a source's last crawl was cut (then stored stories do not stop listings), and the recent
        stories to revisit. False when the store cannot be used (the crawl is stopping)."""
        if self.store is None or not await self.store.open():
            return False
        self.store_was_empty = self.store.was_empty
        if self.store_was_empty:  # a first crawl into a fresh store has nothing to skip: no lookups
            return True
        memory = await self.store.memory(list(self.sites))
        since = datetime.now(timezone.utc) - timedelta(days=self.revisit_days)
        for name, site in self.sites.items():
            site.boilerplate.hint = memory[name].boilerplate
            site.resume = memory[name].last_finished and resumable(memory[name].last_incomplete)
            if not self.recrawl_all and self.revisit_days > 0:
                site.recent_stories = await self.store.recent_urls(name, since)
        return True

    def start_workers(self, spider=None) -> None:
        """Extraction worker processes (NEWS_EXTRACT_WORKERS; 0 extracts in the crawl process)."""
        workers = self.settings.get("NEWS_EXTRACT_WORKERS")
        size = (os.cpu_count() or 1) if workers in (None, "", "auto") else int(workers)
        if size > 0 and self.sites:
            self.pool = ExtractionPool(size, self.settings.getfloat("NEWS_EXTRACT_TIMEOUT"))
            self.logger.info("extracting in %d worker processes", size)

    def save_state(self, spider=None, reason: str = "") -> None:
        """Stop the extraction workers (the store keeps the HTTP validators at a clean finish)."""
        if self.pool is not None:
            self.pool.close()
            if self.pool.ran_here:
                self.crawler.stats.set_value("news/extract/in_crawl_process", self.pool.ran_here)
            self.pool = None

    @property
    def source(self) -> str | None:
        """The source name when the crawl covers exactly one source."""
        return next(iter(self.sites)) if len(self.sites) == 1 else None

    # --- entry points -------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.sources.config_error:
            self.logger.error("%s", self.sources.config_error)
            raise CloseSpider("config_error")
        if not await self._remember():  # the store said why (store_error, already_running)
            return
        for site in self.sites.values():
            for request in self.start_site(site):
                yield request

    def start_site(self, site: SiteState) -> Iterator[scrapy.Request]:
        base, config = site.base_url, site.config
        # sitemaps wait for the home page: on WordPress with a working REST API they are not needed
        if not self.robots_by_middleware:  # else RobotsTxtMiddleware's copy comes by robots_parsed
            yield from self.discover(site, urljoin(base, "/robots.txt"), self.parse_robots, "robots")
        for url in config.sitemaps:
            yield from self.discover(site, url, self.parse_sitemap, "sitemap", announced=True)
        for url in config.feeds:
            yield from self.discover(site, url, self.parse_feed, "feed", announced=True)
        for pattern in config.archives:
            yield from self.discover(site, pattern.replace("{page}", "1"), self.parse_archive, "archive",
                                       archive=pattern, page_number=1)
        yield scrapy.Request(base, callback=self.parse_page, errback=self.page_failed,
                             meta={"site": site.name, "home": True})

    def revisit(self, site: SiteState) -> Iterator[scrapy.Request]:
        """Stored stories published within NEWS_REVISIT_DAYS, requested again with their ETag /
        Last-Modified: an edit is found by the next run whatever discovery says (a 304 or an
        unchanged body costs little)."""
        recent, site.recent_stories = site.recent_stories, []  # read from the store as the crawl began
        for url in recent:
            key = canonical_url(url)
            if key in site.seen or not site.allows(url):
                continue
            site.seen.add(key)
            site.revisits.add(key)
            inc(self.crawler.stats, "revisit/requested", site.name)
            yield from self._send(site, self._page_request(site, url))  # parked ones dropped if REST lists the posts

    # --- discovery ----------------------------------------------------------------------

    def robots_parsed(self, robotparser, request: scrapy.Request) -> None:
        """robots.txt as Scrapy's RobotsTxtMiddleware fetched it, once per host, before any other
        request to the host (Scrapy's `robots_parsed` signal): its Crawl-delay and Sitemap lines."""
        parts = urlparse_cached(request)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        listed = [urljoin(robots_url, url) for url in robotparser.sitemaps] if isinstance(robotparser, RobotsFile) else []
        self._robots_delay(parts.netloc, robotparser.crawl_delay(self.settings.get("USER_AGENT")))
        for follow in self._robots_read(robots_url, listed):  # sitemaps opened already by another host's page
            self.crawler.engine.crawl(follow)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """robots.txt requested by the spider itself (ROBOTSTXT_OBEY off: no middleware reads it)."""
        # robots.txt is text whatever its Content-Type says
        text = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        self._robots_delay(urlsplit(response.url).netloc, crawl_delay(text, self.settings.get("USER_AGENT")))
        listed = [urljoin(response.url, url) for url in sitemaps_from_robots(text)]
        yield from self._robots_read(self._first_url(response.request), listed)

    def _robots_delay(self, host: str, delay: float | None) -> None:
        if delay:
            self.sources.crawl_delays[host] = delay
            self.logger.info("%s: robots.txt asks for Crawl-delay %s s", host, delay)

    @staticmethod
    def _first_url(request: scrapy.Request) -> str:
        return request.meta.get("redirect_urls", [request.url])[0]

    def _robots_read(self, robots_url: str, listed: list[str]) -> Iterator[scrapy.Request]:
        """robots.txt is in (or failed): the sitemaps it lists, and sitemap discovery if already
        open, for every source on its host (read once for them all)."""
        robots_url = canonical_url(robots_url)
        for site in self.sites.values():
            if canonical_url(urljoin(site.base_url, "/robots.txt")) == robots_url and not site.robots_done:
                site.robots_done = True
                site.robots_sitemaps = list(listed)
                site.robots_listed.update(canonical_url(url) for url in listed)
                if site.sitemaps_open:
                    yield from self._open_sitemaps(site, ())

    def _open_sitemaps(self, site: SiteState, probes: tuple[str, ...] = SITEMAP_PROBES) -> Iterator[scrapy.Request]:
        """Sitemap discovery: the robots.txt sitemaps and the usual locations, once robots.txt
        is in (a location robots.txt lists is requested once, as announced)."""
        site.sitemaps_open = True
        site.sitemap_probes.extend(urljoin(site.base_url, path) for path in probes)
        if not site.robots_done and self.robots_by_middleware:
            # a page of the site has come, so RobotsTxtMiddleware is done with the host's robots.txt,
            # and no robots_parsed signal means it could not be read: it lists no sitemap
            site.robots_done = True
        if not site.robots_done:
            return
        for url in site.robots_sitemaps:
            yield from self.discover(site, url, self.parse_sitemap, "sitemap", announced=True)
        site.robots_sitemaps = []
        probes_now, site.sitemap_probes = site.sitemap_probes, []
        for url in dict.fromkeys(probes_now):
            if canonical_url(url) not in site.robots_listed:
                yield from self.discover(site, url, self.parse_sitemap, "sitemap")

    def _not_modified(self, site: SiteState, response: Response) -> bool:
        """True for a 304 answer to a conditional GET: the document is as last time, skip it."""
        if response.status == 304:
            inc(self.crawler.stats, "incremental/not_modified", site.name)
            return True
        return False

    def _keep_validators(self, response: Response) -> None:
        if self.store is None:
            return
        etag, last_modified = response.headers.get(b"ETag"), response.headers.get(b"Last-Modified")
        if etag or last_modified:
            self.store.keep_validators({"url": response.url, "etag": etag.decode("latin-1") if etag else None,
                                    "last_modified": last_modified.decode("latin-1") if last_modified else None,
                                    "checked_at": utc_now()})

    async def parse_sitemap(self, response: Response) -> AsyncIterator[scrapy.Request | Rejection]:
        """A sitemap, sitemap index, feed or plain-text URL list (gzipped or not, any Content-Type):
        its pages, and an index's children. A cut file gives only its complete entries."""
        site = self.site(response)
        if self._not_modified(site, response):
            return
        sitemap = read_sitemap(response.body, response.url, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"),
                               truncated="dataloss" in response.flags)
        if sitemap is None and not response.meta.get("announced"):
            # a probed location answered by a page (a soft 404): not there, as a 404 would say
            inc(self.crawler.stats, "discovery/failed/sitemap", site.name)
            self.logger.debug("probed sitemap is no sitemap: %s", response.url)
            return
        if sitemap is None or sitemap.error:
            detail = sitemap.error if sitemap else "not a sitemap (XML, feed or URL list)"
            for rejection in self.discovery_error(site, response.url, "sitemap", detail):
                yield rejection
            if sitemap is None:
                return
        inc(self.crawler.stats, f"discovery/sitemap_form/{sitemap.form}", site.name)
        if sitemap.form != "xml":
            self.logger.info("%s: sitemap read as %s: %d entries: %s", site.name,
                             "a feed" if sitemap.form == "feed" else "a URL list", len(sitemap.entries), response.url)
        inc(self.crawler.stats, "discovered/sitemap", site.name, len(sitemap.entries))
        if sitemap.entries and not sitemap.entries[0].is_sitemap and not sitemap.error:
            self._keep_validators(response)  # a whole leaf: an index's children may change without it
        pages = [e for e in sitemap.entries if not e.is_sitemap and not _before(e.published_at or e.lastmod, site.config.since)]
        seen = await self.seen_before(site, [entry.url for entry in pages])  # one store trip per sitemap
        for entry in sitemap.entries:
            if entry.is_sitemap:
                if NON_POST_SITEMAP.search(entry.url) or _before(entry.lastmod, site.config.since):
                    inc(self.crawler.stats, "discovery/skipped_sitemap", site.name)
                    continue
                for request in self.discover(site, entry.url, self.parse_sitemap, "sitemap", announced=True):
                    yield request
            elif not _before(entry.published_at or entry.lastmod, site.config.since):
                for request in self.page(site, entry.url, entry.hints(), seen):
                    yield request

    async def parse_feed(self, response: Response) -> AsyncIterator[scrapy.Request | Rejection]:
        site = self.site(response)
        if self._not_modified(site, response):
            return
        entries = parse_feed(response.body, response.url)
        if entries is None:
            for rejection in self.discovery_error(site, response.url, "feed", "not a feed (or a refused entity bomb)"):
                yield rejection
            return
        inc(self.crawler.stats, "discovered/feed", site.name, len(entries))
        self._keep_validators(response)
        recent = [e for e in entries if not _before(e.published_at, site.config.since)]
        new = [e for e in recent if e.url not in site.feed_urls]
        site.feed_urls.update(e.url for e in recent)
        seen = await self.seen_before(site, [entry.url for entry in recent])  # one store trip per feed page
        for entry in recent:
            for request in self.page(site, entry.url, entry.hints(), seen):
                yield request
        paged = response.meta.get("paged")
        # WordPress feeds page with ?paged=N; stop at a 404, an empty or too old page, or a later
        # page that brings nothing new (a server that ignores ?paged would otherwise loop forever).
        # Page 1 may repeat another feed of the site (RSS and Atom list the same posts).
        if paged and (new or paged == 1 and recent):
            for request in self.discover(site, add_or_replace_parameter(response.url, "paged", str(paged + 1)),
                                           self.parse_feed, "feed", paged=paged + 1):
                yield request

    async def parse_archive(self, response: Response) -> AsyncIterator[Any]:
        """A page of a declared archive pattern: its links, then the next page while it gives new ones."""
        site = self.site(response)
        html = response.text if isinstance(response, TextResponse) else ""
        links = page_links(html, response.url, site.base_url)
        seen = await self.seen_before(site, self._unseen_links(site, links))
        for request in self.follow_listing(site, response.url, links, seen):
            yield request
        if any(site.listings.may_be_story(url) for url in links) and not site.listings.state(response.url).stopped:
            number = response.meta["page_number"] + 1
            pattern = response.meta["archive"]
            for request in self.discover(site, pattern.replace("{page}", str(number)), self.parse_archive,
                                           "archive", archive=pattern, page_number=number):
                yield request

    async def parse_rest(self, response: Response) -> AsyncIterator[scrapy.Request]:
        """A page of the WordPress REST posts listing: every post, with its metadata as hints."""
        site = self.site(response)
        posts = parse_posts(response.body)
        if posts is None:
            for request in self._wordpress_fallbacks(site, f"REST answered something else than posts: {response.url}"):
                yield request
            for request in self._rest_done(site):
                yield request
            return
        inc(self.crawler.stats, "discovered/wp-rest", site.name, len(posts))
        site.rest_ok = True
        seen = await self.seen_before(site, [post.url for post in posts if site.allows(post.url)])  # one trip per REST page
        for post in posts:
            if site.allows(post.url) and self._worth_fetching(site, post.url, post.hints(), seen):
                site.seen.add(canonical_url(post.url))
                site.remember(post.url, post.hints())
                site.parked.append(self._page_request(site, post.url))
        if response.meta.get("rest_page") == 1:
            total = int((response.headers.get(b"X-WP-TotalPages") or b"1").decode() or 1)
            for page in range(2, total + 1):
                site.rest_pending += 1
                for request in self.discover(site, posts_url(site.wordpress_api, page, site.config.since),
                                               self.parse_rest, "wp-rest", rest_page=page, errback=self.rest_failed):
                    yield request
        for request in self._rest_done(site):
            yield request

    def rest_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """REST blocked (401/403/404: security plugins) or broken: sitemaps and paged feeds instead."""
        site = self.sites[failure.request.meta["site"]]
        status = failure.value.response.status if failure.check(HttpError) else failure.type.__name__
        inc(self.crawler.stats, "wordpress/rest_unavailable", site.name)
        yield from self._wordpress_fallbacks(site, f"REST API unavailable ({status}): {failure.request.url}")
        yield from self._rest_done(site)

    def _wordpress_fallbacks(self, site: SiteState, why: str) -> Iterator[scrapy.Request]:
        self.logger.info("%s; discovering through sitemaps and feeds", why)
        sitemaps, feed = fallback_urls(site.wordpress_api or urljoin(site.base_url, "wp-json/"))
        yield from self._open_sitemaps(site, (*sitemaps, *SITEMAP_PROBES))
        for request in self.discover(site, feed, self.parse_held_feed, "feed", errback=self.held_feed_failed,
                                       paged=1):
            site.rest_pending += 1  # page requests wait for the feed's dates, as for REST's
            yield request

    async def parse_held_feed(self, response: Response) -> AsyncIterator[Any]:
        """A page of the paged feed that stands in for a closed REST API: page requests wait until
        its last page, so each post is fetched once, with the feed's dates (Atom `<updated>` is
        the only modified time a stock WordPress publishes without REST)."""
        site = self.site(response)
        following = False
        async for item in self.parse_feed(response):
            if isinstance(item, scrapy.Request) and item.meta.get("paged"):
                # The next page is no hop (Scrapy's depth_reset): DEPTH_LIMIT never cuts a productive
                # feed, and the page requests it holds back go out shallow.
                item = item.replace(callback=self.parse_held_feed, errback=self.held_feed_failed, dont_filter=True)
                item.meta["depth_reset"] = True
                following = True
            yield item
        if not following:
            for request in self._rest_done(site):
                yield request

    def held_feed_failed(self, failure: Failure) -> Iterator[Any]:
        """The held feed chain ends at a failed page (WordPress answers 404 past the last one)."""
        yield from self.discovery_failed(failure)
        yield from self._rest_done(self.sites[failure.request.meta["site"]])

    def _rest_done(self, site: SiteState) -> Iterator[scrapy.Request]:
        """One REST page less to wait for; at zero, the parked page requests go out."""
        site.rest_pending -= 1
        if site.rest_pending <= 0:
            parked, site.parked = site.parked, []
            for request in parked:
                if not (site.rest_ok and (request.meta.get("via_listing") or request.meta.get("revisit"))):
                    yield request

    def discover_from_home(self, site: SiteState, response: Response, html: str) -> Iterator[scrapy.Request]:
        """The home page's feeds; on WordPress also the REST API and the core/SEO-plugin sitemaps."""
        for url in feed_links(html, response.url):
            yield from self.discover(site, url, self.parse_feed, "feed", announced=True)
        if site.config.kind != "generic":
            link_header = b", ".join(response.headers.getlist(b"Link")).decode("latin-1")
            site.wordpress_api = api_root(link_header, html, response.url)
            if not site.wordpress_api and site.config.kind == "wordpress":
                site.wordpress_api = urljoin(site.base_url, "wp-json/")
        if not site.wordpress_api:
            yield from self._open_sitemaps(site)
            return
        self.crawler.stats.set_value(f"news/sources/{site.name}/wordpress/detected", 1)
        self.crawler.stats.set_value("news/wordpress/detected", 1)
        self.logger.info("%s: WordPress; REST API at %s", site.name, site.wordpress_api)
        site.rest_pending += 1
        yield from self.discover(site, posts_url(site.wordpress_api, 1, site.config.since), self.parse_rest,
                                   "wp-rest", rest_page=1, errback=self.rest_failed)

    # --- pages --------------------------------------------------------------------------

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        """Extract the page (in a worker process); a listing (home, archive, pagination) also
        yields its links."""
        site = self.site(response)
        if response.status == 304:  # a revisited story, unchanged since its ETag / Last-Modified
            inc(self.crawler.stats, "revisit/not_modified", site.name)
            return
        inc(self.crawler.stats, "pages/fetched", site.name)
        content_type = _content_type(response)
        if not any(kind in content_type.lower() for kind in HTML_TYPES) and not (
            not content_type and isinstance(response, TextResponse)
        ):
            if response.meta.get("home"):
                for request in self._open_sitemaps(site):
                    yield request
            yield self._reject(site, response.url, "not_html", content_type or "no Content-Type", response.status)
            return
        is_text = isinstance(response, TextResponse)
        if response.meta.get("home"):
            if is_text:
                for request in self.discover_from_home(site, response, response.text):
                    yield request
            for request in self.revisit(site):
                yield request
        result = await self._extract(site, response, content_type, site.hints_for(response))
        if isinstance(result, Article):
            self._keep_validators(response)  # for the conditional GET of a later revisit
            for request in self._released(site, site.listings.article(response.url)):
                yield request
        elif result.reason in LISTING_REASONS and is_text and not site.rest_ok:
            links = page_links(response.text, response.url, site.base_url)
            seen = await self.seen_before(site, self._unseen_links(site, links))  # one store trip per listing page
            for request in self.follow_listing(site, response.url, links, seen):
                yield request
        yield result

    async def _extract(self, site: SiteState, response: Response, content_type: str, hints: dict) -> Article | Rejection:
        """The page prepared (crawler.prepare: extract, the source's parser, normalise, the
        `since` rule, MinHash), in a worker process or here; a multi-page story joined first."""
        config = site.config
        hints = {**hints, "prune": config.prune, "timezone": config.timezone, "language": config.language,
                 "since": config.since, "parser": config.parser}
        hints = {"content_type": content_type, "min_body_chars": self.settings.getint("NEWS_MIN_BODY_CHARS"),
                 **{k: v for k, v in hints.items() if v}}
        if site.boilerplate.hint:
            hints["boilerplate"] = site.boilerplate.hint
        now = datetime.now(timezone.utc).replace(microsecond=0)  # the fetch time: fetched_at, and no later date
        try:
            result = await StoryParts(self._prepare_step, self.crawler.engine.download_async, self.crawler.stats,
                                      self.settings.getint("NEWS_MAX_STORY_PARTS"), self.logger
                                      ).article(response, hints, now, site.name, urgent=self._waited_for(site, response))
        except WorkerFailed as failure:
            inc(self.crawler.stats, f"extract/{failure.reason}", site.name)
            return self._reject(site, response.url, failure.reason, str(failure), response.status)
        except Exception as exc:  # extraction must never stop the crawl
            self.logger.error("extraction failed on %s: %r", response.url, exc)
            return self._reject(site, response.url, "extract_error", repr(exc)[:DETAIL_CHARS], response.status)
        result.source = site.name
        if isinstance(result, Article):
            self._count_fields(site, result)
            inc(self.crawler.stats, "boilerplate/applied", site.name, int("boilerplate" in hints))
            result.fetched_from = (response.request.meta.get("redirect_urls") or [response.url])[0]
        else:
            result.url, result.status = response.url, response.status
        if isinstance(result, Article) or result.reason == "before_since":  # a story page of the site
            await self._learn_boilerplate(site, response.body)
        return result

    async def _prepare_step(self, name: str, *args: Any, urgent: bool = False) -> Article | Rejection:
        """A step of crawler.prepare (crawler.workers.TASKS) in a worker process, or here when
        NEWS_EXTRACT_WORKERS is 0: the same function either way."""
        if self.pool is not None:
            return await self.pool.run(name, *args, urgent=urgent)
        return TASKS[name](*args)

    @staticmethod
    def _waited_for(site: SiteState, response: Response) -> bool:
        """A page whose links discovery waits for: the home page, or one of a URL shape seen only
        as listing pages so far (the next page of an "Older posts" chain). Its extraction goes
        ahead of the queued story pages, so a long chain is never held up behind them."""
        return bool(response.meta.get("home")) or site.listings.likely_listing(response.url)

    async def _learn_boilerplate(self, site: SiteState, page: bytes) -> None:
        """Learn the blocks a source repeats once enough of its articles were seen; keep them."""
        learned = site.boilerplate.add(page)
        if learned is None:
            return
        inc(self.crawler.stats, "boilerplate/learned", site.name)
        if self.store is not None:  # written in the store's thread; a failure is logged there
            await self.store.save_boilerplate(site.name, learned)

    def _count_fields(self, site: SiteState, article: Article) -> None:
        """Extraction fill counts per source, for the run's health (crawler.health)."""
        stats = self.crawler.stats
        inc(stats, "extracted/articles", site.name)
        inc(stats, "extracted/with_authors", site.name, int(bool(article.authors)))
        inc(stats, "extracted/with_published", site.name, int(bool(article.published_at)))
        inc(stats, "extracted/short_body", site.name, int(len(article.body) < SHORT_BODY_CHARS))

    # --- failures -----------------------------------------------------------------------

    def page_failed(self, failure: Failure) -> Iterator[Rejection | scrapy.Request]:
        """A page request that ended without a usable response: one reject row with the reason."""
        request = failure.request
        site = self.sites[request.meta["site"]]
        url = request.meta.get("redirect_urls", [request.url])[0]  # the URL the crawl asked for
        if request.meta.get("home"):  # no home page to learn from: sitemaps it is
            yield from self._open_sitemaps(site)
            yield from self.revisit(site)
        if failure.check(HttpError) or request.meta.get("via_listing"):
            self._shape_stopped(site, url, site.listings.failed(url))
        if failure.check(HttpError):
            response = failure.value.response
            yield self._reject(site, url, f"http_{response.status}", f"HTTP {response.status}", response.status)
        else:
            reason = failure_reason(failure)
            name = failure.type.__name__ if failure.type else "error"
            yield self._reject(site, url, reason, f"{name}: {failure.getErrorMessage()}"[:DETAIL_CHARS])

    def discovery_failed(self, failure: Failure) -> Iterator[Rejection | scrapy.Request]:
        """Probing /sitemap.xml or a feed page that is not there is normal: a stat. A sitemap or
        feed that the site announced (robots.txt, a sitemap index, the home page) and that fails
        also leaves a rejects row."""
        request = failure.request
        kind = request.meta.get("discovery", "discovery")
        inc(self.crawler.stats, f"discovery/failed/{kind}", request.meta.get("site"))
        self.logger.debug("discovery %s failed (%s): %s", kind, failure.getErrorMessage(), request.url)
        if kind == "robots":  # no robots.txt: the sitemap probes need not wait for it
            yield from self._robots_read(self._first_url(request), [])
        if request.meta.get("announced"):
            yield from self.page_failed(failure)

    # --- the subclass API (README, "Declared sources": a spider for a site the keys cannot express) ---
    # start_site(site) yields a source's first requests; a `parse_*` callback gets its SiteState with
    # site(response), asks the store once per page with seen_before(site, urls), and yields
    # discover(...) for further listing documents and page(...) for the stories they list.

    def site(self, response: Response) -> SiteState:
        """The crawl state of the source a response belongs to."""
        return self.sites[response.meta["site"]]

    def discover(self, site: SiteState, url: str, callback, kind: str, errback=None,
                 **meta: Any) -> Iterator[scrapy.Request]:
        """A request for a discovery document (sitemap, feed, API page...) of `site`, parsed by
        `callback`; `kind` names it in stats and rejects; `announced=True` when the site itself
        listed it (then a failure leaves a rejects row). Off-site URLs yield nothing."""
        if site.is_on_site(url, self.crawler.stats):
            headers, meta = {}, {"site": site.name, "discovery": kind, **meta}
            if kind in ("feed", "sitemap") and not self.store_was_empty and not self.recrawl_all:
                self._conditional(meta)
            yield scrapy.Request(url, callback=callback, errback=errback or self.discovery_failed,
                                 priority=DISCOVERY_PRIORITY, headers=headers, meta=meta)

    def page(self, site: SiteState, url: str, hints: dict, seen: Seen | None = None) -> Iterator[scrapy.Request]:
        """A story page found by discovery (sitemap, feed, REST, an API), requested once per run
        (parked while WordPress REST is pending), within the source's rules and budget; `hints`
        (title, published_at, modified_at, authors, origin...) refine its extraction, later hints
        for it merge; `seen` (from seen_before) skips what earlier crawls stored or rejected."""
        if not site.is_on_site(url, self.crawler.stats) or not site.allows(url):
            return
        key = canonical_url(url)
        if key in site.seen:
            if hints and key in site.hints_by_url:  # not fetched yet: the better hints still count
                site.remember(url, hints)
            return
        if not self._worth_fetching(site, url, hints, seen):
            return
        site.seen.add(key)
        if hints:
            site.remember(url, hints)
        yield from self._send(site, self._page_request(site, url))

    def _send(self, site: SiteState, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """Park the request while WordPress REST is pending, else spend the source's budget on it."""
        if site.rest_pending > 0:
            site.parked.append(request)
            site.hints_by_url.setdefault(canonical_url(request.url), {})  # hints found while it waits still count
        elif site.take_budget(self.crawler.stats):
            yield request

    def follow_listing(self, site: SiteState, page_url: str, links: list[str],
                       seen: Seen | None = None) -> Iterator[scrapy.Request]:
        """The links of a listing page (home, pagination, archive, category...): each new one is
        followed unless its URL shape is stopped or on probation (crawler.spiders.listings); the
        page's productivity decides whether its own shape goes on."""
        stats, listings = self.crawler.stats, site.listings
        new: list[str] = []
        new_keys: list[str] = []
        known = 0
        seen_stories: list[str] = []  # stories this run met first elsewhere
        follow: list[str] = []
        for url in links:
            if not site.allows(url):
                continue
            key = canonical_url(url)
            if key in site.seen:
                if listings.is_story(url):
                    if key in site.stored:
                        known += 1
                    else:
                        seen_stories.append(key)
                continue
            site.seen.add(key)
            stopped = listings.stopped_kind(url)
            if stopped:  # no store lookup for a link of a stopped shape (traps bring thousands)
                listings.state(url).skipped += 1
                inc(stats, f"listing/skipped/{stopped}", site.name)
                continue
            story = listings.may_be_story(url)
            skip = self._incremental_skip(site, url, {}, seen)
            if skip:  # stored, or rejected for good, by an earlier run
                if skip == "stored":
                    listings.article(url)  # a stored story: its shape is one of stories
                    site.stored.add(key)
                    if site.resume:
                        new.append(url)
                    else:
                        known += 1
                continue
            if story:
                new.append(url)
                new_keys.append(key)
            decision = listings.offer(url)
            if decision == "follow":
                follow.append(url)
            elif decision == "hold":
                inc(stats, "listing/held", site.name)
            else:
                inc(stats, f"listing/skipped/{decision}", site.name)
                if decision == "backlog_full" and stats.get_value(f"news/sources/{site.name}/listing/skipped/backlog_full") == 1:
                    self.logger.warning("%s: links shaped %s waiting on probation past %d: further ones not followed",
                                        site.name, url_shape(url), MAX_BACKLOG)
        verdict = listings.listing(page_url, new, known, seen_stories, new_keys)
        self._shape_stopped(site, page_url, verdict)
        yield from self._listing_requests(site, follow, page_url)
        yield from self._released(site, verdict.release)

    def _released(self, site: SiteState, urls: list[str]) -> Iterator[scrapy.Request]:
        """Links held on probation, requested now that their URL shape proved to lead to stories."""
        if urls:
            inc(self.crawler.stats, "listing/held", site.name, -len(urls))
            yield from self._listing_requests(site, urls, "")

    def _listing_requests(self, site: SiteState, urls: list[str], page_url: str) -> Iterator[scrapy.Request]:
        """Requests for listing-found links; the next page of a listing's own shape (pagination)
        does not count as a hop for DEPTH_LIMIT, which then never cuts a productive chain."""
        shape = url_shape(page_url)
        for url in urls:
            inc(self.crawler.stats, "discovered/listing", site.name)
            request = self._page_request(site, url, via_listing=True)
            if url_shape(url) == shape:  # the next page of a listing: discovery, ahead of the stories queued
                request.meta["depth_reset"] = True
                request.priority = DISCOVERY_PRIORITY
            yield from self._send(site, request)

    def _shape_stopped(self, site: SiteState, url: str, verdict: Verdict) -> None:
        """Count (and for a trap, warn about) a URL shape whose listing pages stopped paying."""
        kind = verdict.stopped
        if kind is None:
            return
        shape = url_shape(url)
        stats = self.crawler.stats
        inc(stats, f"listing/stopped/{kind}", site.name)
        if verdict.dropped:
            inc(stats, "listing/held", site.name, -verdict.dropped)
            inc(stats, f"listing/skipped/{kind}", site.name, verdict.dropped)
        if kind == "trap":
            stats.set_value(f"news/sources/{site.name}/listing/trap_shape/{shape}", 1)
        log = self.logger.warning if kind == "trap" else self.logger.info
        log("%s: links shaped %s no longer followed (%s: %d pages in a row brought nothing new)",
            site.name, shape, kind, site.listings.patience)

    def _worth_fetching(self, site: SiteState, url: str, hints: dict, seen: Seen | None = None) -> bool:
        """False for a story already stored (under this URL or an alias) that no discovery says
        has changed since, or a page rejected for good; NEWS_RECRAWL=all fetches everything again."""
        return self._incremental_skip(site, url, hints, seen) is None

    async def seen_before(self, site: SiteState, urls: Iterable[str]) -> Seen:
        """What earlier crawls stored or rejected of the URLs one discovery page brought: one
        trip to the store's thread for them all (none for a first crawl or NEWS_RECRAWL=all)."""
        if self.recrawl_all or self.store is None or self.store_was_empty:
            return Seen()
        return await self.store.seen_before(list(dict.fromkeys(urls)))

    def _unseen_links(self, site: SiteState, links: list[str]) -> list[str]:
        """The links of a listing page follow_listing may look up (not of a stopped URL shape)."""
        return [url for url in links if site.allows(url) and canonical_url(url) not in site.seen
                and not site.listings.stopped_kind(url)]

    def _incremental_skip(self, site: SiteState, url: str, hints: dict, seen: Seen | None = None) -> str | None:
        """Why an incremental crawl need not fetch `url` ("stored" or "rejected"), or None;
        `seen` is what the store said of the page's URLs (crawler.crawlstore.seen_before)."""
        if self.recrawl_all or self.store is None or self.store_was_empty or seen is None:
            return None
        known = seen.stored.get(url)
        if known is None:
            if seen.rejected.get(url) in SETTLED_REJECTS:
                inc(self.crawler.stats, "incremental/skipped_rejected", site.name)
                return "rejected"
            return None
        if changed_since(known, hints):
            inc(self.crawler.stats, "incremental/changed", site.name)
            return None
        inc(self.crawler.stats, "incremental/skipped_stored", site.name)
        return "stored"

    def _page_request(self, site: SiteState, url: str, via_listing: bool = False) -> scrapy.Request:
        meta: dict[str, Any] = {"site": site.name, "via_listing": via_listing}
        headers: dict[str, str] = {}
        if canonical_url(url) in site.revisits and self.store is not None:
            meta["revisit"] = True
            self._conditional(meta)
        return scrapy.Request(url, callback=self.parse_page, errback=self.page_failed, headers=headers, meta=meta)

    @staticmethod
    def _conditional(meta: dict[str, Any]) -> None:
        """Ask for a conditional GET: crawler.crawlstore.ConditionalGetMiddleware adds the
        If-None-Match / If-Modified-Since the store kept (one trip per callback's requests); a 304
        answer then reaches the callback."""
        meta["conditional"] = True
        meta["handle_httpstatus_list"] = [304]

    def discovery_error(self, site: SiteState, url: str, kind: str, detail: str) -> Iterator[Rejection]:
        """A sitemap or feed that does not parse: a stat, a log line, and a rejects row."""
        inc(self.crawler.stats, f"discovery/invalid/{kind}", site.name)
        self.logger.warning("discovery %s ignored (%s): %s", kind, detail, url)
        yield self._reject(site, url, f"invalid_{kind}", detail)

    def _reject(self, site: SiteState, url: str, reason: str, detail: str, status: int | None = None) -> Rejection:
        return Rejection(url=url, reason=reason, detail=detail, source=site.name, status=status)
