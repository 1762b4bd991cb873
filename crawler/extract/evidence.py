"""A page's metadata evidence, read once: meta tags, JSON-LD nodes, and where the story sits.

`Page` is built from an lxml tree before any pruning. Every metadata module asks it rather than
walking the tree again: meta tags are indexed once, JSON-LD is parsed once (with `@graph` and
`@id` references resolved), and chrome (comments, related posts, sidebars, site header and
footer) is recognised by one rule.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from functools import cached_property, lru_cache
from typing import Any, Iterator
from urllib.parse import urlsplit

from lxml import etree

from .dom import marker_of, squash, token_words
from .vocabulary import ARTICLE_FOOTER, CHROME_PHRASES, CHROME_TAGS_IN_ARTICLE, CHROME_WORDS, WRAPPER

# Links to a listing of one term: a tag, category, section or topic page.
TERM_HREF = re.compile(r"/(?:tags?|categor(?:y|ies)|sections?|topics?)/[^/?#]+", re.I)
# Links naming the site's sections: in its navigation or menus, in a header or footer outside the
# story, or to a term's listing.
SECTION_LINKS = (
    '//a[not(contains(@href, "author"))][contains(@href, "/tag/") or contains(@href, "/tags/") '
    'or contains(@href, "/category/") or contains(@href, "/categories/") or contains(@href, "/section/") '
    'or contains(@href, "/topics/") or not(ancestor::article) and (ancestor::nav or ancestor::header '
    'or ancestor::footer or ancestor::ul[contains(@class, "menu") or contains(@id, "menu")])]'
)


@lru_cache(maxsize=4096)  # class and id tokens repeat on a page and across a site's pages
def chrome_token(token: str) -> bool:
    """Is this class or id token the name of a chrome block? A utility class with an arbitrary
    value (Tailwind's `[--sidebar-width:18rem]`, `bg-[var(--footer)]`) names no block."""
    if "[" in token or WRAPPER.search(token):
        return False
    if CHROME_PHRASES.search(token):
        return True
    words = [w for w in token_words(token) if not w.isdigit()]
    words = [w for w in words if not (len(w) >= 5 and any(ch.isdigit() for ch in w))]  # CSS-module hashes
    return bool(words) and (words[0] in CHROME_WORDS or words[-1] in CHROME_WORDS)


ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle",
    "liveblogposting", "techarticle", "scholarlyarticle", "medicalscholarlyarticle", "report",
    "socialmediaposting", "webpage-article",
}
PAGE_TYPES = {"webpage", "itempage", "medicalwebpage", "aboutpage", "faqpage", "qapage"}

_CDATA = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def unescape(text: str) -> str:
    """Entities decoded, also when a CMS escaped them twice (`&amp;#8217;`)."""
    once = htmllib.unescape(text)
    return htmllib.unescape(once) if "&" in once and once != text else once


def types_of(node: dict) -> set[str]:
    """The node's schema.org types, lower-case, without a vocabulary prefix."""
    kind = node.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for k in kinds}


def _load_json(text: str) -> Any:
    text = _CDATA.sub("", text.strip())
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(attempt, strict=False)
        except ValueError:
            continue
    return None


