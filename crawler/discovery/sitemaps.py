"""Sitemaps (urlset and index, Google News extension) parsed without entity expansion."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=False, recover=True, remove_comments=True)


@dataclass
class SitemapEntry:
    """One <url> or <sitemap> of a sitemap; `is_sitemap` for index entries."""

    url: str
    is_sitemap: bool = False
    lastmod: str | None = None
    title: str | None = None
    published_at: str | None = None

    def hints(self) -> dict:
        values = {"title": self.title, "published_at": self.published_at}
        return {k: v for k, v in values.items() if v} | {"origin": "sitemap"}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(body: bytes) -> list[SitemapEntry] | None:
    """Entries of the sitemap in `body` (uncompressed); None when it is not a sitemap."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(**_PARSER))
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
    return entries


def sitemaps_from_robots(text: str) -> list[str]:
    """The URLs of `Sitemap:` lines in a robots.txt."""
    urls = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            urls.append(value.strip())
    return urls
