"""Is this page one story, or a home page, archive, listing, search result or static page?

Some signs are decisive (the site's home, pagination, date archives, WordPress listing templates);
others only suggest a listing (a taxonomy-like URL, a WordPress static page, several teasers) and
give way when the page carries a story: an Article in JSON-LD, an `article:published_time`, or
a block of running prose outside any teaser. Guides and reviews published as WordPress pages or
under /topics/... are stories; an About, Contact or Privacy page never is. On a WordPress page
`og:type` "article" is no such sign: SEO plugins print it on every page, landing pages included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .dom import squash
from .prose import chrome, prose_chars

# Paths that are listings whatever the page holds: pagination and date archives.
LISTING_PATH = re.compile(
    r"^(?:/.*)?/page/\d+/?$"
    r"|^/(?:feed|search)(?:/.*)?$"
    r"|^/(?:archives?/)?\d{4}/(?:\d{1,2}/(?:\d{1,2}/)?)?$",  # /2020/, /2020/07/, /archive/2020/07/28/
    re.I,
)
# Paths that most often are taxonomy listings, though some sites file stories under them.
TAXONOMY_PATH = re.compile(
    r"^/(?:category|categories|tag|tags|topic|topics|author|authors|section|sections|archive|archives)"
    r"(?:/[^/]+)*/?$",
    re.I,
)
LISTING_QUERY = re.compile(r"(?:^|&)(?:s|cat|tag|author|m|paged|page)=", re.I)
# WordPress body classes of non-article templates; 'archive' alone (custom taxonomies, post-type
# archives) is only a hint.
WP_LISTING_CLASSES = {"home", "blog", "category", "tag", "author", "date", "search", "search-results",
                      "error404", "attachment"}
WP_SOFT_LISTING_CLASSES = {"archive"}
WP_PAGE_CLASSES = {"page-template-default", "page-template"}
SINGULAR_CLASSES = {"wp-singular", "single", "single-post", "singular"}
WP_MARKERS = re.compile(r"/wp-(?:content|includes)/|<meta[^>]+generator[^>]+WordPress", re.I)
ARTICLE_OG_TYPES = {"article", "news", "newsarticle"}
# Last path segments of the utility pages every site has: never stories, however long.
UTILITY_SLUG = re.compile(
    r"^(?:about|contact)(?:-us|-me)?$|^(?:privacy|cookies?)(?:-policy|-notice|-statement)?$"
    r"|^terms(?:-of-(?:use|service)|-and-conditions|-conditions)?$"
    r"|^(?:imprint|impressum|legal|legal-notice|disclaimer|accessibility|sitemap|login|register|account"
    r"|my-account|cart|checkout|subscribe|newsletter|advertise|advertising|careers|jobs|faqs?|donate|search)$",
    re.I,
)
# Blocks that may be teasers: a teaser's heading links to the story it announces.
TEASER_BLOCKS = (
    '//article | //*[contains(@class, "hentry")][contains(concat(" ", normalize-space(@class), " "), " hentry ")]'
    ' | //li[contains(@class, "wp-block-post")][contains(concat(" ", normalize-space(@class), " "), " wp-block-post ")]'
)
# Running prose (see prose.py) outside teasers (blocks shorter than TEASER_CHARS); PROSE_MIN
# characters of it make a story.
TEASER_CHARS = 1000
PROSE_MIN = 1000
LISTING_TEASERS = 3  # this many teasers make a page a listing unless it carries a story


def teasers(tree) -> list:
    """Blocks of the page that announce another story: an article/entry whose heading is a link."""
    found = []
    for block in tree.xpath(TEASER_BLOCKS):
        for heading in block.iter("h1", "h2", "h3", "h4", "h5", "h6"):
            if heading.find(".//a[@href]") is not None or any(a.tag == "a" and a.get("href") for a in heading.iterancestors()):
                found.append(block)
                break
    return found


def prose_outside_teasers(tree, blocks=()) -> int:
    """Characters of running prose in the page, leaving out chrome and the short blocks of `blocks`."""
    small = [t for t in blocks if len(squash(t.text_content())) < TEASER_CHARS]
    return prose_chars(tree, chrome(tree) + small)


def _is_wordpress(tree, body_classes: set[str]) -> bool:
    if any(c.startswith(("wp-", "postid-", "page-id-")) for c in body_classes):
        return True
    head = tree.find("head")
    if head is not None and any(WP_MARKERS.search(e.get("href") or e.get("src") or e.get("content") or "")
                                for e in head.iter("link", "script", "meta")):
        return True
    return bool(tree.xpath('//meta[@name="generator"][starts-with(@content, "WordPress")]'))


def _hard_reason(tree, url: str, body_classes: set[str]) -> str | None:
    path = urlsplit(url).path or "/"
    if LISTING_PATH.match(path):
        return f"listing URL {path}"
    if "single" in body_classes or not _is_wordpress(tree, body_classes):
        return None
    listing = body_classes & WP_LISTING_CLASSES
    if _singular(body_classes):
        listing -= {"home"}  # a static front page: one page, whatever the URL
    if listing:
        return "listing template (" + " ".join(sorted(listing)) + ")"
    slug = unquote(path.rstrip("/").rsplit("/", 1)[-1]).removesuffix(".html")
    if "page" in body_classes and body_classes & WP_PAGE_CLASSES and UTILITY_SLUG.match(slug):
        return "static page template"
    return None


def _singular(body_classes: set[str]) -> bool:
    """WordPress renders the page with a singular template (one post or page)."""
    return bool(body_classes & SINGULAR_CLASSES) or any(c.startswith(("postid-", "page-id-")) for c in body_classes)


def _url_reason(url: str) -> str | None:
    """What the URL alone suggests: the site's home, or a listing query (?page=2, ?s=, ?cat=).
    Only a suggestion: an article can sit at the home URL or carry `&page=1`."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if path in ("", "/") and not parts.query:
        return "home page"
    if LISTING_QUERY.search(parts.query) and not re.search(r"(?:^|&)(?:p|page_id)=\d", parts.query):
        return f"listing URL ?{parts.query}"
    if TAXONOMY_PATH.match(path):
        return f"listing URL {path}"
    return None