class Page:
    """Metadata evidence of one page (an lxml HTML tree, unpruned)."""

    def __init__(self, tree, url: str | None = None) -> None:
        self.tree = tree
        self.url = url or ""
        self._kinds: dict[Any, str] = {}
        self.memo: dict[Any, Any] = {}  # results of whole-tree scans, by (purpose, scope element)
        self.metas: dict[str, list[str]] = {}
        for element in tree.iter("meta"):
            content = element.get("content")
            if content is None or not content.strip():
                continue
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = element.get(attr)
                if key:
                    self.metas.setdefault(key.strip().lower(), []).append(unescape(content.strip()))
                    break

    # --- meta tags ---------------------------------------------------------------------------

    def meta(self, *names: str) -> str | None:
        """The first non-empty content of the first of `names` that the page has."""
        for name in names:
            values = self.metas.get(name)
            if values:
                return values[0]
        return None

    def meta_all(self, *names: str) -> list[str]:
        return [v for name in names for v in self.metas.get(name, [])]

    # --- JSON-LD -----------------------------------------------------------------------------

    @cached_property
    def ld_nodes(self) -> list[dict]:
        """Every JSON-LD node of the page: top-level ones, `@graph` members and `mainEntity`s."""
        nodes: list[dict] = []
        for script in self.tree.xpath('//script[@type="application/ld+json" or @type="application/json+ld"]'):
            stack = [_load_json(script.text or "")]
            while stack:
                node = stack.pop(0)
                if isinstance(node, list):
                    stack[:0] = node
                elif isinstance(node, dict):
                    nodes.append(node)
                    for key in ("@graph", "mainEntity"):
                        if isinstance(node.get(key), (list, dict)):
                            stack.append(node[key])
        return nodes

    @cached_property
    def ld_by_id(self) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for node in self.ld_nodes:
            if isinstance(node.get("@id"), str) and len(node) > 1:
                found.setdefault(node["@id"], node)
        return found

    def resolve(self, value: Any) -> Any:
        """A `{"@id": ...}` reference replaced by the node it names (when the page has it)."""
        if isinstance(value, dict) and "@id" in value and len(value) <= 2:
            return self.ld_by_id.get(value["@id"], value)
        return value

    @cached_property
    def ld_articles(self) -> list[dict]:
        """Article-typed nodes, the one about this page first."""
        articles = [n for n in self.ld_nodes if types_of(n) & ARTICLE_TYPES]
        here = self._own_urls()
        return sorted(articles, key=lambda n: 0 if self._node_urls(n) & here else 1)

    @cached_property
    def ld_pages(self) -> list[dict]:
        return [n for n in self.ld_nodes if types_of(n) & PAGE_TYPES]

    @property
    def ld_article(self) -> dict | None:
        return self.ld_articles[0] if self.ld_articles else None

    def _own_urls(self) -> set[str]:
        urls = {self.url, *self.tree.xpath('//link[@rel="canonical"]/@href'), *self.meta_all("og:url")}
        return {_url_key(u) for u in urls if u}

    def _node_urls(self, node: dict) -> set[str]:
        urls = []
        for key in ("url", "@id", "mainEntityOfPage"):
            value = self.resolve(node.get(key))
            if isinstance(value, dict):
                value = value.get("@id") or value.get("url")
            if isinstance(value, str):
                urls.append(value)
        return {_url_key(u) for u in urls}

    # --- classes -----------------------------------------------------------------------------

    @cached_property
    def classed(self) -> list[tuple[Any, str]]:
        """Every element of the document with a class, and its class, in document order: what
        `//*[contains(@class, ...)]` walks, read once (libxml2's `contains` costs a pass each)."""
        root = self.tree.getroottree().getroot()
        tops = [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]
        return [(element, names) for top in tops if isinstance(top.tag, str)
                for element in top.iter(etree.Element) if (names := element.get("class"))]

    def with_class(self, *fragments: str) -> list:
        """Elements whose class contains one of `fragments`, in document order (as
        `//*[contains(@class, "a") or contains(@class, "b")]`)."""
        if len(fragments) == 1:
            fragment = fragments[0]
            return [element for element, names in self.classed if fragment in names]
        return [element for element, names in self.classed if any(f in names for f in fragments)]

    def links_in_class(self, fragment: str) -> list:
        """The links below elements whose class contains `fragment`, in document order, once each
        (as `//*[contains(@class, "a")]//a`)."""
        links, outer = [], None
        for element in self.with_class(fragment):
            if outer is not None and any(a is outer for a in element.iterancestors()):
                continue  # its links are among the outer one's
            outer = element
            links.extend(element.iterdescendants("a"))
        return links

    # --- structure ---------------------------------------------------------------------------

    def in_chrome(self, element) -> bool:
        """True when `element` sits in comments, related posts, sidebars, or the site's header,
        navigation or footer (an article's own header and footer are not chrome)."""
        for ancestor in element.iterancestors():
            tag = ancestor.tag if isinstance(ancestor.tag, str) else ""
            if tag in ("body", "html"):
                return False
            kind = self._kind(ancestor)
            if kind == "chrome":
                return True
            if kind == "footer" and not any(self._kind(a) == "article" for a in ancestor.iterancestors()):
                return True
        return False

    def chrome_ancestors(self, element) -> list:
        """The containers that make `element` chrome for `in_chrome`, innermost first (empty
        when it is not in chrome)."""
        found = []
        for ancestor in element.iterancestors():
            tag = ancestor.tag if isinstance(ancestor.tag, str) else ""
            if tag in ("body", "html"):
                break
            kind = self._kind(ancestor)
            if kind == "chrome" or (kind == "footer"
                                    and not any(self._kind(a) == "article" for a in ancestor.iterancestors())):
                found.append(ancestor)
        return found

    def is_site_footer(self, container) -> bool:
        """Is `container` a footer outside any article (the site's, not a story's)?"""
        return self._kind(container) == "footer"

    def _kind(self, element) -> str:
        """'chrome', 'footer', 'article' or '' for one container (cached)."""
        kind = self._kinds.get(element)
        if kind is None:
            tag = element.tag
            if isinstance(tag, str):
                kind = _container_kind(tag, element.get("class"), element.get("id"))
            else:
                kind = _container_kind("", None, None)  # a comment or processing instruction
            self._kinds[element] = kind
        return kind

    @cached_property
    def declared_site_names(self) -> set[str]:
        """Names the site declares for itself (og:site_name, JSON-LD WebSite and organisation
        publisher), folded. A publisher that is a person is not among them: on a one-person site
        the publisher is also the author."""
        names = set(self.meta_all("og:site_name", "application-name", "apple-mobile-web-app-title"))
        for node in self.ld_nodes:
            if "website" in types_of(node) and isinstance(node.get("name"), str):
                names.add(node["name"])
        for article in self.ld_articles[:1]:
            publisher = self.resolve(article.get("publisher"))
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                if "person" not in types_of(publisher):
                    names.add(publisher["name"])
        return {fold_name(n) for n in names if n and n.strip()}

    @cached_property
    def host_names(self) -> set[str]:
        """The host's labels ('resources.github.com' -> 'github', 'resources', 'githubcom'), folded."""
        host = (urlsplit(self.url).hostname or "").lower()
        labels = [label for label in host.split(".") if label and not label.isdigit()]
        names = {fold_name(label) for label in labels[:-1]
                 if len(label) >= 3 and label not in ("www", "blog", "blogs", "news", "shop", "store")}
        if len(labels) >= 2:
            names.add(fold_name("".join(labels[-2:])))
        return {n for n in names if n}

    @cached_property
    def section_names(self) -> set[str]:
        """Names of the site's sections and the story's terms, folded: link texts of its navigation,
        header and footer, tag and category links, `article:section`. A byline word among them
        ("News", "Lifestyle", a city's page) names a section, not a person."""
        names = set(self.meta_all("article:section", "article:tag"))
        for link in self.tree.xpath(SECTION_LINKS):
            names.add("".join(link.itertext()))
        return {fold_name(n) for n in names if n and len(n) <= 40} - {""}

    @cached_property
    def site_names(self) -> set[str]:
        """Every name the site may go by, for cutting it off titles: declared ones, any publisher,
        the host's labels."""
        names = set(self.declared_site_names) | self.host_names
        for article in self.ld_articles[:1]:
            publisher = self.resolve(article.get("publisher"))
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                names.add(fold_name(publisher["name"]))
        return {n for n in names if n}


