"""Serve fixture site trees (fixtures/sites/<name>/) on 127.0.0.1, for the demo and the tests.

Request paths map to files: `/a/b/` -> `a/b/index.html`, `/feed/` -> `feed/index.xml` when that
exists. Beside a file, `<file>.headers.json` sets response headers (e.g. a charset or none at all;
a list value sends that header once per item, e.g. several `Link` headers; a recorded `ETag` or
`Last-Modified` answers a matching conditional GET with 304).
`_routes.json` at the site root maps a path (with its query) to `{"status": 301, "location": …}`,
`{"status": 404}`, or `{"file": "relative/path"}`: that file's body and sidecar headers, as a 200
(paths with a query string cannot map to files, e.g. REST `?per_page=100`). The text `__BASE__` in
any body or header (inside .gz files too) is replaced by the site's own base URL, so a recorded
site works on whatever port it gets.

    python -m crawler.devserver fixtures/sites/*     # prints "<name> http://127.0.0.1:PORT/" lines
"""

from __future__ import annotations

import gzip
import json
import mimetypes
import sys
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

INDEX_FILES = ("index.html", "index.xml", "index.json", "index.txt")
TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
         ".json": "application/json; charset=utf-8", ".txt": "text/plain; charset=utf-8",
         ".gz": "application/gzip"}


class SiteHandler(BaseHTTPRequestHandler):
    """Serves one site tree; see the module docstring for the mapping."""

    server_version = "fixture-site/1"

    def __init__(self, *args, root: Path, forbid: tuple[str, ...] = (), **kwargs) -> None:
        self.root = root
        self.forbid = forbid
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # quiet: the crawler logs requests
        pass

    def _base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def _routes(self) -> dict:
        path = self.root / "_routes.json"
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    def _resolve(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        if ".." in relative.split("/"):
            return None
        target = self.root / relative
        if path.endswith("/") or target.is_dir():
            for name in INDEX_FILES:
                if (target / name).is_file():
                    return target / name
            return None
        return target if target.is_file() and not target.name.endswith(".headers.json") else None

    def _body(self, target: Path) -> bytes:
        """The file's bytes with __BASE__ substituted (inside gzip files too)."""
        body = target.read_bytes()
        base = self._base().encode("ascii")
        if target.suffix == ".gz" and body[:2] == b"\x1f\x8b":
            return gzip.compress(gzip.decompress(body).replace(b"__BASE__", base), mtime=0)
        return body.replace(b"__BASE__", base)

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        if any(part in self.path for part in self.forbid):
            body = b'{"code":"rest_forbidden","message":"Sorry, you are not allowed to do that."}'
            self.send_response(403)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        route = self._routes().get(self.path)
        if route and "file" in route:
            target = self._resolve("/" + route["file"])
            if target is not None:
                self._send_file(target, head)
                return
            route = {"status": 404}
        if route:
            self.send_response(route.get("status", 302))
            if "location" in route:
                self.send_header("Location", route["location"].replace("__BASE__", self._base()))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path = self.path.split("?", 1)[0]
        target = self._resolve(path)
        if target is not None and target.is_file() and not path.endswith("/") and (self.root / path.lstrip("/")).is_dir():
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if target is None:
            body = b"<html><body><h1>Not found</h1></body></html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        self._send_file(target, head)

    def _not_modified(self, headers: dict) -> bool:
        """A conditional GET that matches the file's recorded ETag or Last-Modified."""
        etag, last_modified = headers.get("ETag"), headers.get("Last-Modified")
        if etag and self.headers.get("If-None-Match") == etag:
            return True
        return bool(last_modified) and self.headers.get("If-Modified-Since") == last_modified

    def _send_file(self, target: Path, head: bool) -> None:
        body = self._body(target)
        headers = {"Content-Type": TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
                   or "application/octet-stream"}
        sidecar = target.with_name(target.name + ".headers.json")
        if sidecar.exists():
            headers.update(json.loads(sidecar.read_text("utf-8")))
        if self._not_modified(headers):
            self.send_response(304)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(int(headers.pop("Status", 200)))
        for name, value in headers.items():
            for item in value if isinstance(value, list) else [value]:
                if item is not None:
                    self.send_header(name, str(item).replace("__BASE__", self._base()))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


def serve_site(root: str | Path, port: int = 0, forbid: tuple[str, ...] = ()) -> ThreadingHTTPServer:
    """Start serving `root` on 127.0.0.1:`port` (0: any free port) in a daemon thread.

    Request paths (with query) containing any of `forbid` answer 403, as a security plugin
    blocking e.g. the WordPress REST API (`forbid=("/wp-json", "rest_route=")`) does."""
    handler = partial(SiteHandler, root=Path(root).resolve(), forbid=tuple(forbid))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def base_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"


def main(argv: list[str]) -> None:
    servers = [(Path(root).name, serve_site(root)) for root in argv if Path(root).is_dir()]
    for name, server in servers:
        print(name, base_url(server), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1:])
