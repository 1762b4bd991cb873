"""The usual hand-rolled Scrapy project, as one file: sitemaps in, trafilatura in the callback, JSON lines out.

    scrapy runspider bench/throughput/inline_spider.py -a url=http://127.0.0.1:18089/ -O articles.jsonl

It follows robots.txt's `Sitemap:` lines (sitemap indexes too) and extracts every page on the
reactor thread, in the callback, as most Scrapy projects do. bench.py runs it outside the repo
(so this project's settings and pipelines are not loaded), with the same throttling and
concurrency settings as `scrapy crawl news`.
"""

import json
from urllib.parse import urljoin

import trafilatura
from scrapy.spiders import SitemapSpider


class InlineSpider(SitemapSpider):
    name = "inline"
    custom_settings = {"ROBOTSTXT_OBEY": True}  # what `scrapy startproject` sets

    def __init__(self, url: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sitemap_urls = [urljoin(url, "/robots.txt")]

    def parse(self, response):
        extracted = trafilatura.extract(response.text, output_format="json", with_metadata=True)
        if extracted:
            yield json.loads(extracted)