@lru_cache(maxsize=4096)  # tags with their class and id repeat on a page and across a site's pages
def _container_kind(tag: str, names: str | None, ident: str | None) -> str:
    """Page._kind of an element with this tag, class and id."""
    names = marker_of(names, ident).split()  # as dom.tokens reads them
    if tag in CHROME_TAGS_IN_ARTICLE or any(chrome_token(t) for t in names):
        return "article" if any(ARTICLE_FOOTER.search(t) for t in names) else "chrome"
    if tag == "footer" or any(t.lower() in ("footer", "site-footer") for t in names):
        return "article" if any(ARTICLE_FOOTER.search(t) for t in names) else "footer"
    if tag == "article" or "hentry" in names:
        return "article"
    return ""


def in_teaser(element, h1=None) -> bool:
    """Is `element` (a date, a byline) part of another story's teaser: a link card (a link holding
    a headline besides it), one of a row of `<article>` cards, or a short `<article>` that does not
    hold the story's headline `h1`?"""
    own = len(squash("".join(element.itertext())))
    for ancestor in element.iterancestors():
        tag = ancestor.tag
        if tag == "a" and (len(squash("".join(ancestor.itertext()))) > own + 25
                           or ancestor.xpath(".//h2|.//h3|.//h4|.//h5|.//h6")):
            return True
        if tag == "article":
            if h1 is not None and any(a is ancestor for a in h1.iterancestors()):
                return False
            parent = ancestor.getparent()
            among = parent is not None and sum(child.tag == "article" for child in parent) > 1
            return among or h1 is not None and len(squash("".join(ancestor.itertext()))) < 800
        if tag in ("body", "main"):
            return False
    return False


def fold_name(text: str) -> str:
    """Letters and digits only, lower-case: 'The Texas-Newsroom' -> 'thetexasnewsroom'."""
    return "".join(filter(str.isalnum, text.casefold()))


def _url_key(url: str) -> str:
    parts = urlsplit(url.strip())
    return (parts.hostname or "").removeprefix("www.") + parts.path.rstrip("/")


def iter_text_segments(element) -> Iterator[str]:
    """The element's text pieces, one per text node, squashed; empty pieces skipped."""
    for piece in element.itertext():
        piece = squash(piece)
        if piece:
            yield piece
