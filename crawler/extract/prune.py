"""Page chrome removed before the body is extracted, as data: selectors (one group per origin)
and class/id words; plus two repairs that keep trafilatura from dropping the story's own blocks
(layout-device class words neutralised, collapsed sections holding prose shown again).

Add a selector to the group it belongs to; `PRUNE_SELECTORS` is what extraction applies.
Sources may add their own (`prune` in sources.toml) through the `prune` hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cssselect import GenericTranslator, SelectorError
from lxml import etree

from .dom import class_words, squash
from .prose import PROSE_PARAGRAPH
from .vocabulary import CHROME_WORDS, LAYOUT_WORDS

# Core block themes (twentytwentytwo and later).
WORDPRESS_BLOCK_THEMES = (
    ".wp-block-comments",
    ".wp-block-comments-query-loop",
    ".wp-block-post-comments-form",
    ".wp-block-post-navigation-link",
    ".wp-block-post-author",
    ".wp-block-post-terms",
    ".wp-block-post-date",
    ".post-nav-links",  # wp_link_pages(): "Pages: 1 2 3" of a multi-page post
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
    ".page-links",  # twentytwentyone's wp_link_pages() wrapper
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

# Blocks (of WORD_PRUNED_TAGS) whose class or id words (crawler/extract/dom.class_words) include a
# chrome word (crawler/extract/vocabulary.py) are never the story; but for layout words and
# "sidebar", which names the layouts around a story as often as a sidebar ("content-sidebar-wrap",
# "has-sidebar"; sidebars are <aside>s or matched by selectors). A block holding most of the
# story's prose is kept whatever its name (a wrapper around the story can carry any word).
BODY_CHROME_WORDS = frozenset(CHROME_WORDS - set(LAYOUT_WORDS) - {"sidebar"})
CHROME_WORDS_KEEP_PARAGRAPHS = 3  # paragraphs of 80+ characters that make a block part of the story
# Only blocks go by their words: a link or span named "cta" is a word of the story.
WORD_PRUNED_TAGS = ("div", "section", "aside", "ul", "ol", "dl", "p", "figure", "header", "footer", "form", "table",
                    "details", "nav")

# Layout-device words (vocabulary.LAYOUT_WORDS): trafilatura's boilerplate filter takes any class
# containing them for chrome, so they are neutralised in the classes kept.
_LAYOUT = re.compile("|".join(LAYOUT_WORDS))

# Collapsed accordions and tabs hide part of the story (style="display:none", aria-hidden, a
# "hidden" class) until clicked; trafilatura drops whatever is hidden. A hidden block holding a
# paragraph of prose is shown again; hidden menus, pop-ups and templates hold none.
UNHIDE_PARAGRAPHS = 1
_HIDING_CLASS = re.compile(r"(?:^|\s)(?:hidden|hide|is-hidden|collapsed?|d-none)(?:\s|$)")

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


# `#id`, `.class`, `#id.class`, `.a.b` (any tag): matched in one walk over the tree instead of
# one XPath query per selector, which cost more than the rest of extraction on long pages.
_SIMPLE = re.compile(r"^(?:#(?P<id>[\w-]+))?(?P<classes>(?:\.[\w-]+)*)$")


@dataclass(frozen=True)
class Matcher:
    """Selectors compiled for one walk: ids, class sets indexed by one of their classes, the rest as XPath."""

    ids: frozenset[str]
    by_class: dict[str, tuple[frozenset[str], ...]]
    id_and_class: tuple[tuple[str, frozenset[str]], ...]
    xpaths: tuple[str, ...]

    def matches(self, element) -> bool:
        return self.matches_names(element.get("class"), element.get("id"))

    def matches_names(self, names: str | None, ident: str | None) -> bool:
        """`matches` for an element of this class and id attribute."""
        if ident is not None and ident in self.ids:
            return True
        if not names:
            return False
        words = names.split()
        by_class = self.by_class
        for token in words:
            for required in by_class.get(token, ()):
                if len(required) == 1 or required <= set(words):
                    return True
        if ident is not None and self.id_and_class:
            return any(ident == want_id and required <= set(words) for want_id, required in self.id_and_class)
        return False


@lru_cache(maxsize=64)
def compile_selectors(selectors: tuple[str, ...]) -> Matcher:
    ids: set[str] = set()
    by_class: dict[str, list[frozenset[str]]] = {}
    id_and_class: list[tuple[str, frozenset[str]]] = []
    xpaths: list[str] = []
    for selector in selectors:
        simple = _SIMPLE.match(selector.strip())
        if not simple or not selector.strip():
            xpaths.append(to_xpath(selector))
            continue
        classes = frozenset(c for c in simple["classes"].split(".") if c)
        if simple["id"] and classes:
            id_and_class.append((simple["id"], classes))
        elif simple["id"]:
            ids.add(simple["id"])
        else:
            by_class.setdefault(min(classes), []).append(classes)
    return Matcher(frozenset(ids), {k: tuple(v) for k, v in by_class.items()}, tuple(id_and_class), tuple(xpaths))


def remove(element) -> None:
    """Drop `element` from its tree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _holds_prose(element, paragraphs: int = 0) -> bool:
    wanted = paragraphs or CHROME_WORDS_KEEP_PARAGRAPHS
    long_paragraphs = 0
    for paragraph in element.iter("p"):
        if len(squash(paragraph.text_content())) >= PROSE_PARAGRAPH:
            long_paragraphs += 1
            if long_paragraphs >= wanted:
                return True
    return False


