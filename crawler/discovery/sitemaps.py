"""Sitemaps (urlset and index, Google News extension) parsed without entity expansion, and the
sitemaps a robots.txt lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from protego import Protego  # Scrapy's robots.txt parser

XML_OPTIONS = dict(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True, load_dtd=False)
# A `&` that starts no entity or character reference (`?a=1&b=2` written raw): libxml2's recovery
# would cut the URL there and so invent a shorter one; escaped, the whole URL is kept.
_STRAY_AMPERSAND = re.compile(rb"&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")
# robots.txt sitemap keys Protego does not know: "Site map", "Site_map" (it reads Sitemap,
# sitemap, Sitemaps, Site-map in any case, with or without the colon).
_SPACED_SITEMAP_KEY = re.compile(r"^([ \t]*)site[ \t_]+(maps?)(?=[ \t]*:|[ \t]+\S)", re.I | re.M)


@dataclass
class SitemapEntry:
    """One <url> or <sitemap> of a sitemap (`is_sitemap` for index entries), one item of a feed
    given as a sitemap (`origin` "feed", with its authors and modified time), or one line of a
    plain-text URL list (no hints)."""

    url: str
    is_sitemap: bool = False
    lastmod: str | None = None
    title: str | None = None
    published_at: str | None = None
    modified_at: str | None = None
    authors: list[str] = field(default_factory=list)
    origin: str = "sitemap"

    def hints(self) -> dict:
        values = {"title": self.title, "published_at": self.published_at, "modified_at": self.modified_at,
                  "lastmod": self.lastmod, "authors": self.authors}
        return {k: v for k, v in values.items() if v} | {"origin": self.origin}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass
class Sitemap:
    """A parsed sitemap: its entries, what was wrong with it (salvaged entries are kept), and its
    form: "xml" (urlset or index), "feed" (RSS/Atom/RDF) or "text" (one URL a line)."""

    entries: list[SitemapEntry]
    error: str | None = None
    form: str = "xml"


def declares_entities(body: bytes) -> bool:
    """True when an XML document declares entities (billion laughs and friends): sitemaps and
    feeds never need them, so such documents are refused unparsed."""
    head = body[:65536]
    return b"<!ENTITY" in head or b"<!entity" in head


def last_element_closed(body: bytes, qname: str) -> bool:
    """True when the last `<qname ...>` start tag in `body` is closed after it (`</qname>`, or
    `/>` on itself): false for the entry a truncated file was cut in."""
    name = re.escape(qname.encode())
    starts = [m.start() for m in re.finditer(rb"<" + name + rb"(?=[\s/>]|\Z)", body)]
    if not starts:
        return False
    tail = body[starts[-1]:]
    tag_end = tail.find(b">")
    if tag_end < 0:
        return False
    return tail[tag_end - 1:tag_end] == b"/" or re.search(rb"</" + name + rb"\s*>", tail) is not None


def _qname(node) -> str:
    local = _local(node.tag)
    return f"{node.prefix}:{local}" if node.prefix else local


def parse_sitemap(body: bytes) -> Sitemap | None:
    """The sitemap in `body` (uncompressed); None when it is not a sitemap at all. Malformed XML
    is salvaged as far as it goes, with `error` set; the entry a truncated file was cut in (its
    element never closed) is dropped, so no cut URL is ever used."""
    if declares_entities(body):
        return Sitemap([], "entity declarations refused")
    error = None
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(**XML_OPTIONS, recover=False))
    except etree.XMLSyntaxError as exc:
        error = f"malformed XML: {exc}"
        try:
            root = etree.fromstring(_STRAY_AMPERSAND.sub(b"&amp;", body),
                                    parser=etree.XMLParser(**XML_OPTIONS, recover=True))
        except etree.XMLSyntaxError:
            return None
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        return None
    is_index = _local(root.tag) == "sitemapindex"
    nodes = [node for node in root if isinstance(node.tag, str)]
    if error and nodes and not last_element_closed(body, _qname(nodes[-1])):
        nodes.pop()  # cut off by the end of the file
    entries = []
    for node in nodes:
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
    """The sitemap URLs a robots.txt lists, once each, as Protego reads them (`Sitemap:` in any
    case and spacing, `Sitemaps:`, `Site-map:`, no colon), plus `Site map:` and `Site_map:`."""
    text = _SPACED_SITEMAP_KEY.sub(r"\1Site\2", text.lstrip("\ufeff"))
    try:
        urls = list(Protego.parse(text).sitemaps)
    except Exception:  # a robots.txt Protego cannot read lists no sitemap
        return []
    return list(dict.fromkeys(url for url in urls if url))


def crawl_delay(text: str, user_agent: str) -> float | None:
    """The `Crawl-delay` robots.txt sets for our user agent (or `*`), in seconds."""
    try:
        delay = Protego.parse(text).crawl_delay(user_agent)
    except Exception:  # a robots.txt Protego cannot read gives no delay
        return None
    return float(delay) if delay else None
