"""The words extraction recognises page parts by, in one place: chrome (class/id words and tags),
the blocks that list other posts, layout words, and the story-frame names trafilatura looks for.

Every extraction module reads these; a word added here counts for metadata (evidence.py,
authors.py) and for the body (prune.py) alike.
"""

from __future__ import annotations

import re

# Blocks that list other posts, other people or other pages: comments, related and recommended
# posts, carousels, the site's footer. A name there is never the story's author.
OTHERS_WORDS = frozenset({
    "comment", "comments", "commentlist", "respond", "reply", "replies", "related", "relatedposts", "recent",
    "popular", "recommended", "recommendations", "trending", "carousel", "slider", "disqus", "outbrain",
    "taboola", "testimonial", "testimonials", "footer",
})
# Chrome: blocks that never hold the story or its own metadata. The blocks above, sidebars and
# widgets, share bars, subscription boxes and pop-ups, ads, cookie banners, navigation, calls to
# action, disclosures, author bios, footnotes.
CHROME_WORDS = OTHERS_WORDS | {
    "sidebar", "widget", "widgets", "share", "sharing", "sharedaddy", "shares", "social", "newsletter",
    "subscribe", "subscription", "promo", "promos", "advert", "advertisement", "ads", "cookie", "cookies",
    "navbar", "nav", "navigation", "menu", "popup", "modal",
    "cta", "subtitle", "disclosure", "disclaimer", "copyright", "footnotes", "bio", "citation", "subnav",
}
# Class-token phrases that name chrome whatever their words' order.
CHROME_PHRASES = re.compile(
    r"site-header|site-footer|page-footer|jp-post-flair|more-stories|read-next|you-may|also-like|next-post|"
    r"prev-post|post-navigation",
    re.I,
)
# Inside an article these are the story's own header and meta blocks, not chrome.
ARTICLE_FOOTER = re.compile(r"entry-footer|post-footer|article-footer|entry-meta|post-meta", re.I)
# Class tokens that name layouts around the content, not chrome ("content-sidebar-wrap", "has-sidebar").
WRAPPER = re.compile(r"wrap|container|layout|^has-|^no-|^with-|-with-|-open$|-enabled$|-closed$|"
                     r"sidebar-(?:left|right)|(?:left|right)-sidebar|^single|^page-template|^postid|"
                     r"^(?:category|tag|post_tag|topic|section)-|^elementor|^et_|^ast-|full-width", re.I)

# Chrome by tag: navigation, asides, forms and buttons, the page's header and footer. Only the
# first two are chrome inside the story's <article>/<main> too; there the others are its own.
CHROME_TAGS = ("nav", "aside", "header", "footer", "form", "button", "label")
CHROME_TAGS_IN_ARTICLE = ("nav", "aside")

# Class words that name a layout device, not a role: page builders (Elementor, HubSpot, Webflow,
# WPBakery, ...) put them on the story's own blocks ("elementor-widget-text-editor", "w-embed",
# "hs_cos_wrapper_widget"). Never chrome words for the body; hidden from trafilatura (prune.py).
LAYOUT_WORDS = {"widget": "wdgt", "embed": "mbd", "expand": "xpnd", "options": "optns", "slide": "sld",
                "button": "bttn"}

# Substrings of class and id words that trafilatura's boilerplate filter takes for chrome
# (its `BODY_XPATH` / `OVERALL_DISCARD_XPATH` words, 2.3), removed from the story's own frame.
TRAFILATURA_CHROME_NAMES = re.compile(
    r"sidebar|share|social|related|nav|menu|footer|comment|author|tags|banner|meta|bar|ad-|"
    r"newsletter|cookie|consent|popular|premium|teaser|byline|rating|hidden|hide", re.I)
# trafilatura's names of the story's frame, copied from trafilatura 2.3.1 (trafilatura/xpaths.py,
# `_ARTICLE_CONTENT_ID_TOKENS` and `_ARTICLE_CONTENT_CLASS_TOKENS`, private there; Apache-2.0):
# our own data now, re-checked when the pinned minor version changes.
STORY_ID_TOKENS = ("(?:entry|article|art)-content", "article__content", "article(?:-|__)?body", "articleBody",
                   "body-text")
STORY_CLASS_TOKENS = ("post[-_]text", "post-body", "post-?entry", "post[-_]?content", "postContent",
                      "post_inner_wrapper", "article-?text", "articleText", "(?:entry|page|text|article|art)-content",
                      "article__content", "article(?:-|__)?body", "articleBody", "ArticleContent", "body-text",
                      "article__container")
