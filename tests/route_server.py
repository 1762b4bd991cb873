"""One small HTTP server for the tests' generated sites: a `respond(path, query, headers)` function
gives each answer, the server runs on a free 127.0.0.1 port in daemon threads, logs nothing, and
sends Content-Length on every answer (HTTP/1.1 keep-alive works as on real servers).

    server = serve_routes(lambda path, query, headers: Answer(200, b"<h1>Hi</h1>"))
    server.base                      # "http://127.0.0.1:PORT/"
    server.shutdown()
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HTML = "text/html; charset=utf-8"


@dataclass
class Answer:
    """What the server sends back for one request."""

    status: int
    body: bytes
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)


Respond = Callable[[str, dict[str, list[str]], Mapping[str, str]], Answer]


class RouteServer(ThreadingHTTPServer):
    """A threaded server whose answers come from `respond`; `base` is its home URL."""

    daemon_threads = True

    def __init__(self, respond: Respond) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.respond = respond
        self.base = f"http://127.0.0.1:{self.server_address[1]}/"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        answer = self.server.respond(parts.path, parse_qs(parts.query), self.headers)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)


def serve_routes(respond: Respond) -> RouteServer:
    """Start a server answering with `respond(path, query, headers)`; stop it with `.shutdown()`."""
    server = RouteServer(respond)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve_pages(pages: Mapping[str, bytes], not_found: bytes = b"<h1>Not found</h1>") -> RouteServer:
    """A server for a fixed path -> HTML map; any other path answers 404."""
    return serve_routes(lambda path, query, headers: Answer(200, pages[path]) if path in pages
                        else Answer(404, not_found))
