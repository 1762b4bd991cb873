"""An example of a source-specific spider: a site whose home page is a JavaScript app shell, with no
links, feed or sitemap; its articles are listed only by a paged JSON API. Everything else (fetching,
extraction, rejects, stores, incremental skips) is the `news` spider's.

    scrapy crawl news-json-api -a url=https://site.example/ -a api=/api/articles?page=1
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response

from crawler.extract import Rejection
from crawler.spiders.news import NewsSpider
from crawler.spiders.site import SiteState


class JsonApiNewsSpider(NewsSpider):
    """`news` plus a JSON listing: {"articles": [{"url", "title", "published"}], "next": url|null}."""

    name = "news-json-api"

    def __init__(self, *args, api: str = "/api/articles?page=1", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.api = api

    def start_site(self, site: SiteState) -> Iterator[scrapy.Request]:
        yield from super().start_site(site)
        yield from self.discover(site, urljoin(site.base_url, self.api), self.parse_api, "api", announced=True)

    async def parse_api(self, response: Response) -> AsyncIterator[scrapy.Request | Rejection]:
        site = self.site(response)
        try:
            listing = json.loads(response.body)
            articles, next_page = listing["articles"], listing.get("next")
        except (ValueError, KeyError, TypeError) as exc:
            for rejection in self.discovery_error(site, response.url, "api", f"not an article listing: {exc!r}"):
                yield rejection
            return
        urls = [urljoin(response.url, article["url"]) for article in articles]
        seen = await self.seen_before(site, urls)  # what earlier crawls stored or rejected: one store trip
        for url, article in zip(urls, articles):
            hints = {"title": article.get("title"), "published_at": article.get("published"), "origin": "feed"}
            for request in self.page(site, url, {k: v for k, v in hints.items() if v}, seen):
                yield request
        if next_page:
            for request in self.discover(site, urljoin(response.url, next_page), self.parse_api, "api", announced=True):
                yield request
