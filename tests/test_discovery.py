"""Discovery parsers: sitemaps (index, news, gzip), feeds, robots, links."""

from __future__ import annotations

import gzip

from crawler.discovery import feed_links, page_links, parse_feed, parse_sitemap, sitemaps_from_robots
from crawler.discovery.links import is_followable

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://site.example/a.html</loc><lastmod>2025-03-02</lastmod><news:news>
<news:publication><news:name>Site</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2025-03-01T09:30:00+04:00</news:publication_date><news:title>A story</news:title></news:news></url>
</urlset>"""


def test_news_sitemap_gives_url_title_and_date():
    [entry] = parse_sitemap(NEWS_SITEMAP).entries
    assert (entry.url, entry.title, entry.published_at, entry.lastmod, entry.is_sitemap) == (
        "https://site.example/a.html", "A story", "2025-03-01T09:30:00+04:00", "2025-03-02", False)
    assert entry.hints() == {"title": "A story", "published_at": "2025-03-01T09:30:00+04:00", "lastmod": "2025-03-02",
                             "origin": "sitemap"}


def test_sitemap_index_entries_are_sitemaps():
    body = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://s.example/1.xml.gz</loc></sitemap></sitemapindex>'
    assert [(e.url, e.is_sitemap) for e in parse_sitemap(body).entries] == [("https://s.example/1.xml.gz", True)]


def test_gzipped_sitemap_round_trip_and_non_sitemaps():
    assert parse_sitemap(gzip.decompress(gzip.compress(NEWS_SITEMAP))).entries[0].title == "A story"
    assert parse_sitemap(b"<html><body>not a sitemap</body></html>") is None
    assert parse_sitemap(b"\x00\x01 garbage") is None


def test_entity_bombs_are_refused_and_malformed_xml_flagged():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://s.example/&lol2;</loc></url></urlset>"""
    refused = parse_sitemap(bomb)
    assert refused.entries == [] and refused.error == "entity declarations refused"
    assert parse_feed(bomb.replace(b"urlset", b"rss"), "https://s.example/") is None
    broken = parse_sitemap(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://s.example/a</loc></url><url><loc>')
    assert broken.error.startswith("malformed XML") and [e.url for e in broken.entries] == ["https://s.example/a"]


def test_rss_and_atom_feeds():
    rss = b"""<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>
<item><title>One</title><link>https://s.example/one/</link><dc:creator>Nadia Karim</dc:creator>
<pubDate>Tue, 23 Nov 2021 07:10:00 +0000</pubDate></item></channel></rss>"""
    [entry] = parse_feed(rss, "https://s.example/feed/")
    assert (entry.url, entry.title, entry.published_at, entry.authors) == (
        "https://s.example/one/", "One", "2021-11-23T07:10:00+00:00", ["Nadia Karim"])
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>Two</title><link rel="alternate" href="https://s.example/two/"/><author><name>Omar</name></author>
<published>2021-02-10T09:00:00Z</published><updated>2021-02-11T05:30:00Z</updated></entry></feed>"""
    [entry] = parse_feed(atom, "https://s.example/feed/atom/")
    assert (entry.published_at, entry.modified_at) == ("2021-02-10T09:00:00+00:00", "2021-02-11T05:30:00+00:00")
    assert parse_feed(b"<html><body>no</body></html>", "https://s.example/") is None


def test_robots_sitemap_lines():
    text = "User-agent: *\nDisallow: /wp-admin/\nSitemap: https://s.example/wp-sitemap.xml\nsitemap:https://s.example/news.xml\n"
    assert sitemaps_from_robots(text) == ["https://s.example/wp-sitemap.xml", "https://s.example/news.xml"]


def test_links_stay_on_the_site_and_skip_assets():
    html = """<html><head><link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="alternate" type="application/rss+xml" href="/comments/feed/"></head><body>
<a href="/2021/story/">s</a><a href="/2021/story/#comments">again</a><a href="https://other.example/x">off</a>
<a href="http://s.example:8080/y">other port</a><a href="/wp-admin/">admin</a><a href="/img/a.jpg">img</a>
<a href="/story/?replytocom=3">reply</a><a href="mailto:a@b">mail</a><a href="javascript:void(0)">js</a></body></html>"""
    assert feed_links(html, "http://s.example/") == ["http://s.example/feed/"]
    assert page_links(html, "http://s.example/", "http://s.example/") == ["http://s.example/2021/story/"]
    assert not is_followable("ftp://s.example/x", "http://s.example/")
