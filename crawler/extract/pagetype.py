"""Is this page one story, or a home page, archive, listing, search result or static page?"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Paths that are listings on WordPress and most CMSs.
LISTING_PATH = re.compile(
    r"^/(?:"
    r"(?:page|category|categories|tag|tags|topic|topics|author|authors|section|search|archive|archives|feed)(?:/.*)?"
    r"|\d{4}/(?:\d{1,2}/(?:\d{1,2}/)?)?(?:page/\d+/?)?"  # date archives: /2020/, /2020/07/, /2020/07/28/
    r")$",
    re.I,
)
LISTING_QUERY = re.compile(r"(?:^|&)(?:s|cat|tag|author|m|paged|page)=", re.I)
# WordPress body classes of non-article templates.
WP_LISTING_CLASSES = {"home", "blog", "archive", "category", "tag", "author", "date", "search", "search-results",
                      "error404", "attachment"}
WP_PAGE_CLASSES = {"page-template-default", "page-template"}
ARTICLE_OG_TYPES = {"article", "news", "newsarticle"}


def listing_reason(tree, url: str, has_article_ld: bool) -> str | None:
    """Why the page is not a single article (a short phrase), or None when it may be one."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if path in ("", "/") and not parts.query:
        return "home page"
    if LISTING_PATH.match(path):
        return f"listing URL {path}"
    if LISTING_QUERY.search(parts.query) and not re.search(r"(?:^|&)(?:p|page_id)=\d", parts.query):
        return f"listing URL ?{parts.query}"
    body_classes = set((tree.xpath("string(//body/@class)") or "").split())
    if body_classes & WP_LISTING_CLASSES and "single" not in body_classes:
        return "listing template (" + " ".join(sorted(body_classes & WP_LISTING_CLASSES)) + ")"
    if "page" in body_classes and body_classes & WP_PAGE_CLASSES:
        return "static page template"
    if has_article_ld or "single" in body_classes or "single-post" in body_classes:
        return None
    og_type = (tree.xpath('string(//meta[@property="og:type"]/@content)') or "").strip().lower()
    if og_type in ARTICLE_OG_TYPES:
        return None
    teasers = tree.xpath(
        '//article | //*[contains(concat(" ", normalize-space(@class), " "), " hentry ")]'
        ' | //li[contains(concat(" ", normalize-space(@class), " "), " wp-block-post ")]'
    )
    if len(teasers) >= 3:
        return f"listing of {len(teasers)} teasers"
    return None
