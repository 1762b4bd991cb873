"""A slow news site on 127.0.0.1 for interruption and progress tests: a home page, robots.txt
naming a sitemap, the sitemap listing N stories, and the stories, each answered after `delay`
seconds (a threaded server, so the crawl's concurrent requests wait side by side)."""

from __future__ import annotations

import time

from route_server import Answer, RouteServer, serve_routes

TOPICS = ("harbour", "railway", "museum", "water plant", "school", "bridge", "market", "airport")


def story(number: int) -> str:
    """Story `number`: a dated article page with a headline and a few paragraphs."""
    topic = TOPICS[number % len(TOPICS)]
    title = f"New {topic} opens in district {number}"
    paragraphs = "".join(
        f"<p>Officials in district {number} said on Monday that the new {topic} would serve about "
        f"{1000 + 37 * number + i} residents, after works that took {2 + i % 3} years and were delayed twice "
        f"by funding disputes between the city and the province ({i}).</p>"
        for i in range(5)
    )
    day = 1 + number % 28
    return (f'<!DOCTYPE html><html lang="en"><head><title>{title}</title>'
            f'<meta property="og:type" content="article"></head><body><article><h1>{title}</h1>'
            f'<time datetime="2025-03-{day:02d}T09:00:00+00:00">{day} March 2025</time>{paragraphs}'
            f'</article></body></html>')


def serve_slow_site(pages: int = 100, delay: float = 0.5) -> RouteServer:
    """Start the site on a free port; `server.base` is its home URL. Call `server.shutdown()`."""
    base = ""

    def answer(path: str, query, headers) -> Answer:
        if path == "/robots.txt":
            return Answer(200, f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n".encode(), "text/plain")
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{base}news/story-{n}.html</loc></url>" for n in range(pages))
            return Answer(200, f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                               f'{urls}</urlset>'.encode(), "application/xml")
        if path == "/":
            return Answer(200, b"<!DOCTYPE html><html><head><title>District News</title></head><body>"
                               b"<h1>District News</h1></body></html>")
        if path.startswith("/news/story-") and path.endswith(".html"):
            time.sleep(delay)
            return Answer(200, story(int(path[len("/news/story-"):-len(".html")])).encode("utf-8"))
        return Answer(404, b"<html><body>not found</body></html>")

    server = serve_routes(answer)
    base = server.base
    return server