def _hidden(element) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return ("display:none" in style or "visibility:hidden" in style or element.get("aria-hidden") == "true"
            or element.get("hidden") is not None or bool(_HIDING_CLASS.search(element.get("class") or "")))


def _unhide(element) -> None:
    style = re.sub(r"(?i)(display\s*:\s*none|visibility\s*:\s*hidden);?", "", element.get("style") or "")
    if style.strip():
        element.set("style", style)
    elif "style" in element.attrib:
        del element.attrib["style"]
    for attribute in ("aria-hidden", "hidden"):
        element.attrib.pop(attribute, None)
    if element.get("class"):
        element.set("class", _HIDING_CLASS.sub(" ", element.get("class")).strip())


@lru_cache(maxsize=8)
def _words_pretest(words: frozenset[str]) -> re.Pattern:
    """A quick test that a chrome word may be there (a substring of class or id)."""
    return re.compile("|".join(sorted(map(re.escape, words))))


_WORD_PRUNED = frozenset(WORD_PRUNED_TAGS)


@dataclass
class _Found:
    chrome: list  # blocks named by a chrome word, in document order
    matched: list  # elements a selector matches, in document order
    hidden: list  # elements that may be hidden


def _may_be_hidden(element, names: str | None, keys: list) -> bool:
    """A cheap first test for `_hidden`."""
    if "style" in keys:
        style = element.get("style")
        if "none" in style or "hidden" in style:
            return True
    return "aria-hidden" in keys or "hidden" in keys or bool(
        names and ("hid" in names or "collaps" in names or "d-none" in names))


def _next_outside(element, root):
    """The first element after `element` and all below it, in document order, within `root`."""
    for node in (element, *element.iterancestors()):
        if node is root:
            return None
        following = next(node.itersiblings(etree.Element), None)
        if following is not None:
            return following
    return None


def _walk(root, matcher: Matcher, words: frozenset[str]) -> _Found:
    """Blocks named by chrome words, elements the selectors match and elements that may be
    hidden, in one walk over the page, neutralising layout words on the way: pages are large, and
    every walk costs. Below a block found for removal nothing is looked at (it all goes), unless
    XPath selectors, which read the classes this walk rewrites, are still to run."""
    found = _Found([], [], [])
    pretest = _words_pretest(words) if words else None
    skip_below = not matcher.xpaths
    matches, layout = matcher.matches_names, _LAYOUT.search
    resume = None  # skipping the elements below a removed block, up to this one
    for element in root.iter(etree.Element):
        if resume is not None:
            if element is not resume:
                continue
            resume = None
        keys = element.keys()
        if not keys:
            continue
        names, ident = element.get("class"), element.get("id")
        if _may_be_hidden(element, names, keys):
            found.hidden.append(element)
        if names is None and ident is None:
            continue
        doomed = False
        if (pretest is not None and ((names and pretest.search(names)) or (ident and pretest.search(ident)))
                and element.tag in _WORD_PRUNED and class_words(element) & words and not _holds_prose(element)):
            found.chrome.append(element)
            doomed = True
        if matches(names, ident):
            found.matched.append(element)
            doomed = True
        elif names and layout(names):
            element.set("class", _LAYOUT.sub(lambda m: LAYOUT_WORDS[m.group(0)], names))
        if doomed and skip_below and element is not root:  # (a root that cannot be removed is walked)
            resume = _next_outside(element, root)
            if resume is None:
                break
    return found


def prune(tree, extra: tuple[str, ...] = (), words: frozenset[str] = BODY_CHROME_WORDS) -> int:
    """Remove every element matching a prune selector or chrome word from `tree`, in place; return how many.

    On the way, layout-device words in the classes kept are neutralised (LAYOUT_WORDS), and hidden
    blocks holding prose are shown again.
    """
    matcher = compile_selectors(PRUNE_SELECTORS + tuple(extra))
    body = tree.find("body")
    root = body if body is not None else tree
    walked = _walk(root, matcher, words)
    found = walked.chrome + walked.matched
    for element in walked.hidden:
        if _hidden(element) and _holds_prose(element, UNHIDE_PARAGRAPHS):
            _unhide(element)
    for xpath in matcher.xpaths:
        found.extend(tree.xpath(xpath))
    doomed = set(found)
    removed = 0
    for element in dict.fromkeys(found):  # outermost matches only, each once
        if not any(a in doomed for a in element.iterancestors()):
            remove(element)
            removed += 1
    return removed
