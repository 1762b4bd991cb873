"""A hostile news site on 127.0.0.1 for fault tests: good articles among every kind of bad response.

    python tests/hostile_server.py        # prints its base URL, serves until killed

Each case is one path; CASES maps it to what a crawl must make of it (see tests/test_hostile.py).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ARABIC = ("وقال مسؤولون في وزارة النقل إن الخط الجديد سيربط بغداد بالموصل خلال ست ساعات فقط، "
          "بعد أن كانت الرحلة تستغرق أكثر من ثماني ساعات على الطريق البري القديم. ")


def article(title: str, paragraph: str, charset_meta: str | None = None, lang: str = "en") -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">' if charset_meta else ""
    body = "\n".join(f"<p>{title}: {paragraph} ({i})</p>" for i in range(1, 5))
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title>'
            f'<meta property="og:type" content="article"></head><body><article><h1>{title}</h1>'
            f'<time datetime="2025-02-01T10:00:00+03:00">1 Feb</time>{body}</article></body></html>')


GOOD = {
    "/good/one.html": article("Rail line to Mosul reopens", "Trains ran again between Baghdad and Mosul on Saturday "
                              "for the first time in a decade, officials said, after engineers rebuilt bridges."),
    "/good/two.html": article("Museum returns looted tablets", "The national museum received hundreds of ancient "
                              "clay tablets returned from abroad, in a ceremony attended by ministers and scholars."),
}
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
                  + ']>')
HOME_LINKS = [
    "/good/one.html", "/good/two.html", "/pdf.html", "/random.html", "/wrong-charset.html", "/arabic-meta.html",
    "/arabic-none.html", "/huge.html", "/gzip-bomb.html", "/redirect-loop.html", "/chain/0.html", "/endless/0.html",
    "/gone-404.html",
    "/gone-410.html", "/busy-429.html", "/error-500.html", "/unavailable-503.html", "/stall.html",
    "/truncated.html", "/calendar?month=1", "http://elsewhere.example/story.html", "http://10.1.2.3/admin.html",
    "http://192.168.0.1/router.html", "ftp://127.0.0.1/file.html",
]


class Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    counts: dict[str, int] = {}
    times: list[float] = []  # when each request arrived
    lock = threading.Lock()

    def log_message(self, format, *args):
        pass

    def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        with self.lock:
            Hostile.counts[path] = Hostile.counts.get(path, 0) + 1
            count = Hostile.counts[path]
            Hostile.times.append(time.monotonic())
        if path == "/":
            links = "".join(f'<li class="post"><a href="{u}">{u}</a></li>' for u in HOME_LINKS)
            self.send(200, f'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
                           f'</head><body><h1>Hostile News</h1><ul>{links}</ul></body></html>'.encode())
        elif path == "/robots.txt":
            self.send(200, b"User-agent: *\nCrawl-delay: 0.2\nSitemap: /sitemap.xml\nSitemap: /bad-sitemap.xml\n"
                           b"Sitemap: /bomb-sitemap.xml\n", "text/plain")
        elif path == "/sitemap.xml":
            self.send(200, b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                           b'<url><loc>/good/one.html</loc></url></urlset>', "application/xml")
        elif path == "/bad-sitemap.xml":
            self.send(200, b"<urlset><url><loc>unclosed", "application/xml")
        elif path == "/bomb-sitemap.xml":
            body = (BILLION_LAUGHS + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    '<url><loc>/x&lol9;</loc></url></urlset>').encode()
            self.send(200, body, "application/xml")
        elif path == "/feed.xml":
            body = (BILLION_LAUGHS + '<rss version="2.0"><channel><title>&lol9;</title>'
                    '<item><title>&lol9;</title><link>/good/two.html</link></item></channel></rss>').encode()
            self.send(200, body, "application/rss+xml")
        elif path in GOOD:
            self.send(200, GOOD[path].encode())
        elif path == "/pdf.html":
            self.send(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + os.urandom(2000), "application/pdf")
        elif path == "/random.html":
            self.send(200, os.urandom(20000), "text/html")
        elif path == "/wrong-charset.html":  # header says UTF-8, the bytes are windows-1256 (as <meta> says)
            html = article("افتتاح خط القطار بين بغداد والموصل", ARABIC, "windows-1256", "ar")
            self.send(200, html.encode("cp1256"), "text/html; charset=utf-8")
        elif path == "/arabic-meta.html":
            html = article("القطار يعود إلى الموصل", ARABIC, "windows-1256", "ar")
            self.send(200, html.encode("cp1256"), "text/html")
        elif path == "/arabic-none.html":
            html = article("رحلة القطار الأولى منذ عشر سنوات", ARABIC, None, "ar")
            self.send(200, html.encode("cp1256"), "text/html")
        elif path == "/huge.html":  # 60 MB, streamed
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(60 * 1024 * 1024))
            self.end_headers()
            chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
            try:
                for _ in range(60):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/gzip-bomb.html":  # ~100 KB on the wire, 100 MB inflated
            body = self.server.bomb
            self.send(200, body, "text/html; charset=utf-8", Content_Encoding="gzip")
        elif path == "/redirect-loop.html":
            self.send(302, b"", Location="/redirect-loop-b.html")
        elif path == "/redirect-loop-b.html":
            self.send(302, b"", Location="/redirect-loop.html")
        elif path.startswith("/chain/"):
            hop = int(path.split("/")[2].split(".")[0])
            if hop < 10:
                self.send(301, b"", Location=f"/chain/{hop + 1}.html")
            else:
                self.send(200, article("Ten hops away", "This story sits at the end of a chain of ten "
                                       "redirects, which a crawler should follow to the end.").encode())
        elif path.startswith("/endless/"):  # redirects for ever, each hop to a new URL (no loop)
            hop = int(path.split("/")[2].split(".")[0])
            self.send(302, b"", Location=f"/endless/{hop + 1}.html")
        elif path == "/gone-404.html":
            self.send(404, b"<h1>Not found</h1>")
        elif path == "/gone-410.html":
            self.send(410, b"<h1>Gone</h1>")
        elif path == "/busy-429.html":
            if count == 1:
                self.send(429, b"slow down", "text/plain", Retry_After="1")
            else:
                self.send(200, article("Patience pays", "This page answered 429 with Retry-After first and "
                                       "served the story once the crawler waited as it was told to.").encode())
        elif path == "/error-500.html":
            self.send(500, b"<h1>Internal Server Error</h1>")
        elif path == "/unavailable-503.html":
            self.send(503, b"<h1>Service Unavailable</h1>")
        elif path == "/stall.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>starting")
            self.wfile.flush()
            time.sleep(60)
        elif path == "/truncated.html":
            body = GOOD["/good/one.html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body) + 5000))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif path == "/calendar":
            month = int(parse_qs(parts.query).get("month", ["1"])[0])
            teasers = "".join(f'<article class="post"><a href="/calendar?month={month}&day={d}">day {d}</a></article>'
                              for d in range(1, 4))
            self.send(200, f'<html><body><h1>Events, month {month}</h1>{teasers}'
                           f'<a href="/calendar?month={month + 1}">next month</a></body></html>'.encode())
        else:
            self.send(404, b"<h1>Not found</h1>")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # clients hang up on purpose here
        pass


def serve(port: int = 0) -> ThreadingHTTPServer:
    server = QuietServer(("127.0.0.1", port), Hostile)
    server.daemon_threads = True
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1024 * 1024)
    server.bomb = b"".join(compressor.compress(zeros) for _ in range(100)) + compressor.flush()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    srv = serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(f"http://127.0.0.1:{srv.server_address[1]}/", flush=True)
    threading.Event().wait()
