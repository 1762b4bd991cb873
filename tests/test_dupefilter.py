"""crawler.dupefilter.CompactDupeFilter (#19): Scrapy's duplicate-request filter with 8-byte keys
answers as Scrapy's own does, through Scrapy's real scheduler and in a real crawl, in a fifth of
the memory."""

from __future__ import annotations

import tracemalloc

from scrapy import Request
from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from conftest import run_crawl
from crawler.dupefilter import CompactDupeFilter
from route_server import Answer, serve_routes
from slow_site import story

REQUESTS = [
    Request("https://news.example/2024/05/01/a-story/"),
    Request("https://news.example/2024/05/01/a-story/#comments"),  # the same page (fragments are not sent)
    Request("https://news.example/search?b=2&a=1"),
    Request("https://news.example/search?a=1&b=2"),  # the same query, other order
    Request("https://news.example/search?a=1&b=2", method="POST", body=b"q=harbour"),
    Request("https://news.example/search?a=1&b=2", method="POST", body=b"q=railway"),
    Request("https://news.example/2024/05/01/a-story/"),
]


def dupefilter(cls: type, **settings) -> RFPDupeFilter:
    return build_from_crawler(cls, get_crawler(settings_dict=settings))


def test_it_filters_as_scrapys_filter_does():
    scrapys, ours = dupefilter(RFPDupeFilter), dupefilter(CompactDupeFilter)
    expected = [scrapys.request_seen(request) for request in REQUESTS]
    assert expected == [False, True, False, True, False, False, True]
    assert [ours.request_seen(request) for request in REQUESTS] == expected


def test_scrapys_scheduler_keeps_dont_filter_and_counts_what_it_filters():
    # the plain priority queue: the default one asks a running engine's downloader
    crawler = get_crawler(settings_dict={"DUPEFILTER_CLASS": "crawler.dupefilter.CompactDupeFilter",
                                         "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"})
    crawler.spider = crawler._create_spider("test")
    scheduler = Scheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    assert isinstance(scheduler.df, CompactDupeFilter)
    url = "https://news.example/2024/05/01/a-story/"
    assert scheduler.enqueue_request(Request(url))
    assert not scheduler.enqueue_request(Request(url))
    assert scheduler.enqueue_request(Request(url, dont_filter=True))
    assert crawler.stats.get_value("dupefilter/filtered") == 1
    assert len(scheduler) == 2
    scheduler.close("finished")


def test_jobdir_fingerprints_are_read_and_written_in_scrapys_format(tmp_path):
    """A JOBDIR written by Scrapy's filter is read by ours and the other way round."""
    first, later = REQUESTS[:4], REQUESTS[4:]
    scrapys = RFPDupeFilter(str(tmp_path))
    assert [scrapys.request_seen(request) for request in first] == [False, True, False, True]
    scrapys.close("shutdown")
    ours = CompactDupeFilter(str(tmp_path))
    assert all(ours.request_seen(request) for request in first)
    assert [ours.request_seen(request) for request in later] == [False, False, True]
    ours.close("shutdown")
    again = RFPDupeFilter(str(tmp_path))
    assert all(again.request_seen(request) for request in REQUESTS)
    again.close("finished")


def test_it_holds_a_fifth_of_what_scrapys_filter_holds():
    """Each request made, filtered and let go, as in a crawl: what stays is the filter's."""
    def request(n: int) -> Request:
        return Request(f"https://news.example/{2000 + n % 25}/{n % 12 + 1:02d}/story-number-{n}/")
    held = {}
    for cls in (RFPDupeFilter, CompactDupeFilter):
        found = dupefilter(cls)
        tracemalloc.start()
        for n in range(20_000):  # a 32,000-page site makes ~45,000 (#19)
            found.request_seen(request(n))
        held[cls.__name__] = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        assert all(found.request_seen(request(n)) for n in range(0, 20_000, 97))
        assert not found.request_seen(request(20_000))
    print(f"\n20,000 fingerprints: Scrapy's {held['RFPDupeFilter'] / 1e6:.1f} MB, "
          f"compact {held['CompactDupeFilter'] / 1e6:.1f} MB")
    assert held["CompactDupeFilter"] < held["RFPDupeFilter"] / 5


def serve_renamed_stories(count: int, renamed: int):
    """A home page listing `count` stories, the first `renamed` of them also under their old
    address, which answers a 301 to the new one (a slug changed after publication)."""
    def answer(path: str, query, headers) -> Answer:
        if path == "/":
            links = [f'<li><a href="/news/story-{n}.html">Story {n}</a></li>' for n in range(count)]
            links += [f'<li><a href="/old/story-{n}.html">Story {n} (first version)</a></li>' for n in range(renamed)]
            return Answer(200, f"<!DOCTYPE html><html><head><title>District News</title></head><body>"
                               f"<h1>District News</h1><ul>{''.join(links)}</ul></body></html>".encode())
        if path.startswith("/old/story-"):
            return Answer(301, b"", headers={"Location": path.replace("/old/", "/news/")})
        if path.startswith("/news/story-") and path.endswith(".html"):
            return Answer(200, story(int(path[len("/news/story-"):-len(".html")])).encode("utf-8"))
        return Answer(404, b"<html><body>not found</body></html>")
    return serve_routes(answer)


def test_a_crawl_filters_redirects_to_pages_it_requested_as_scrapys_filter_does(tmp_path):
    server = serve_renamed_stories(count=6, renamed=3)
    try:
        runs = {name: run_crawl(server.base, tmp_path / f"{name}.db", "-a", "source_name=district",
                                "-s", "LOG_LEVEL=DEBUG", "-s", f"DUPEFILTER_CLASS={cls}", "-s", "NEWS_EXTRACT_WORKERS=0")
                for name, cls in (("ours", "crawler.dupefilter.CompactDupeFilter"),
                                  ("scrapys", "scrapy.dupefilters.RFPDupeFilter"))}
    finally:
        server.shutdown()
    for name, run in runs.items():
        assert run.returncode == 0, run.log[-3000:]
        assert run.stats["news/stored/new"] == 6, name
        assert run.stats["dupefilter/filtered"] == 3, name  # each renamed story's second way in
        assert "Filtered duplicate request: <GET " in run.log
    assert "Traceback" not in runs["ours"].log
