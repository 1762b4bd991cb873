"""Page chrome removed before the body is extracted: selectors as data, one group per origin.

Add a selector to the group it belongs to; `PRUNE_SELECTORS` is what extraction applies.
Sources may add their own (`prune` in sources.toml) through the `prune` hint.
"""

from __future__ import annotations

from functools import lru_cache

from cssselect import GenericTranslator, SelectorError

# Core block themes (twentytwentytwo and later).
WORDPRESS_BLOCK_THEMES = (
    ".wp-block-comments",
    ".wp-block-comments-query-loop",
    ".wp-block-post-comments-form",
    ".wp-block-post-navigation-link",
    ".wp-block-post-author",
    ".wp-block-post-terms",
    ".wp-block-post-date",
)

# Classic themes (twentyten .. twentytwentyone and most commercial themes).
WORDPRESS_CLASSIC_THEMES = (
    "#comments",
    ".comments-area",
    ".comment-list",
    ".commentlist",
    "#respond",
    ".comment-respond",
    "#commentform",
    ".comment-form",
    ".navigation.post-navigation",
    ".post-navigation",
    ".nav-links",
    ".entry-footer",
    ".entry-meta",
    ".author-bio",
    ".author-info",
)

# Jetpack / WordPress.com, including the "highlander" comment form.
JETPACK = (
    "#jp-post-flair",
    ".sharedaddy",
    ".sd-sharing-enabled",
    ".sd-like",
    "#jp-relatedposts",
    ".jp-relatedposts",
    ".jetpack-likes-widget-wrapper",
    "#comment-form-identity",
    "#comment-form-subscribe",
    ".comment-subscription-form",
    "#highlander-comment-form",
)

# Common plugins: Disqus, wpDiscuz, share and related-post plugins, newsletter boxes.
PLUGINS = (
    "#disqus_thread",
    ".wpdiscuz_top_clearing",
    "#wpdcom",
    ".wpd-comments",
    ".addtoany_share_save_container",
    ".a2a_kit",
    ".shareaholic-canvas",
    ".social-share",
    ".share-buttons",
    ".yarpp-related",
    ".crp_related",
    ".jp-related-posts",
    ".related-posts",
    ".newsletter-signup",
)

PRUNE_SELECTORS: tuple[str, ...] = WORDPRESS_BLOCK_THEMES + WORDPRESS_CLASSIC_THEMES + JETPACK + PLUGINS


@lru_cache(maxsize=256)
def to_xpath(selector: str) -> str:
    """An XPath for `selector`, which may be CSS or already XPath (starting with / or ./)."""
    if selector.startswith(("/", "./", "(")):
        return selector
    try:
        return GenericTranslator().css_to_xpath(selector, prefix="descendant-or-self::")
    except SelectorError as exc:
        raise ValueError(f"not a CSS selector: {selector!r} ({exc})") from exc


def prune(tree, extra: tuple[str, ...] = ()) -> int:
    """Remove every element matching a prune selector from `tree`, in place; return how many."""
    removed = 0
    for selector in PRUNE_SELECTORS + tuple(extra):
        for element in tree.xpath(to_xpath(selector)):
            parent = element.getparent()
            if parent is None:
                continue
            # keep the text that follows the removed element
            if element.tail and element.tail.strip():
                previous = element.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + element.tail
                else:
                    parent.text = (parent.text or "") + element.tail
            parent.remove(element)
            removed += 1
    return removed
