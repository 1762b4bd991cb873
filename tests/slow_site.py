"""A slow news site on 127.0.0.1 for interruption and progress tests: a home page, robots.txt
naming a sitemap, the sitemap listing N stories, and the stories, each answered after `delay`
seconds (a threaded server, so the crawl's concurrent requests wait side by side)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


def serve_slow_site(pages: int = 100, delay: float = 0.5) -> ThreadingHTTPServer:
    """Start the site on a free port; `server.base` is its home URL. Call `server.shutdown()`."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # quiet
            pass

        def do_GET(self) -> None:
            base = self.server.base
            path = self.path.split("?")[0]
            status, kind = 200, "text/html; charset=utf-8"
            if path == "/robots.txt":
                body, kind = f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n", "text/plain"
            elif path == "/sitemap.xml":
                urls = "".join(f"<url><loc>{base}news/story-{n}.html</loc></url>" for n in range(pages))
                body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
                kind = "application/xml"
            elif path == "/":
                body = '<!DOCTYPE html><html><head><title>District News</title></head><body><h1>District News</h1></body></html>'
            elif path.startswith("/news/story-") and path.endswith(".html"):
                time.sleep(delay)
                body = story(int(path[len("/news/story-"):-len(".html")]))
            else:
                status, body = 404, "<html><body>not found</body></html>"
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.base = f"http://127.0.0.1:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
