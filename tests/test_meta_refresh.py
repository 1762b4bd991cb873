"""Meta refresh looked for in a page's bytes first (crawler.fetch.middlewares
.BytesFirstMetaRefreshMiddleware): it redirects exactly where Scrapy's own MetaRefreshMiddleware
does, for pages in UTF-8, windows-1256 and UTF-16, a refresh early, late or hidden in <noscript>,
and a crawl follows a moved story's refresh to the story."""

from __future__ import annotations

import sqlite3

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from conftest import crawl_site, write_site
from crawler.fetch.middlewares import BytesFirstMetaRefreshMiddleware

ARABIC = "قالت سلطة المياه في البصرة إن مستوى شط العرب انخفض منذ آذار. "
REFRESH = '<meta http-equiv="refresh" content="0; url=/moved/story/">'


def _page(head_filler: str, refresh: str, body: str = "<p>text</p>") -> str:
    return f"<html><head><title>t</title>{head_filler}{refresh}</head><body>{body}</body></html>"


PAGES = {
    "utf-8, early": (_page("", REFRESH), "utf-8"),
    "utf-8, upper case": (_page("", REFRESH.replace("refresh", "REFRESH")), "utf-8"),
    "utf-8, none": (_page("", ""), "utf-8"),
    # 3,000 Arabic characters before it: past 4096 bytes, within Scrapy's 4096 characters
    "utf-8 Arabic, late in bytes": (_page(f"<meta name='d' content='{ARABIC * 50}'>", REFRESH), "utf-8"),
    # past Scrapy's 4096 characters: no redirect from either
    "utf-8, past 4096 characters": (_page(f"<style>{'x' * 5000}</style>", REFRESH), "utf-8"),
    "utf-8, in noscript": (_page("", f"<noscript>{REFRESH}</noscript>"), "utf-8"),
    "windows-1256": (_page(f"<meta name='d' content='{ARABIC * 10}'>", REFRESH, f"<p>{ARABIC}</p>"), "windows-1256"),
    "utf-16": (_page("", REFRESH), "utf-16"),
    "utf-16, none": (_page("", ""), "utf-16"),
}


@pytest.mark.parametrize("name", PAGES)
def test_bytes_first_redirects_where_scrapy_does(name):
    html, charset = PAGES[name]
    crawler = get_crawler(settings_dict={"METAREFRESH_ENABLED": True})
    ours, scrapys = BytesFirstMetaRefreshMiddleware.from_crawler(crawler), MetaRefreshMiddleware.from_crawler(crawler)
    request = Request("http://news.example/old/story/")
    response = HtmlResponse(request.url, body=html.encode(charset), request=request,
                            headers={"Content-Type": f"text/html; charset={charset}"})
    got, expected = ours.process_response(request, response), scrapys.process_response(request, response)
    assert type(got) is type(expected)
    if isinstance(expected, Request):
        assert got.url == expected.url == "http://news.example/moved/story/"
    else:
        assert got is response
    assert ("none" in name or "past" in name or "noscript" in name) == (got is response)


def test_a_crawl_follows_a_moved_storys_refresh(tmp_path):
    story = ("<html><head><title>Shatt al-Arab falls</title>"
             '<meta property="article:published_time" content="2024-05-02T08:00:00+03:00"></head><body><article>'
             "<h1>Shatt al-Arab falls</h1>" + "".join(f"<p>{ARABIC * 3}</p>" for _ in range(4)) +
             "</article></body></html>")
    files = {
        "index.html": '<html><body><a href="/old/story/">story</a> <a href="/old/arabic/">arabic</a></body></html>',
        "old/story/index.html": _page("", REFRESH),
        "old/arabic/index.html": _page("", REFRESH.replace("/moved/story/", "/moved/arabic/")),
        "moved/story/index.html": story,
        "moved/arabic/index.html": story.replace("Shatt al-Arab falls", "Basra water").replace("آذار", "نيسان"),
    }
    write_site(tmp_path / "site", files, {name: "windows-1256" for name in files if "arabic" in name})
    result, base = crawl_site(tmp_path / "site", tmp_path / "news.db")
    with sqlite3.connect(tmp_path / "news.db") as conn:
        rows = dict(conn.execute("SELECT url, title FROM articles"))
    base = base.rstrip("/")
    assert rows == {f"{base}/moved/story/": "Shatt al-Arab falls", f"{base}/moved/arabic/": "Basra water"}
    assert result.stats.get("downloader/response_count", 0) >= 5