def _soft_reason(tree, url: str, body_classes: set[str], has_article_ld: bool) -> str | None:
    reason = _url_reason(url)
    if reason:
        return reason
    if _is_wordpress(tree, body_classes) and "single" not in body_classes:
        if body_classes & WP_SOFT_LISTING_CLASSES:
            return "listing template (archive)"
        if "page" in body_classes and body_classes & WP_PAGE_CLASSES:
            return "static page template"
    if has_article_ld or "single" in body_classes or "single-post" in body_classes:
        return None
    og_type = (tree.xpath('string(//meta[@property="og:type"]/@content)') or "").strip().lower()
    if og_type in ARTICLE_OG_TYPES:
        return None
    count = len(teasers(tree))
    if count >= LISTING_TEASERS:
        return f"listing of {count} teasers"
    return None


@dataclass(frozen=True)
class PageKind:
    """The page-type verdict: `reason` why it is not a single article (None when it may be one);
    `provisional` when the page is still one story if its body holds enough text (a short story
    on a singular page that a URL or template only suggested was something else)."""

    reason: str | None
    provisional: bool = False


def page_kind(tree, url: str, has_article_ld: bool) -> PageKind:
    """Decide from the page whether it is one story; the URL only suggests (see the module docstring)."""
    body_classes = set((tree.xpath("string(//body/@class)") or "").split())
    reason = _hard_reason(tree, url, body_classes)
    if reason:
        return PageKind(reason)
    reason = _soft_reason(tree, url, body_classes, has_article_ld)
    if reason is None:
        return PageKind(None)
    found = teasers(tree)
    dated = has_article_ld or bool(tree.xpath('//meta[@property="article:published_time"]'))
    if reason == "home page":
        # the site's home is one story only when the page says so: a singular template or an
        # Article of its own, and no list of teasers
        if len(found) >= LISTING_TEASERS or not (dated or _singular(body_classes)):
            return PageKind(reason)
        return PageKind(None if prose_outside_teasers(tree, found) >= PROSE_MIN else reason, provisional=True)
    if dated or prose_outside_teasers(tree, found) >= PROSE_MIN:
        return PageKind(None)
    og_type = (tree.xpath('string(//meta[@property="og:type"]/@content)') or "").strip().lower()
    one_page = _singular(body_classes) or og_type in ARTICLE_OG_TYPES
    # a WordPress page (About, Contact, a landing page) is singular too, but never a story unless
    # its prose says so (above): a short one stays rejected whatever its URL
    static_page = reason == "static page template"
    return PageKind(reason, provisional=one_page and not static_page and len(found) < LISTING_TEASERS)
