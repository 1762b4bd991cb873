"""Whatever a site gives as a sitemap, read the way the sitemaps.org protocol and search engines
read it: an XML sitemap or index, an RSS/Atom/RDF feed, or a plain-text list of URLs (one a
line), each gzipped or not, whatever its Content-Type. A truncated file gives only its complete
entries."""

from __future__ import annotations

import zlib
from urllib.parse import urlsplit

from lxml import etree

from .feeds import parse_feed
from .sitemaps import XML_OPTIONS, Sitemap, SitemapEntry, declares_entities, parse_sitemap

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 65536


class TooLarge(ValueError):
    """A compressed sitemap that inflates past the size limit."""


def gunzip_partial(body: bytes, max_size: int = 0) -> tuple[bytes, bool]:
    """The gzip `body` inflated, and whether the stream was complete: a truncated or corrupt
    stream gives what inflated before the cut. Raises TooLarge past `max_size` bytes (0: no
    limit) and zlib.error when nothing inflates at all."""
    out, size, data = [], 0, body

    def keep(chunk: bytes) -> None:
        nonlocal size
        size += len(chunk)
        if max_size and size > max_size:
            raise TooLarge(f"inflates past {max_size} bytes")
        out.append(chunk)

    while True:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            keep(inflater.decompress(data, _CHUNK))
            while inflater.unconsumed_tail and not inflater.eof:
                keep(inflater.decompress(inflater.unconsumed_tail, _CHUNK))
            if not inflater.eof:  # (after the end, flush() would copy the tail into unused_data again)
                keep(inflater.flush())
        except zlib.error:
            if not out:
                raise
            return b"".join(out), False
        if not inflater.eof:
            return b"".join(out), False
        data = inflater.unused_data.lstrip(b"\x00")  # another gzip member follows, or padding
        if not data.startswith(GZIP_MAGIC):
            return b"".join(out), True


def _is_url(line: str) -> bool:
    if any(c.isspace() for c in line):
        return False
    try:
        parts = urlsplit(line)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def parse_url_list(body: bytes, truncated: bool = False) -> Sitemap | None:
    """A plain-text sitemap (UTF-8, one absolute http(s) URL a line); None when `body` is not one
    (markup, binary, no URL line). Other lines are skipped, with `error` set. In a `truncated`
    body the last line, unless a newline ends it, is cut and dropped."""
    if b"\x00" in body:
        return None
    try:
        text = body.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        return None
    if text.lstrip().startswith("<"):  # an HTML or XML page, not a list
        return None
    lines = text.splitlines()
    if truncated and lines and not text.endswith(("\n", "\r")):
        lines.pop()
    urls, other = [], 0
    for line in (line.strip() for line in lines):
        if _is_url(line):
            urls.append(line)
        elif line:
            other += 1
    if not urls:
        return None
    error = f"{other} line(s) that are not absolute http(s) URLs skipped" if other else None
    return Sitemap([SitemapEntry(url=url) for url in urls], error, form="text")


def _looks_like_feed(body: bytes) -> bool:
    """Cheap gate before feedparser: markup naming an RSS, Atom or RDF root early on."""
    head = body[:65536].lower()
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and any(
        tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf"))


def _from_feed(body: bytes, base_url: str) -> Sitemap | None:
    if not _looks_like_feed(body):
        return None
    items = parse_feed(body, base_url)
    if items is None:
        return None
    try:  # feedparser reads broken feeds without a word: say it, as for a broken XML sitemap
        etree.fromstring(body, parser=etree.XMLParser(**XML_OPTIONS))
        error = None
    except etree.XMLSyntaxError as exc:
        error = f"malformed feed: {exc}"
    return Sitemap([SitemapEntry(url=item.url, title=item.title, published_at=item.published_at,
                                 modified_at=item.modified_at, authors=item.authors, origin="feed")
                    for item in items], error, form="feed")


def read_sitemap(body: bytes, base_url: str, max_size: int = 0, truncated: bool = False) -> Sitemap | None:
    """The entries of a document given as a sitemap, whatever its form (see the module); None
    when it is none of them. `truncated`: the download is known to be cut (a gzip stream found
    incomplete counts too). Errors (malformed, truncated) are in `error`; what parsed is kept."""
    errors = []
    if body[:2] == GZIP_MAGIC:
        try:
            body, complete = gunzip_partial(body, max_size)
        except (TooLarge, zlib.error) as exc:
            return Sitemap([], f"gzip: {exc}")
        if not complete:
            truncated = True
            errors.append("gzip stream truncated")
    if declares_entities(body):
        return Sitemap([], "entity declarations refused")
    sitemap = parse_sitemap(body) or _from_feed(body, base_url) or parse_url_list(body, truncated)
    if sitemap is None:
        return None
    if sitemap.error:
        errors.append(sitemap.error)
    sitemap.error = "; ".join(errors) or None
    return sitemap
