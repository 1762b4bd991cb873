"""A generated news site served on 127.0.0.1, shaped like real ones (../shared/SITE-SHAPES.md):
listings only ("Older posts" chains or `?page=N`), dated or numeric story URLs, no sitemap or feed
unless asked, and the traps real sites carry (an endless events calendar, faceted filters, dead
category links). Deterministic: the same arguments give the same site.

    site = NewsSite(articles=2000, per_page=20, pagination="older", traps=True)
    server = site.serve()            # a running server on a free port (tests/route_server.py)
    site.hits["/calendar"]           # requests seen per path
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from html import escape
from route_server import Answer, RouteServer, serve_routes

WORDS = ("minister council river harvest border market railway school hospital election budget drought "
         "festival museum police court university farmers engineers contract bridge airport province "
         "villagers protest agreement reservoir electricity pipeline exports wheat dates season report "
         "officials residents traders teachers students doctors pilgrims governor parliament committee "
         "investment factory cement refinery highway district mayor library archive theatre orchestra").split()
TOPICS = ("politics", "economy", "culture", "sport", "health")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 22))]
    return " ".join(words).capitalize() + "."


class NewsSite:
    """The site's content and its HTTP handler. `pagination`: "older" (`/page/N/`, only an "Older
    posts" link) or "query" (`/news/?page=N`, numbered links 1..N+2). `urls`: "dated"
    (`/YYYY/MM/DD/slug/`) or "numeric" (`/news/123456`)."""

    def __init__(self, articles: int = 100, per_page: int = 20, pagination: str = "older", urls: str = "dated",
                 traps: bool = False, dead_links: bool = False, recent: int = 0, etags: bool = False,
                 seed: int = 7) -> None:
        self.per_page, self.pagination, self.urls, self.traps, self.dead_links = per_page, pagination, urls, traps, dead_links
        self.etags = etags  # story pages carry an ETag and answer If-None-Match with 304
        rng = random.Random(seed)
        start = datetime(2019, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=3)))
        now = datetime.now(timezone(timedelta(hours=3))).replace(microsecond=0)
        self.stories: list[dict] = []
        for i in range(articles):
            published = start + timedelta(hours=7 * i, minutes=rng.randint(0, 59))
            if i >= articles - recent:  # the newest `recent` stories are from the last days
                published = now - timedelta(hours=6 * (articles - i))
            title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {rng.choice(WORDS)} report {i}"
            slug = title.lower().replace(" ", "-")
            path = (f"/{published:%Y/%m/%d}/{slug}/" if urls == "dated" else f"/news/{100000 + i * 7}")
            self.stories.append({
                "path": path, "title": title, "published": published.isoformat(), "topic": TOPICS[i % len(TOPICS)],
                "author": rng.choice(("Layla Hassan", "Omar Saleh", "Nadia Karim")),
                "paragraphs": [" ".join(sentence(rng) for _ in range(3)) for _ in range(rng.randint(4, 6))],
                "theme": i % 2,
            })
        self.stories.reverse()  # newest first, as listings show them
        self.by_path = {story["path"]: story for story in self.stories}
        self.hits: Counter = Counter()
        self.lock = threading.Lock()

    # --- pages ------------------------------------------------------------------------------

    def chrome(self, title: str, main: str, kind: str | None = "website", head: str = "") -> bytes:
        nav = "".join(f'<li><a href="/category/{t}/">{t.title()}</a></li>' for t in TOPICS)
        extra = ""
        if self.traps:
            extra = ('<li><a href="/calendar?month=1">Events</a></li>'
                     '<li><a href="/archive?topic=politics&sort=new">Filter</a></li>')
        if self.dead_links:
            extra += "".join(f'<li><a href="/tag/{t}-news/">#{t}</a></li>' for t in TOPICS)
        return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} – Desert Courier</title>'
                f'{f"<meta property=og:type content={kind}>" if kind else ""}{head}</head><body>'
                f'<header><a href="/">Desert Courier</a>'
                f'<nav><ul>{nav}{extra}</ul></nav></header><main>{main}</main>'
                f'<footer><p>© Desert Courier. All rights reserved.</p></footer></body></html>').encode()

    def article(self, story: dict) -> bytes:
        """Two templates, as a site that changed themes over the years: an <article> with a linked
        byline and a <time>, or plain divs with a text byline, the date shown as text and given
        only in the head's article:published_time, and no og:type."""
        body = "".join(f"<p>{escape(p)}</p>" for p in story["paragraphs"])
        day = datetime.fromisoformat(story["published"])
        if story["theme"] == 0:
            main = (f'<article class="post"><h1>{escape(story["title"])}</h1><p class="byline">By '
                    f'<a href="/author/{story["author"].split()[0].lower()}/" rel="author">{story["author"]}</a> · '
                    f'<time datetime="{story["published"]}">{day:%B %d, %Y}</time></p>{body}</article>')
            return self.chrome(story["title"], main, "article")
        main = (f'<div class="content-area"><div class="story-head"><h1 class="headline">{escape(story["title"])}</h1>'
                f'<div class="meta"><span class="writer">By {story["author"]}</span> | '
                f'<span class="when">{day:%d %B %Y, %H:%M}</span></div></div><div class="story-text">{body}</div>'
                f'<div class="share">Share: <a href="/share?u=1">Facebook</a> <a href="/share?u=2">X</a></div></div>')
        head = f'<meta property="article:published_time" content="{story["published"]}">'
        return self.chrome(story["title"], main, None, head)

    def teasers(self, stories: list[dict]) -> str:
        return "".join(f'<article class="teaser"><h2><a href="{s["path"]}">{escape(s["title"])}</a></h2>'
                       f'<p>{escape(s["paragraphs"][0][:140])}…</p></article>' for s in stories)

    def listing(self, number: int) -> bytes | None:
        pages = max(1, -(-len(self.stories) // self.per_page))
        if number > pages:
            return None
        chunk = self.stories[(number - 1) * self.per_page: number * self.per_page]
        if self.pagination == "older":
            nav = f'<a class="next" href="/page/{number + 1}/">Older posts</a>' if number < pages else ""
            if number > 1:
                nav = f'<a href="{"/" if number == 2 else f"/page/{number - 1}/"}">Newer posts</a> ' + nav
        else:
            window = range(max(1, number - 2), min(pages, number + 2) + 1)
            nav = " ".join(f'<a href="/news/?page={n}">{n}</a>' for n in window)
        return self.chrome(f"Latest news, page {number}", self.teasers(chunk) + f'<nav class="pagination">{nav}</nav>')

    def calendar(self, query: dict) -> bytes:
        month = int(query.get("month", ["1"])[0])
        days = "".join(f'<li><a href="/calendar?month={month}&day={d}">{d}</a></li>' for d in range(1, 29))
        return self.chrome(f"Events in month {month}", f'<h1>Events</h1><p>No events.</p><ul>{days}</ul>'
                           f'<a href="/calendar?month={month - 1}">Previous</a> <a href="/calendar?month={month + 1}">Next</a>')

    def facets(self, query: dict) -> bytes:
        topic, sort = query.get("topic", ["politics"])[0], query.get("sort", ["new"])[0]
        shown = [s for s in self.stories if s["topic"] == topic][:10]
        if sort == "old":
            shown.reverse()
        links = " ".join(f'<a href="/archive?topic={t}&sort={o}&view={v}">{t} {o} {v}</a>'
                         for t in TOPICS for o in ("new", "old", "popular") for v in ("list", "grid"))
        return self.chrome(f"Archive: {topic}", self.teasers(shown) + f"<div class=filters>{links}</div>")

    def category(self, topic: str) -> bytes | None:
        if topic not in TOPICS:
            return None
        shown = [s for s in self.stories if s["topic"] == topic][:self.per_page]
        return self.chrome(f"Category: {topic}", self.teasers(shown))

    def respond(self, path: str, query: dict) -> bytes | None:
        """The page at `path` (None: 404)."""
        if path == "/":
            return self.listing(1)
        if self.pagination == "older" and path.startswith("/page/") and path[6:-1].isdigit():
            return self.listing(int(path[6:-1]))
        if self.pagination == "query" and path == "/news/":
            return self.listing(int(query.get("page", ["1"])[0] or 1))
        if path in self.by_path:
            return self.article(self.by_path[path])
        if self.traps and path == "/calendar":
            return self.calendar(query)
        if self.traps and path == "/archive":
            return self.facets(query)
        if path.startswith("/category/"):
            return self.category(path.split("/")[2])
        return None

    def serve(self) -> RouteServer:
        """Serve the site on a free 127.0.0.1 port (tests/route_server.py); count hits per path."""
        return serve_routes(self.answer)

    def answer(self, path: str, query: dict[str, list[str]], headers) -> Answer:
        with self.lock:
            self.hits[path] += 1
        if path == "/robots.txt":
            return Answer(200, b"User-agent: *\nDisallow: /wp-admin/\n", "text/plain")
        page = self.respond(path, query)
        if not page:
            return Answer(404, b"<h1>Not found</h1>")
        if not (self.etags and path in self.by_path):
            return Answer(200, page)
        etag = '"' + hashlib.sha1(page).hexdigest()[:16] + '"'
        if headers.get("If-None-Match") == etag:
            with self.lock:
                self.hits["304"] += 1
            return Answer(304, b"", headers={"ETag": etag})
        return Answer(200, page, headers={"ETag": etag})


def base_of(server: RouteServer) -> str:
    return server.base
