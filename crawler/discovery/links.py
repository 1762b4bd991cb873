"""Links in HTML pages: the feeds a page declares, and same-site links worth following."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
# Never pages: assets, admin, feeds of comments, reply and share links.
SKIP_PATH = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|css|js|pdf|zip|gz|mp3|mp4|mov|avi|woff2?|ttf|xml|json)$"
    r"|/wp-(?:admin|login|json|content|includes)|/xmlrpc\.php|/feed/?$|/comments/feed|/trackback/?$"
    r"|/embed/?$",
    re.I,
)
SKIP_QUERY = re.compile(r"(?:^|&)(?:replytocom|share|like_comment|action|redirect_to|print|amp)=", re.I)


def _tree(html: str):
    try:
        return lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None


def feed_links(html: str, base_url: str) -> list[str]:
    """URLs of the feeds a page declares with <link rel="alternate" type="…rss/atom…">."""
    tree = _tree(html)
    if tree is None:
        return []
    urls = []
    for link in tree.xpath('//link[@href][contains(concat(" ", @rel, " "), " alternate ")]'):
        if (link.get("type") or "").lower() in FEED_TYPES and "comments" not in link.get("href", ""):
            urls.append(urljoin(base_url, link.get("href")))
    return list(dict.fromkeys(urls))


def is_followable(url: str, base_url: str) -> bool:
    """http(s), on the same host and port as `base_url`, and not an asset or admin URL."""
    base = urlsplit(base_url)
    return _followable(urlsplit(url), (base.hostname or "").lower(), base.port)


def _followable(parts, host: str, port: int | None) -> bool:
    if parts.scheme not in ("http", "https"):
        return False
    if (parts.hostname or "").lower() != host or parts.port != port:
        return False
    return not SKIP_PATH.search(parts.path) and not SKIP_QUERY.search(parts.query)


def page_links(html: str, page_url: str, base_url: str) -> list[str]:
    """Same-site links of a page, absolute, without fragments, in page order, once each."""
    tree = _tree(html)
    if tree is None:
        return []
    base_href = tree.xpath("string(//base/@href)") or page_url
    base = urlsplit(base_url)
    host, port = (base.hostname or "").lower(), base.port  # split once, not once per link
    urls = []
    for href in dict.fromkeys(tree.xpath("//a/@href")):  # a menu repeats its links on every page
        href = href.strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        url = urljoin(base_href, href).split("#", 1)[0]
        if _followable(urlsplit(url), host, port):
            urls.append(url)
    return list(dict.fromkeys(urls))
