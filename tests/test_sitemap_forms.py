"""Sitemaps as the sitemaps.org protocol and search engines read them, crawled for real: one
generated site per form on 127.0.0.1 (robots.txt key spellings, feeds and plain-text lists given as
sitemaps, gzipped or not and under wrong Content-Types, an index only at /sitemap_index.xml that
points at itself, files cut mid-entry), each crawled by `scrapy crawl news -a url=`. Articles are
linked from no page: only the sitemaps find them. Every listed page must be stored, and nothing
invented: no request for a cut URL, no page the sitemaps do not list."""

from __future__ import annotations

import gzip
import random
import sqlite3
import threading
import zlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from conftest import run_crawl
from route_server import Answer, RouteServer, serve_routes

SM = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
WORDS = {
    "who": ["The council", "Engineers", "The ministry", "Farmers", "Port workers", "The university", "Residents",
            "The governor", "Doctors", "A trade delegation", "The rail company", "Teachers"],
    "did": ["approved a plan to rebuild", "began repairs on", "opened talks about", "published figures on",
            "raised concerns over", "secured funding for", "completed a survey of", "voted to expand"],
    "what": ["the northern water network", "three river bridges", "the old grain market", "a new bus depot",
             "the district hospital", "the coastal road", "two primary schools", "the city archive"],
    "when": ["on Sunday", "last week", "after months of delay", "before the summer heat", "this morning",
             "ahead of the holiday", "despite the storm", "within the year"],
    "why": ["officials said in a statement", "according to local reporters", "as demand keeps rising",
            "citing safety inspections", "after a public consultation", "to ease traffic at the border"],
}


def prose(seed: int, sentences: int = 6) -> str:
    """A paragraph of plain news prose, distinct per seed (deterministic)."""
    rng = random.Random(seed)
    return " ".join(f"{rng.choice(WORDS['who'])} {rng.choice(WORDS['did'])} {rng.choice(WORDS['what'])} "
                    f"{rng.choice(WORDS['when'])}, {rng.choice(WORDS['why'])}, in case {seed}-{n}."
                    for n in range(sentences))


def article_html(number: int, title: str) -> bytes:
    paragraphs = "\n".join(f"<p>{prose(number * 10 + i)}</p>" for i in range(4))
    day = 1 + number % 27
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Test Post</title>'
            f'<meta property="og:type" content="article"></head><body><header><a href="/">Test Post</a></header>'
            f'<main><article><h1>{title}</h1><time datetime="2024-05-{day:02d}T09:30:00+03:00">May {day}</time>'
            f"{paragraphs}</article></main><footer>© Test Post</footer></body></html>").encode()


HOME = (b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test Post</title></head><body>'
        b"<h1>Test Post</h1><p>News from the region. Our stories are listed in our sitemaps.</p></body></html>")
SOFT_404 = (b'<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Oops</h1>'
            b"<p>The page you asked for is not here.</p></body></html>")


@dataclass
class Site:
    """A generated site: path -> (Content-Type, body); every request it answered, in order."""

    name: str
    routes: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # article path -> title
    requests: list[str] = field(default_factory=list)
    cut_urls: set[str] = field(default_factory=set)  # URLs of entries a cut file lost (never to be requested)
    base: str = ""
    server: RouteServer | None = None

    def page(self, slug: str) -> str:
        """Add an article; its absolute URL."""
        number = len(self.pages) + 1 + 100 * sum(map(ord, self.name))
        path = f"/2024/05/{slug}/"
        title = f"{slug.replace('-', ' ').capitalize()} in the {self.name} edition"
        self.pages[path] = title
        self.routes[path] = ("text/html; charset=utf-8", article_html(number, title))
        return self.base + path

    def urls(self) -> set[str]:
        return {self.base + path for path in self.pages}


def serve(site: Site) -> None:
    """Serve `site` on a free 127.0.0.1 port (tests/route_server.py), recording every request."""
    lock = threading.Lock()

    def answer(path: str, query, headers) -> Answer:
        with lock:
            site.requests.append(path)
        content_type, body = site.routes.get(path, ("text/html; charset=utf-8", SOFT_404))
        return Answer(200 if path in site.routes else 404, body, content_type)

    site.server = serve_routes(answer)
    site.base = site.server.base.rstrip("/")


def urlset(urls: list[str], news: bool = False) -> bytes:
    rows = []
    for i, url in enumerate(urls):
        extra = (f"<news:news><news:publication><news:name>Test Post</news:name><news:language>en</news:language>"
                 f"</news:publication><news:publication_date>2024-05-{i % 28 + 1:02d}T09:30:00+03:00"
                 f"</news:publication_date><news:title>Story {i}</news:title></news:news>") if news else ""
        rows.append(f"<url><loc>{url}</loc><lastmod>2024-05-{i % 28 + 1:02d}</lastmod>{extra}</url>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {SM} {NEWS if news else ""}>\n'
            + "\n".join(rows) + "\n</urlset>\n").encode()


