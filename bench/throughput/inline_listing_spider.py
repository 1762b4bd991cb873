"""The usual hand-rolled Scrapy project for a site without sitemaps: listings in, trafilatura in the callback.

    scrapy runspider bench/throughput/inline_listing_spider.py -a url=http://127.0.0.1:18089/ -O articles.jsonl

It starts at the home page and follows, as a project written for that site would, only the story
links of each listing (`h2.entry-title a`) and its "Older posts" link; it never looks at
category, tag or author archives. Each story is extracted on the reactor thread, in the callback,
with the same call as inline_spider.py. bench.py runs it outside the repo (so this project's
settings and pipelines are not loaded), with the same throttling and concurrency settings as
`scrapy crawl news`.
"""

import json

import scrapy
import trafilatura


class InlineListingSpider(scrapy.Spider):
    name = "inline-listing"
    custom_settings = {"ROBOTSTXT_OBEY": True}  # what `scrapy startproject` sets

    def __init__(self, url: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.start_urls = [url]

    def parse(self, response):
        yield from response.follow_all(css="h2.entry-title a", callback=self.parse_article)
        yield from response.follow_all(xpath='//a[normalize-space()="Older posts"]', callback=self.parse)

    def parse_article(self, response):
        extracted = trafilatura.extract(response.text, output_format="json", with_metadata=True)
        if extracted:
            yield json.loads(extracted)
