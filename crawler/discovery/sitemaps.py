"""Sitemaps (urlset and index, Google News extension) parsed without entity expansion."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from protego import Protego  # Scrapy's robots.txt parser

_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True, load_dtd=False)


@dataclass
class SitemapEntry:
    """One <url> or <sitemap> of a sitemap; `is_sitemap` for index entries."""

    url: str
    is_sitemap: bool = False
    lastmod: str | None = None
    title: str | None = None
    published_at: str | None = None

    def hints(self) -> dict:
        values = {"title": self.title, "published_at": self.published_at, "lastmod": self.lastmod}
        return {k: v for k, v in values.items() if v} | {"origin": "sitemap"}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass
class Sitemap:
    """A parsed sitemap: its entries, and what was wrong with it (salvaged entries are kept)."""

    entries: list[SitemapEntry]
    error: str | None = None


def declares_entities(body: bytes) -> bool:
    """True when an XML document declares entities (billion laughs and friends): sitemaps and
    feeds never need them, so such documents are refused unparsed."""
    head = body[:65536]
    return b"<!ENTITY" in head or b"<!entity" in head


def parse_sitemap(body: bytes) -> Sitemap | None:
    """The sitemap in `body` (uncompressed); None when it is not a sitemap at all. Malformed XML
    is salvaged as far as it goes, with `error` set."""
    if declares_entities(body):
        return Sitemap([], "entity declarations refused")
    error = None
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(**_PARSER, recover=False))
    except etree.XMLSyntaxError as exc:
        error = f"malformed XML: {exc}"
        try:
            root = etree.fromstring(body, parser=etree.XMLParser(**_PARSER, recover=True))
        except etree.XMLSyntaxError:
            return None
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        return None
    is_index = _local(root.tag) == "sitemapindex"
    entries = []
    for node in root:
        fields: dict[str, str] = {}
        for child in node.iter():
            name = _local(child.tag)
            if child.text and child.text.strip() and name not in fields:
                fields[name] = child.text.strip()
        if fields.get("loc"):
            entries.append(SitemapEntry(
                url=fields["loc"],
                is_sitemap=is_index,
                lastmod=fields.get("lastmod"),
                title=fields.get("title"),
                published_at=fields.get("publication_date"),
            ))
    return Sitemap(entries, error)


def sitemaps_from_robots(text: str) -> list[str]:
    """The URLs of `Sitemap:` lines in a robots.txt."""
    urls = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            urls.append(value.strip())
    return urls


def crawl_delay(text: str, user_agent: str) -> float | None:
    """The `Crawl-delay` robots.txt sets for our user agent (or `*`), in seconds."""
    try:
        delay = Protego.parse(text).crawl_delay(user_agent)
    except Exception:  # a robots.txt Protego cannot read gives no delay
        return None
    return float(delay) if delay else None