def index(urls: list[str]) -> bytes:
    rows = "\n".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {SM}>\n{rows}\n</sitemapindex>\n'.encode()


def rss(site: Site, urls: list[str]) -> bytes:
    items = "".join(f"<item><title>{site.pages[urlsplit(u).path]}</title><link>{u}</link>"
                    f"<pubDate>Thu, 0{i + 1} May 2024 06:30:00 +0000</pubDate><author>desk@test.example (Desk)</author>"
                    f"</item>" for i, u in enumerate(urls))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test Post</title>'
            f"<link>{site.base}/</link><description>News</description>{items}</channel></rss>").encode()


def atom03(site: Site, urls: list[str]) -> bytes:
    entries = "".join(f'<entry><title>{site.pages[urlsplit(u).path]}</title><link rel="alternate" type="text/html" '
                      f'href="{u}"/><id>{u}</id><issued>2024-05-0{i + 1}T06:30:00Z</issued>'
                      f"<modified>2024-05-0{i + 1}T08:00:00Z</modified><author><name>Desk</name></author></entry>"
                      for i, u in enumerate(urls))
    return (f'<?xml version="1.0" encoding="UTF-8"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">'
            f"<title>Test Post</title><modified>2024-05-03T08:00:00Z</modified>{entries}</feed>").encode()


