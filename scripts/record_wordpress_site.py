#!/usr/bin/env python3
"""Record a live WordPress site into a static tree served by `crawler.devserver`.

    python scripts/record_wordpress_site.py http://127.0.0.1:8089 fixtures/sites/tigris-daily

Built for the local test site (/work/shared/wordpress, `wp-site.sh up`): the URL list comes from
the site's `truth.json` (taken from `--truth`, default `/tmp/wp-site/truth.json`) plus what the
site itself lists (sitemaps, archive pagination). Recorded: robots.txt, the sitemap index and every
sitemap it lists, the RSS and Atom feeds, the home page and its /page/N/ pages, every category, tag
and author archive with its pagination, every post and page, the REST index and the post, page,
category, tag and user collections, and the `/?p=ID` shortlinks (301 routes; the draft's 404).

Mapping (see crawler/devserver.py): `/a/b/` -> `a/b/index.<html|xml|json|txt>` by Content-Type,
`/x.xml` -> `x.xml`; the response headers that matter (Content-Type, Link, X-WP-Total,
X-WP-TotalPages, Last-Modified, ETag) go to `<file>.headers.json`. A path with a query string
cannot be a file: its body goes under `_query/` and `_routes.json` maps the path to
`{"file": ...}`; redirects and 404s of such paths become `{"status": ..., "location": ...}` routes.
Percent-encoded paths (Arabic slugs) are kept as literal directory names, exactly as requested.

To keep the tree small (the block theme inlines ~35 KB of CSS into every page, two thirds of the
HTML), the text inside inline `<style>` elements of HTML pages is replaced by a short CSS comment
saying how many bytes were dropped; the elements themselves stay. `--keep-inline-css` keeps it all.
Everything else is byte for byte as served (extraction fixtures that need the exact page live in
fixtures/pages/, not here).

Requests send no Accept-Encoding, so bodies are plain. Every `http://127.0.0.1:8089` (also the
JSON-escaped `http:\\/\\/127.0.0.1:8089`) in bodies and headers becomes `__BASE__`; the port-less
`http://127.0.0.1/feed/` self link (a WordPress quirk) is left as it is. Stdlib only.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

KEEP_HEADERS = ("Content-Type", "Link", "X-WP-Total", "X-WP-TotalPages", "Last-Modified", "ETag")
REST_QUERIES = (
    "/wp-json/wp/v2/posts?per_page=100&page=1",
    "/wp-json/wp/v2/posts?per_page=100&page=1&_embed=1",
    "/wp-json/wp/v2/categories?per_page=100",
    "/wp-json/wp/v2/tags?per_page=100",
    "/wp-json/wp/v2/users?per_page=100",
    "/wp-json/wp/v2/pages?per_page=100",
    # the paged Atom feed, the spider's fallback when REST is blocked (page 5 is past the end: 404)
    "/feed/atom/?paged=2",
    "/feed/atom/?paged=3",
    "/feed/atom/?paged=4",
    "/feed/atom/?paged=5",
    # what the news spider asks for (crawler.discovery.wordpress.posts_url)
    "/wp-json/wp/v2/posts?per_page=100&page=1&_embed=author%2Cwp%3Aterm&orderby=id&order=asc",
)
INDEX_NAMES = {"html": "index.html", "xml": "index.xml", "json": "index.json", "text": "index.txt"}
MAX_PAGES = 100


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # record redirects, never follow them
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class Response:
    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status = status
        self.headers = headers  # email.message.Message: get_all() keeps repeated headers
        self.body = body


def fetch(url: str) -> Response:
    request = urllib.request.Request(url, headers={"User-Agent": "tigris-recorder/1",
                                                   "Accept-Encoding": "identity"})
    try:
        with _OPENER.open(request, timeout=60) as reply:
            return Response(reply.status, reply.headers, reply.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


class Recorder:
    def __init__(self, base: str, out: Path, keep_inline_css: bool = False) -> None:
        self.base = base.rstrip("/")
        self.keep_inline_css = keep_inline_css
        self.out = out
        self.routes: dict[str, dict] = {}
        self.done: set[str] = set()
        self.files: list[Path] = []

    # -- rewriting -------------------------------------------------------------------------
    def rebase_bytes(self, body: bytes) -> bytes:
        escaped = self.base.replace("/", "\\/")
        return body.replace(self.base.encode(), b"__BASE__").replace(escaped.encode(), b"__BASE__")

    def rebase(self, text: str) -> str:
        return text.replace(self.base, "__BASE__").replace(self.base.replace("/", "\\/"), "__BASE__")

    def path_of(self, url: str) -> str:
        """Request path (with query) of a URL on this site; raw, percent-escapes untouched."""
        if url.startswith("/"):
            return url
        if not url.startswith(self.base + "/") and url != self.base:
            raise ValueError(f"not on this site: {url}")
        return url[len(self.base):] or "/"

    # -- recording -------------------------------------------------------------------------
    def get(self, url_or_path: str) -> Response | None:
        """Fetch and record one path once; returns the response (None when already recorded)."""
        path = self.path_of(url_or_path)
        if path in self.done:
            return None
        response = fetch(self.base + path)
        self.store(path, response)
        return response

    def store(self, path: str, response: Response) -> None:
        self.done.add(path)
        if "?" in path:
            self._record_query(path, response)
        elif response.status == 200:
            self._write(self._file_for(path, response), response)
        elif 300 <= response.status < 400 or response.status == 404:
            route = {"status": response.status}
            if response.headers.get("Location"):
                route["location"] = self.rebase(response.headers["Location"])
            self.routes[path] = route
        else:
            raise RuntimeError(f"{path}: HTTP {response.status}")
        print(f"{response.status} {path}", file=sys.stderr)

    def _file_for(self, path: str, response: Response) -> Path:
        relative = path.lstrip("/")
        if ".." in relative.split("/"):
            raise ValueError(f"bad path {path}")
        if path.endswith("/"):
            kind = _kind(response.headers.get("Content-Type", ""))
            return self.out / relative / INDEX_NAMES[kind]
        return self.out / relative

    def _record_query(self, path: str, response: Response) -> None:
        if response.status == 200:
            route_path, _, query = path.partition("?")
            name = re.sub(r"[^A-Za-z0-9._-]+", "_", query).strip("_") or "_"
            suffix = {"json": ".json", "xml": ".xml", "text": ".txt"}.get(
                _kind(response.headers.get("Content-Type", "")), ".html")
            relative = Path("_query") / route_path.strip("/") / (name + suffix)
            self._write(self.out / relative, response)
            self.routes[path] = {"file": relative.as_posix()}
        else:
            route = {"status": response.status}
            if response.headers.get("Location"):
                route["location"] = self.rebase(response.headers["Location"])
            self.routes[path] = route

    def _write(self, target: Path, response: Response) -> None:
        if target.exists():
            raise RuntimeError(f"two responses for {target}")
        target.parent.mkdir(parents=True, exist_ok=True)
        body = response.body
        if not self.keep_inline_css and _kind(response.headers.get("Content-Type", "")) == "html":
            body = drop_inline_css(body)
        target.write_bytes(self.rebase_bytes(body))
        headers: dict[str, object] = {}
        for name in KEEP_HEADERS:
            values = [self.rebase(v) for v in response.headers.get_all(name) or []]
            if values:
                headers[name] = values[0] if len(values) == 1 else values
        headers.setdefault("Content-Type", None)  # say so explicitly when the site sent none
        sidecar = target.with_name(target.name + ".headers.json")
        sidecar.write_text(json.dumps(headers, indent=1, ensure_ascii=False) + "\n", "utf-8")
        self.files += [target, sidecar]

    def get_paginated(self, archive_url: str) -> int:
        """An archive and its /page/N/ pages, until one does not answer 200. Returns the count."""
        self.get(archive_url)
        count = 1
        for n in range(2, MAX_PAGES):
            path = self.path_of(archive_url) + f"page/{n}/"
            response = fetch(self.base + path)
            if response.status != 200:  # the first missing page: not recorded, the devserver 404s
                break
            self.store(path, response)
            count += 1
        return count

    def finish(self) -> None:
        routes = dict(sorted(self.routes.items()))
        (self.out / "_routes.json").write_text(json.dumps(routes, indent=1, ensure_ascii=False) + "\n",
                                               "utf-8")


def _kind(content_type: str) -> str:
    ctype = content_type.split(";")[0].strip().lower()
    if ctype.endswith("json"):
        return "json"
    if ctype.endswith("xml"):  # application/rss+xml, application/atom+xml, text/xml, ...
        return "xml"
    if ctype == "text/plain":
        return "text"
    return "html"


_STYLE = re.compile(rb"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)


def drop_inline_css(body: bytes) -> bytes:
    """Inline <style> text (200 bytes or more) replaced by a comment giving its size."""
    def empty(match: re.Match) -> bytes:
        size = len(match.group(2))
        if size < 200:
            return match.group(0)
        note = b"/* %d bytes of inline CSS dropped by the recorder */" % size
        return match.group(1) + note + match.group(3)
    return _STYLE.sub(empty, body)


def sitemap_locs(body: bytes) -> list[str]:
    root = ElementTree.fromstring(body)
    return [el.text.strip() for el in root.iter() if el.tag.endswith("}loc") and el.text]


def record(base: str, out: Path, truth: dict, keep_inline_css: bool = False) -> Recorder:
    rec = Recorder(base, out, keep_inline_css)
    rec.get("/robots.txt")

    index = rec.get("/wp-sitemap.xml")
    for loc in sitemap_locs(index.body):
        if urlsplit(loc).path.endswith(".xml"):
            rec.get(loc)

    rec.get("/feed/")
    rec.get("/feed/atom/")

    rec.get_paginated(base + "/")
    for group in ("categories", "tags", "authors"):
        for item in truth[group]:
            pages = rec.get_paginated(item["url"])
            expected = item.get("archive_pages")
            if expected and expected != pages:
                print(f"warning: {item['url']} has {pages} pages, truth says {expected}",
                      file=sys.stderr)

    shortlinks: list[str] = []
    for item in truth["posts"] + truth["pages"]:
        response = rec.get(item["url"])
        if response is None or response.status != 200:
            raise RuntimeError(f"{item['url']}: not recorded as 200")
        shortlinks.append(f"/?p={item['id']}")
        for link in response.headers.get_all("Link") or []:
            match = re.search(r"<([^>]+)>;\s*rel=\"?shortlink", link)
            if match:
                shortlinks.append(match.group(1))
    for link in shortlinks:
        rec.get(link)
    for item in truth.get("not_public", []):
        response = rec.get(item["preview_url"])
        if response is not None and response.status != 404:
            raise RuntimeError(f"{item['preview_url']}: expected 404, got {response.status}")

    rec.get("/wp-json/")
    for query in REST_QUERIES:
        rec.get(query)

    rec.finish()
    return rec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="live site, e.g. http://127.0.0.1:8089")
    parser.add_argument("out", type=Path, help="tree to write, e.g. fixtures/sites/tigris-daily")
    parser.add_argument("--truth", type=Path, default=Path("/tmp/wp-site/truth.json"))
    parser.add_argument("--keep-inline-css", action="store_true",
                        help="keep the text of inline <style> elements (about 3.9 MB more)")
    args = parser.parse_args(argv)

    base = args.base.rstrip("/")
    truth_text = args.truth.read_text("utf-8")
    truth = json.loads(truth_text)
    if truth["site"]["base_url"].rstrip("/") != base:
        parser.error(f"truth.json is for {truth['site']['base_url']}, not {base}")
    if truth["site"].get("theme") != "twentytwentythree":
        print(f"warning: truth says theme {truth['site'].get('theme')}", file=sys.stderr)

    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    rec = record(base, args.out, truth, args.keep_inline_css)
    (args.out / "truth.json").write_text(truth_text.replace(base, "__BASE__"), "utf-8")

    files = [p for p in args.out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"recorded {len(rec.done)} paths: {len(files)} files, {size / 1e6:.2f} MB, "
          f"{len(rec.routes)} routes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
