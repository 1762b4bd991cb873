"""WordPress: detection, REST API URLs and posts with their metadata as hints (pure)."""

from __future__ import annotations

import html as htmllib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from urllib.parse import urlencode, urljoin

API_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="https://api\.w\.org/"')
GENERATOR = re.compile(r'<meta[^>]+name=["\']generator["\'][^>]+content=["\']WordPress', re.I)
TAGS = re.compile(r"<[^>]+>")
POSTS_PER_PAGE = 100
EMBED = "author,wp:term"
# Sitemaps of WordPress core, Yoast and Rank Math that never list posts.
NON_POST_SITEMAP = re.compile(
    r"wp-sitemap-(?:taxonomies|users|posts-page)-|/(?:page|category|post_tag|tag|author|attachment|local)-sitemap\d*\.xml",
    re.I,
)


@dataclass
class RestPost:
    """A published post as the REST API describes it; `hints()` feeds extract_article."""

    url: str
    title: str
    published_at: str | None
    modified_at: str | None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def hints(self) -> dict:
        values = {"title": self.title, "published_at": self.published_at, "modified_at": self.modified_at,
                  "authors": self.authors, "categories": self.categories, "tags": self.tags}
        return {k: v for k, v in values.items() if v} | {"origin": "wp-rest"}


def api_root(link_header: str | None, html: str | None, base_url: str) -> str | None:
    """The REST root from the `Link: <…/wp-json/>; rel="https://api.w.org/"` header or the page's
    <link rel="https://api.w.org/">; None when the site does not look like WordPress."""
    for text in (link_header or "", html or ""):
        match = API_LINK.search(text) or re.search(r'rel=["\']https://api\.w\.org/["\'][^>]*href=["\']([^"\']+)', text)
        if match:
            return urljoin(base_url, htmllib.unescape(match.group(1)))
    if html and GENERATOR.search(html):
        return urljoin(base_url, "/wp-json/")
    return None


def posts_url(root: str, page: int, since: date | None = None) -> str:
    """The URL of page `page` of published posts, in the root's form (`/wp-json/` or `?rest_route=`);
    with `since`, only posts published on or after that day."""
    query = {"per_page": POSTS_PER_PAGE, "page": page, "_embed": EMBED, "orderby": "id", "order": "asc"}
    if since:
        query["after"] = f"{since.isoformat()}T00:00:00"
    if "rest_route=" in root:
        prefix, _, _ = root.partition("rest_route=")
        return prefix + urlencode({"rest_route": "/wp/v2/posts", **query})
    return urljoin(root if root.endswith("/") else root + "/", "wp/v2/posts") + "?" + urlencode(query)


def wordpress_home(root: str) -> str:
    """WordPress's home URL from its REST root: `…/blog/wp-json/` -> `…/blog/`, and with plain
    permalinks `…/index.php?rest_route=/` -> `…/`."""
    if "rest_route=" in root:
        path = root.split("?", 1)[0]
        return path[: -len("index.php")] if path.endswith("index.php") else path
    return urljoin(root if root.endswith("/") else root + "/", "../")


def fallback_urls(root: str) -> tuple[tuple[str, ...], str]:
    """The sitemaps to probe and the Atom feed to page when the REST API is closed, under
    WordPress's own home (which may be a subdirectory): core's, Yoast's and Rank Math's sitemap
    indexes and `feed/atom/`, or with plain permalinks `?sitemap=index` and `?feed=atom`."""
    home = wordpress_home(root)
    if "rest_route=" in root:
        return (urljoin(home, "?sitemap=index"),), urljoin(home, "?feed=atom")
    sitemaps = tuple(urljoin(home, name) for name in ("wp-sitemap.xml", "sitemap_index.xml", "sitemap.xml"))
    return sitemaps, urljoin(home, "feed/atom/")


def _instant(local: str | None, gmt: str | None) -> str | None:
    """An ISO instant in the site's own offset, from REST `date` (local) and `date_gmt`."""
    if not gmt:
        return None
    utc = datetime.fromisoformat(gmt).replace(tzinfo=timezone.utc)
    if not local:
        return utc.isoformat(timespec="seconds")
    offset = datetime.fromisoformat(local) - datetime.fromisoformat(gmt)
    return utc.astimezone(timezone(offset)).isoformat(timespec="seconds")


def _text(rendered: str) -> str:
    return htmllib.unescape(TAGS.sub("", rendered or "")).strip()


def parse_posts(body: bytes) -> list[RestPost] | None:
    """Posts of one REST page; None when the body is not a posts listing."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, list):
        return None
    posts = []
    for item in data:
        if not isinstance(item, dict) or not item.get("link"):
            continue
        if item.get("status", "publish") != "publish" or item.get("type", "post") != "post":
            continue
        embedded = item.get("_embedded") or {}
        authors = [a.get("name") for a in embedded.get("author", []) if isinstance(a, dict) and a.get("name")]
        terms = [t for group in embedded.get("wp:term", []) for t in group if isinstance(t, dict)]
        published = _instant(item.get("date"), item.get("date_gmt"))
        modified = _instant(item.get("modified"), item.get("modified_gmt"))
        posts.append(RestPost(
            url=item["link"],
            title=_text((item.get("title") or {}).get("rendered", "")),
            published_at=published,
            modified_at=modified if modified and modified != published else None,
            authors=authors,
            categories=[_text(t["name"]) for t in terms if t.get("taxonomy") == "category" and t.get("name")],
            tags=[_text(t["name"]) for t in terms if t.get("taxonomy") == "post_tag" and t.get("name")],
        ))
    return posts