def atom10(site: Site, urls: list[str]) -> bytes:
    entries = "".join(f'<entry><title>{site.pages[urlsplit(u).path]}</title><link rel="alternate" href="{u}"/>'
                      f"<id>{u}</id><published>2024-05-0{i + 1}T06:30:00Z</published>"
                      f"<updated>2024-05-0{i + 1}T08:00:00Z</updated><author><name>Desk</name></author></entry>"
                      for i, u in enumerate(urls))
    return (f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Test Post</title><id>{site.base}/</id><updated>2024-05-03T08:00:00Z</updated>{entries}</feed>").encode()


def text_list(urls: list[str]) -> bytes:
    return "".join(url + "\n" for url in urls).encode()


XML, GZ, TEXT, HTML = "application/xml", "application/x-gzip", "text/plain; charset=utf-8", "text/html; charset=utf-8"


def base_site(name: str, robots: str | None) -> Site:
    site = Site(name)
    serve(site)
    site.routes["/"] = (HTML, HOME)
    if robots is not None:
        site.routes["/robots.txt"] = (TEXT, robots.replace("BASE", site.base).encode())
    return site


def robots_keys_site() -> Site:
    """robots.txt lists its sitemaps under every spelling engines accept; `Site-map:` leads to a
    Google News sitemap branch (an index and its child)."""
    site = base_site("keys", "User-agent: *\nDisallow: /private/\n\nSitemap: BASE/sm-plain.xml\n"
                             "sitemap: BASE/sitemap.xml\nSite-map: BASE/news/sitemap-index.xml\n"
                             "   SITEMAP   :   BASE/sm-spaced.xml   \nSite map: BASE/sm-two-words.xml\n"
                             "Sitemap BASE/sm-no-colon.xml\n")
    for name in ("sm-plain.xml", "sitemap.xml", "sm-spaced.xml", "sm-two-words.xml", "sm-no-colon.xml"):
        stem = name.removesuffix(".xml")
        site.routes[f"/{name}"] = (XML, urlset([site.page(f"{stem}-story-{i}") for i in (1, 2)]))
    site.routes["/news/sitemap-index.xml"] = (XML, index([site.base + "/news/sitemap-news.xml"]))
    site.routes["/news/sitemap-news.xml"] = (XML, urlset([site.page(f"google-news-{i}") for i in (1, 2, 3)], news=True))
    return site


def feeds_site() -> Site:
    """Three feeds given as sitemaps in robots.txt, one under an HTML Content-Type."""
    site = base_site("feeds", "User-agent: *\nSitemap: BASE/feed.rss\nSitemap: BASE/atom03.xml\nSitemap: BASE/atom10.xml\n")
    site.routes["/feed.rss"] = ("application/rss+xml", rss(site, [site.page(f"rss-story-{i}") for i in (1, 2)]))
    site.routes["/atom03.xml"] = (HTML, atom03(site, [site.page(f"atom-zero-three-{i}") for i in (1, 2)]))
    site.routes["/atom10.xml"] = ("application/atom+xml", atom10(site, [site.page(f"atom-one-{i}") for i in (1, 2)]))
    return site


def text_site() -> Site:
    """Plain-text sitemaps: text/plain, gzipped, and a list served as text/html."""
    site = base_site("text", "User-agent: *\nSitemap: BASE/urls.txt\nSitemap: BASE/urls-2.txt.gz\nSitemap: BASE/url-list\n")
    site.routes["/urls.txt"] = (TEXT, text_list([site.page(f"listed-plain-{i}") for i in (1, 2)]))
    site.routes["/urls-2.txt.gz"] = (GZ, gzip.compress(text_list([site.page(f"listed-gzip-{i}") for i in (1, 2)]), mtime=0))
    site.routes["/url-list"] = (HTML, text_list([site.page(f"listed-as-html-{i}") for i in (1, 2)]))
    return site


def index_site() -> Site:
    """No sitemap in robots.txt, /sitemap.xml a soft 404 (an HTML page with status 200): only the
    probe of /sitemap_index.xml finds the index, which lists itself and a nested index that
    points back at it."""
    site = base_site("index", "User-agent: *\nDisallow: /private/\n")
    site.routes["/sitemap.xml"] = (HTML, SOFT_404)
    site.routes["/sitemap_index.xml"] = (XML, index([site.base + "/sitemap_index.xml", site.base + "/post-sitemap.xml",
                                                     site.base + "/post-sitemap2.xml.gz", site.base + "/nested-index.xml"]))
    site.routes["/nested-index.xml"] = (XML, index([site.base + "/sitemap_index.xml", site.base + "/nested-index.xml",
                                                    site.base + "/post-sitemap3.xml"]))
    site.routes["/post-sitemap.xml"] = (XML, urlset([site.page(f"indexed-{i}") for i in (1, 2)]))
    site.routes["/post-sitemap2.xml.gz"] = (GZ, gzip.compress(urlset([site.page(f"indexed-gz-{i}") for i in (1, 2)]), mtime=0))
    site.routes["/post-sitemap3.xml"] = (XML, urlset([site.page(f"nested-{i}") for i in (1, 2)]))
    return site


def gzip_cut_in_a_url(data: bytes, urls: list[str]) -> tuple[bytes, bytes]:
    """A prefix of gzip(`data`) whose inflated text ends inside one of `urls` (from the middle of
    the list on), and that inflated text: a gzip stream cut mid-entry."""
    packed = gzip.compress(data, mtime=0)
    for url in urls[len(urls) // 2:]:
        start = data.index(url.encode())
        for end in range(20, len(packed)):
            text = zlib.decompressobj(31).decompress(packed[:end])
            if start + 8 < len(text) < start + len(url) - 1:
                return packed[:end], text
            if len(text) >= start + len(url):
                break
    raise AssertionError("no cut inside a URL")


def truncated_site() -> Site:
    """Files cut mid-entry: an XML sitemap whose body ends in `…/page_` (served whole: the file
    itself is cut), a gzipped sitemap and a gzipped text list whose streams end inside a URL."""
    site = base_site("cut", "User-agent: *\nSitemap: BASE/sitemap-cut.xml\nSitemap: BASE/sitemap-cut.xml.gz\n"
                            "Sitemap: BASE/urls-cut.txt.gz\n")
    whole = [site.page(f"complete-{i}") for i in (1, 2)]
    body = urlset(whole + [site.base + "/2024/05/page_three/", site.base + "/2024/05/page_four/"])
    site.routes["/sitemap-cut.xml"] = (XML, body[:body.index(b"/2024/05/page_three/") + len("/2024/05/page_")])
    site.cut_urls.update({site.base + "/2024/05/page_three/", site.base + "/2024/05/page_four/"})

    listed = [f"{site.base}/2024/05/gz-story-{i:02d}-{prose(i, 1).split()[2].lower()}/" for i in range(40)]
    packed, text = gzip_cut_in_a_url(urlset(listed), listed)
    kept = [url for url in listed if f"<loc>{url}</loc>".encode() in text and
            text.index(f"<loc>{url}</loc>".encode()) < text.rindex(b"</url>")]
    for url in listed:
        if url in kept:
            site.page(urlsplit(url).path.split("/")[3])
        else:
            site.cut_urls.add(url)
    site.routes["/sitemap-cut.xml.gz"] = (GZ, packed)

    lines = [f"{site.base}/2024/05/text-line-{i:02d}/" for i in range(60)]
    packed, text = gzip_cut_in_a_url(text_list(lines), lines)
    for url in lines:
        if (url + "\n").encode() in text:
            site.page(urlsplit(url).path.split("/")[3])
        else:
            site.cut_urls.add(url)
    site.routes["/urls-cut.txt.gz"] = (GZ, packed)
    return site


SITES = {"robots-keys": robots_keys_site, "feeds": feeds_site, "text": text_site, "index": index_site,
         "truncated": truncated_site}
PROBES = {"/sitemap.xml", "/sitemap_index.xml"}


@dataclass
class Crawled:
    site: Site
    result: object
    stored: set[str]
    rejects: list[tuple[str, str, str]]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    done: dict[str, Crawled] = {}

    def crawl(name: str) -> Crawled:
        if name not in done:
            site = SITES[name]()
            db_path = tmp_path_factory.mktemp(name) / "news.db"
            result = run_crawl(site.base + "/", db_path)
            with sqlite3.connect(db_path) as conn:
                stored = {url for (url,) in conn.execute("SELECT url FROM articles")}
                rejects = conn.execute("SELECT url, reason, detail FROM rejects").fetchall()
            done[name] = Crawled(site, result, stored, rejects)
        return done[name]

    yield crawl
    for crawled_site in done.values():
        crawled_site.site.server.shutdown()


@pytest.mark.parametrize("name", SITES)
def test_every_listed_page_is_stored_and_nothing_else(crawled, name):
    run = crawled(name)
    assert run.result.returncode == 0, run.result.log[-3000:]
    assert "Traceback" not in run.result.log
    assert run.result.stats.get("finish_reason") == "finished"
    print(f"{name}: {len(run.stored & run.site.urls())}/{len(run.site.urls())} listed pages stored, "
          f"{len(run.site.requests)} requests")
    assert run.stored == run.site.urls()


@pytest.mark.parametrize("name", SITES)
def test_nothing_invented_and_nothing_fetched_twice(crawled, name):
    run = crawled(name)
    unknown = [path for path in run.site.requests if path not in run.site.routes and path not in PROBES]
    assert unknown == [], f"requests for paths the site never listed: {unknown}"
    repeated = {path for path in run.site.requests if run.site.requests.count(path) > 1 and path != "/robots.txt"}
    assert repeated == set()
    assert not [r for r in run.rejects if r[1] == "http_404"]


def test_robots_keys_in_every_spelling_are_followed(crawled):
    run = crawled("robots-keys")
    for path in ("/sm-plain.xml", "/sitemap.xml", "/news/sitemap-index.xml", "/news/sitemap-news.xml",
                 "/sm-spaced.xml", "/sm-two-words.xml", "/sm-no-colon.xml"):
        assert path in run.site.requests
    # /sitemap.xml is listed in robots.txt: requested once, not probed again
    assert run.site.requests.count("/sitemap.xml") == 1
    assert run.result.stats.get("news/discovered/sitemap") == 5 * 2 + 1 + 3


def test_feeds_given_as_sitemaps_are_read_as_feeds(crawled):
    run = crawled("feeds")
    assert run.result.stats.get("news/discovery/sitemap_form/feed") == 3
    assert not [r for r in run.rejects if r[1] == "invalid_sitemap"]


def test_text_sitemaps_whatever_their_content_type(crawled):
    run = crawled("text")
    assert run.result.stats.get("news/discovery/sitemap_form/text") == 3
    assert not [r for r in run.rejects if r[1] == "invalid_sitemap"]


def test_an_index_only_at_sitemap_index_xml_that_points_at_itself(crawled):
    run = crawled("index")
    for path in ("/sitemap_index.xml", "/nested-index.xml", "/post-sitemap.xml", "/post-sitemap2.xml.gz",
                 "/post-sitemap3.xml"):
        assert run.site.requests.count(path) == 1, path
    # the soft 404 at /sitemap.xml was only a probe: a stat, no rejects row, no warning
    assert not [r for r in run.rejects if r[0].endswith("/sitemap.xml")]
    assert run.result.stats.get("news/discovery/failed/sitemap") == 1
    assert "/sitemap.xml" not in " ".join(line for line in run.result.log.splitlines() if "WARNING" in line)


def test_cut_files_give_their_whole_entries_and_no_cut_url(crawled):
    run = crawled("truncated")
    assert run.site.cut_urls and not {run.site.base + p for p in run.site.requests} & run.site.cut_urls
    assert not [r for r in run.rejects if r[0] in run.site.cut_urls or "/page_" in r[0]]
    invalid = {urlsplit(url).path for url, reason, _ in run.rejects if reason == "invalid_sitemap"}
    assert invalid == {"/sitemap-cut.xml", "/sitemap-cut.xml.gz", "/urls-cut.txt.gz"}
    assert run.result.stats.get("news/discovery/invalid/sitemap") == 3
    print(f"truncated: {len(run.stored)} whole entries stored, {len(run.site.cut_urls)} cut or lost entries never requested")
