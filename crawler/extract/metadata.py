"""Every metadata field of a story, each with where it came from (its provenance).

Evidence order, per field: JSON-LD, then meta tags, then hints from feeds/sitemaps/REST passed
in by the spider, then the article's own HTML (its `<h1>`, byline and header dates), then
guesses. Nothing is read from comments, related posts, sidebars or the site's header/footer.
The modules doing the work: `titles`, `authors`, `published` (dates), over `evidence.Page`.

Provenance values: `jsonld`, `meta`, `html`, `url`, `detected` (a heuristic: htmldate, language
detection), `source` (the source's configuration) and the hint's origin (`wp-rest`, `feed`,
`sitemap`); a date without an offset that no source timezone could place gets `+naive`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from .authors import (
    TEAM_NAME,
    byline_correction,
    headline_byline,
    hint_authors,
    html_authors,
    jsonld_authors,
    meta_authors,
    site_owner,
)
from .dom import marker, squash
from .evidence import Page, fold_name, types_of, unescape
from .language import detect_language, script_of
from .published import find_dates, headline_anchor
from .titles import choose_title


@dataclass
class Meta:
    """Fields found in a page, with where each came from."""

    values: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: Any, origin: str | None) -> None:
        if value in (None, "", []) or name in self.values:
            return
        self.values[name] = value
        self.provenance[name] = origin or "html"


def _site_name(page: Page, meta: Meta) -> None:
    meta.set("site_name", page.meta("og:site_name"), "meta")
    for node in page.ld_articles[:1]:
        publisher = page.resolve(node.get("publisher"))
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            meta.set("site_name", squash(unescape(publisher["name"])), "jsonld")
    for node in page.ld_nodes:
        if "website" in types_of(node) and isinstance(node.get("name"), str):
            meta.set("site_name", squash(unescape(node["name"])), "jsonld")
    meta.set("site_name", page.meta("application-name"), "meta")
    if "site_name" in meta.values:
        return  # the page's site title below would not be taken: no need to look for it
    titles = page.with_class("wp-block-site-title", "site-title")[:1]
    if titles:
        meta.set("site_name", squash("".join(titles[0].itertext())) or None, "html")


def _authors(page: Page, meta: Meta, hints: dict, h1) -> None:
    """The first source naming a person wins; teams and organisations only when none does.
    Sources are read lazily, in order: later ones only when no earlier one names a person."""
    people, orgs = jsonld_authors(page)
    origin = hints.get("origin", "feed")
    scope = _article_scope(h1)
    sources: list[tuple[Callable[[], list[str]], str]] = [
        (lambda: people, "jsonld"),
        (lambda: meta_authors(page), "meta"),
        (lambda: hint_authors(hints, page), origin),
        (lambda: html_authors(page, scope, h1=h1) if scope is not None else [], "html"),
        (lambda: html_authors(page, h1=h1), "html"),
        (lambda: html_authors(page, lenient=True, h1=h1), "html"),  # a byline in a banner or sidebar
        (lambda: headline_byline(page, h1), "html"),  # "Jane Doe | July 2, 2025" under the headline
        (lambda: jsonld_authors(page, login=True)[0], "jsonld"),  # a bare user name, at last
        (lambda: meta_authors(page, login=True), "meta"),
        (lambda: site_owner(page), "html"),  # a one-person site ("Jane Doe" on doe.dev)
    ]
    found: list[tuple[list[str], str]] = []
    for read, source in sources:
        names = _not_sections(page, read())
        if names and not all(TEAM_NAME.search(name) for name in names):
            shown = byline_correction(page, names, scope) if source in ("jsonld", "meta") else []
            meta.set("authors", shown or names, "html" if shown else source)
            return
        found.append((names, source))
    for names, source in [*found, (orgs, "jsonld")]:
        meta.set("authors", names, source)


def _not_sections(page: Page, names: list[str]) -> list[str]:
    """`names` without one-word ones that name a section of the site ("News", "Lifestyle")."""
    if not any(" " not in name for name in names):
        return names
    return [name for name in names if " " in name or fold_name(name) not in page.section_names]


def _article_scope(h1):
    """The element holding the story around its headline (`article`, `main`, a post container)."""
    if h1 is None:
        return None
    for ancestor in h1.iterancestors():
        cue = marker(ancestor).lower()
        if ancestor.tag in ("article", "main") or "hentry" in cue.split() or "type-post" in cue:
            return ancestor
    return None


def _ld_terms(value: Any) -> list[str]:
    if isinstance(value, str):
        return [squash(unescape(v)) for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [squash(unescape(v)) for v in value if isinstance(v, str) and v.strip()]
    return []


def _terms(page: Page, meta: Meta, hints: dict) -> None:
    origin = hints.get("origin", "feed")
    meta.set("categories", list(dict.fromkeys(page.meta_all("article:section"))), "meta")
    meta.set("tags", list(dict.fromkeys(page.meta_all("article:tag"))), "meta")
    article = page.ld_article or {}
    meta.set("categories", list(dict.fromkeys(_ld_terms(article.get("articleSection")))), "jsonld")
    meta.set("tags", list(dict.fromkeys(_ld_terms(article.get("keywords")))), "jsonld")
    if "categories" in meta.values and "tags" in meta.values:
        return  # the links below, and the hints, would not be taken: no need to read them
    categories, tags = [], []
    for link in page.tree.xpath('//a[@rel]'):
        rel = link.get("rel", "").split()
        if "tag" not in rel and "category" not in rel or page.in_chrome(link):
            continue
        name = squash("".join(link.itertext()))
        if name:
            (categories if "category" in rel or _in_category_list(link) else tags).append(name)
    for fragment, bucket, name in (("taxonomy-category", categories, "categories"), ("cat-links", categories, "categories"),
                                   ("taxonomy-post_tag", tags, "tags"), ("tags-links", tags, "tags")):
        if not bucket and name not in meta.values:  # (a field set already keeps its value)
            bucket.extend(squash("".join(a.itertext())) for a in page.links_in_class(fragment) if not page.in_chrome(a))
    meta.set("categories", list(dict.fromkeys(c for c in categories if c)), "html")
    meta.set("tags", list(dict.fromkeys(t for t in tags if t)), "html")
    meta.set("categories", list(hints.get("categories") or []), origin)
    meta.set("tags", list(hints.get("tags") or []), origin)


def _in_category_list(link) -> bool:
    """A `rel="tag"` link that lists a category (block themes mark both taxonomies `rel="tag"`)."""
    if "/category/" in (link.get("href") or ""):
        return True
    for ancestor in link.iterancestors():
        names = ancestor.get("class") or ""
        if "taxonomy-category" in names or "cat-links" in names:
            return True
        if "taxonomy-post_tag" in names or "tags-links" in names or ancestor.tag in ("article", "body"):
            return False
    return False


# the first 40 text nodes of paragraphs, as plain strings (not lxml's "smart" ones)
_PARAGRAPH_TEXTS = etree.XPath("(//p/text())[position() <= 40]", smart_strings=False)


def _language(page: Page, meta: Meta, hints: dict, title: str | None) -> None:
    declared, origin = None, None
    lang = page.tree.get("lang") or page.tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang and lang.strip():
        declared, origin = lang, "html"
    elif page.meta("og:locale", "content-language", "language", "dc.language"):
        declared, origin = page.meta("og:locale", "content-language", "language", "dc.language"), "meta"
    elif page.ld_article and isinstance(page.ld_article.get("inLanguage"), str):
        declared, origin = page.ld_article["inLanguage"], "jsonld"
    if declared:
        declared = declared.replace("_", "-").split(",")[0].split("-")[0].strip().lower() or None
    text = " ".join([title or "", page.meta("description") or "", *_PARAGRAPH_TEXTS(page.tree)])
    # a declared Latin-script language is kept unless the text is in another script: then only
    # that is asked (a Latin text's words are not counted)
    detected = detect_language(text, scripts_only=bool(declared) and script_of(declared) == "latin")
    if detected and declared and script_of(detected) != script_of(declared):
        meta.set("language", detected, "detected")  # an Arabic story on a site declared English
    meta.set("language", hints.get("language"), "source")
    meta.set("language", declared, origin)
    meta.set("language", detected, "detected")


def _image(page: Page, meta: Meta) -> None:
    image = page.meta("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")
    origin = "meta"
    if not image and page.ld_article:
        value = page.resolve(page.ld_article.get("image"))
        value = page.resolve(value[0]) if isinstance(value, list) and value else value
        image = value.get("url") if isinstance(value, dict) else value
        origin = "jsonld"
    if isinstance(image, str) and image.strip():
        meta.set("image", urljoin(page.url, image.strip()) if page.url else image.strip(), origin)


def extract_metadata(tree, hints: dict | None = None, url: str | None = None, page: Page | None = None) -> Meta:
    """Every metadata field we can find in `tree` (an lxml HTML tree, unpruned), with provenance.

    `hints` are the spider's (see `extract_article`); `url` is the page's address, used for the
    site's host name and a date in the path. `page`: the tree's evidence when the caller read it
    already (`Page(tree, url)`), so that meta tags and JSON-LD are read once.
    """
    hints = hints or {}
    page = page if page is not None else Page(tree, url)
    meta = Meta()
    _site_name(page, meta)
    title, origin, h1 = choose_title(page, hints)
    meta.set("title", title, origin)
    published, modified = find_dates(page, hints, h1=headline_anchor(page, title, h1))
    if published:
        meta.set("published_at", published.moment, published.origin)
    if modified:
        meta.set("modified_at", modified.moment, modified.origin)
    _authors(page, meta, hints, h1)
    _terms(page, meta, hints)
    _language(page, meta, hints, title)
    description = page.meta("description", "og:description", "twitter:description")
    meta.set("description", description, "meta")
    if page.ld_article and isinstance(page.ld_article.get("description"), str):
        meta.set("description", squash(unescape(page.ld_article["description"])), "jsonld")
    _image(page, meta)
    return meta

