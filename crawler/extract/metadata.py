"""Title, dates, authors and other fields from page structure, each with its provenance.

Evidence order: JSON-LD, then meta tags, then hints from feeds/sitemaps/REST passed in by the
spider, then article-header HTML. Nothing is read from comment, related-post or sidebar blocks.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from .dates import get_zone, parse_datetime, to_iso

# Containers that never hold the story's own metadata.
CHROME = re.compile(
    r"comment|respond|reply|related|sidebar|widget|footer|share|sharing|jp-post-flair|recent|popular",
    re.I,
)
ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                 "opinionnewsarticle", "backgroundnewsarticle", "webpage-article", "liveblogposting"}
TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " » ", " · ", " : ")
BYLINE_PREFIX = re.compile(r"^\s*(by|written by|author|authors|posted by|von|par|por)\s*[:\-]?\s+", re.I)
NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|،)\s*")


@dataclass
class Meta:
    """Fields found in a page, with where each came from."""

    values: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: Any, origin: str) -> None:
        if value in (None, "", []) or name in self.values:
            return
        self.values[name] = value
        self.provenance[name] = origin


_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def _text(element) -> str:
    """Element text with ASCII whitespace squashed; no-break spaces are kept, as the page has them."""
    return _SPACES.sub(" ", "".join(element.itertext())).strip()


def _in_chrome(element) -> bool:
    for ancestor in element.iterancestors():
        marker = f"{ancestor.get('id', '')} {ancestor.get('class', '')}"
        if ancestor.tag in ("footer", "aside", "nav") or (marker.strip() and CHROME.search(marker)):
            return True
    return False


def _meta(tree, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
            for value in found:
                if value.strip():
                    return htmllib.unescape(value.strip())
    return None


def _metas(tree, name: str) -> list[str]:
    return [v.strip() for v in tree.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content') if v.strip()]


# --- JSON-LD ---------------------------------------------------------------------------------

def _jsonld_nodes(tree) -> Iterable[dict]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                yield node
                if "@graph" in node:
                    stack.append(node["@graph"])


def _types(node: dict) -> set[str]:
    kind = node.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def jsonld_article(tree) -> dict | None:
    """The first JSON-LD node typed as an article, if any."""
    for node in _jsonld_nodes(tree):
        if _types(node) & ARTICLE_TYPES:
            return node
    return None


def _names(value: Any, want_person: bool = True) -> list[str]:
    items = value if isinstance(value, list) else [value]
    people, orgs = [], []
    for item in items:
        if isinstance(item, str):
            people.append(item)
        elif isinstance(item, dict) and item.get("name"):
            (orgs if "organization" in _types(item) else people).append(str(item["name"]))
    return people or ([] if want_person and people else orgs)


# --- fields ------------------------------------------------------------------------------------

def clean_author(name: str) -> list[str]:
    """Split a byline into names, dropping 'By', roles, emails and URLs."""
    name = BYLINE_PREFIX.sub("", " ".join(name.split()))
    out = []
    for part in NAME_SPLIT.split(name):
        part = part.strip(" .:-|")
        if not part or "@" in part or "://" in part or part.lower().startswith("view all"):
            continue
        if len(part) > 60 or any(ch.isdigit() for ch in part):
            continue
        out.append(part)
    return out


def strip_site_name(title: str, site_name: str | None, others: Iterable[str] = ()) -> str:
    """Remove a " – Site" suffix or "Site | " prefix from a title."""
    title = " ".join(title.split(" ")).strip()
    candidates = {s.strip().lower() for s in [site_name or "", *others] if s and s.strip()}
    for sep in TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        if tail.strip().lower() in candidates or (not candidates and len(tail) < len(head) / 2):
            return head.strip()
        first, _, rest = title.partition(sep)
        if first.strip().lower() in candidates:
            return rest.strip()
    return title


def _title(tree, meta: Meta, ld: dict | None, hints: dict) -> None:
    site = meta.values.get("site_name")
    doc_title = " ".join(tree.xpath("string(//title)").split()) or None
    og_title = _meta(tree, "og:title", "twitter:title")
    h1s = [_text(h) for h in tree.xpath("//h1") if not _in_chrome(h) and _text(h)]
    references = [t for t in (og_title, doc_title, ld and ld.get("headline")) if t]
    for h1 in h1s:  # the h1 that the page's declared titles agree with
        if any(h1.lower() in ref.lower() or ref.lower() in h1.lower() for ref in references):
            meta.set("title", h1, "html")
            return
    if ld and isinstance(ld.get("headline"), str):
        meta.set("title", htmllib.unescape(ld["headline"]).strip(), "jsonld")
    if og_title:
        meta.set("title", strip_site_name(og_title, site), "meta")
    if len(h1s) == 1:
        meta.set("title", h1s[0], "html")
    meta.set("title", hints.get("title"), hints.get("origin", "feed"))
    if doc_title:
        meta.set("title", strip_site_name(htmllib.unescape(doc_title), site), "html")


def _date_candidates(tree, ld: dict | None, which: str) -> Iterable[tuple[str, str]]:
    key = "datePublished" if which == "published" else "dateModified"
    if ld and isinstance(ld.get(key), str):
        yield ld[key], "jsonld"
    names = (("article:published_time", "og:published_time", "datePublished", "pubdate", "date")
             if which == "published" else ("article:modified_time", "og:updated_time", "dateModified"))
    value = _meta(tree, *names)
    if value:
        yield value, "meta"


def _html_dates(tree) -> list[str]:
    """`<time datetime>` values in the article header, never in comments or related blocks."""
    found = []
    for element in tree.xpath("//time[@datetime]"):
        if not _in_chrome(element):
            found.append(element.get("datetime"))
    return found


def _dates(tree, meta: Meta, ld: dict | None, hints: dict) -> None:
    zone = get_zone(hints.get("timezone"))
    origin = hints.get("origin", "feed")
    for which in ("published", "modified"):
        field_name = f"{which}_at"
        for value, source in _date_candidates(tree, ld, which):
            moment = parse_datetime(value)
            if moment:
                meta.set(field_name, moment, source)
                break
        hint = hints.get(field_name)
        moment = parse_datetime(hint) if isinstance(hint, str) else hint
        if isinstance(moment, datetime):
            meta.set(field_name, moment, origin)
    if "published_at" not in meta.values:
        times = [m for m in (parse_datetime(v) for v in _html_dates(tree)) if m]
        if times:
            meta.set("published_at", times[0], "html")
    # hints give GMT; a page's own offset is the site's: express hint instants in it
    page_offsets = [m for m in (parse_datetime(v) for v in _html_dates(tree)) if m and m.tzinfo]
    for field_name in ("published_at", "modified_at"):
        moment = meta.values.get(field_name)
        if moment is None:
            continue
        if moment.tzinfo is not None and meta.provenance[field_name] != "html" and page_offsets:
            moment = moment.astimezone(page_offsets[0].tzinfo)
        if moment.tzinfo is None:
            if zone is None:
                meta.provenance[field_name] += "+naive"
            else:
                moment = moment.replace(tzinfo=zone)
        meta.values[field_name] = moment


def _authors(tree, meta: Meta, ld: dict | None, hints: dict) -> None:
    if ld and ld.get("author"):
        names = [n for raw in _names(ld["author"]) for n in clean_author(raw)]
        meta.set("authors", names, "jsonld")
    value = _meta(tree, "author", "article:author", "dc.creator", "DC.creator")
    if value and "://" not in value:
        meta.set("authors", clean_author(value), "meta")
    meta.set("authors", list(hints.get("authors") or []), hints.get("origin", "feed"))
    byline_paths = (
        '//*[contains(concat(" ", normalize-space(@class), " "), " wp-block-post-author__name ")]',
        '//a[@rel="author"]',
        '//*[contains(concat(" ", normalize-space(@class), " "), " byline ")]//*[contains(@class, "author")]',
        '//*[contains(concat(" ", normalize-space(@class), " "), " author ") and contains(@class, "vcard")]',
        '//*[@itemprop="author"]',
    )
    for path in byline_paths:
        names = []
        for element in tree.xpath(path):
            if not _in_chrome(element):
                names.extend(clean_author(_text(element)))
        if names:
            meta.set("authors", list(dict.fromkeys(names)), "html")
            return


def _terms(tree, meta: Meta, ld: dict | None, hints: dict) -> None:
    origin = hints.get("origin", "feed")
    sections = _metas(tree, "article:section")
    tags = _metas(tree, "article:tag")
    if ld:
        section = ld.get("articleSection")
        sections = sections or ([section] if isinstance(section, str) else list(section or []))
        keywords = ld.get("keywords")
        if not tags and keywords:
            tags = [k.strip() for k in keywords.split(",")] if isinstance(keywords, str) else list(keywords)
    meta.set("categories", [s for s in sections if s], "meta")
    meta.set("tags", [t for t in tags if t], "meta")
    html_categories = [_text(a) for a in tree.xpath(
        '//a[contains(@rel, "category")] | //*[contains(@class, "taxonomy-category")]//a | //*[contains(@class, "cat-links")]//a'
    ) if not _in_chrome(a)]
    html_tags = [_text(a) for a in tree.xpath(
        '//*[contains(@class, "taxonomy-post_tag")]//a | //*[contains(@class, "tags-links")]//a'
    ) if not _in_chrome(a)]
    meta.set("categories", list(dict.fromkeys(html_categories)), "html")
    meta.set("tags", list(dict.fromkeys(html_tags)), "html")
    meta.set("categories", list(hints.get("categories") or []), origin)
    meta.set("tags", list(hints.get("tags") or []), origin)


def extract_metadata(tree, hints: dict | None = None) -> Meta:
    """Every metadata field we can find in `tree` (an lxml HTML tree), with provenance."""
    hints = hints or {}
    meta = Meta()
    ld = jsonld_article(tree)
    publisher = ld.get("publisher") if ld else None
    meta.set("site_name", _meta(tree, "og:site_name", "application-name"), "meta")
    if isinstance(publisher, dict):
        meta.set("site_name", publisher.get("name"), "jsonld")
    site_title = tree.xpath('string((//*[contains(@class, "wp-block-site-title") or contains(@class, "site-title")])[1])')
    meta.set("site_name", " ".join(site_title.split()) or None, "html")
    _title(tree, meta, ld, hints)
    _dates(tree, meta, ld, hints)
    _authors(tree, meta, ld, hints)
    _terms(tree, meta, ld, hints)
    lang = tree.xpath("string(/html/@lang)") or _meta(tree, "og:locale", "language", "content-language")
    meta.set("language", lang.replace("_", "-").split("-")[0].lower() if lang else None, "html")
    meta.set("language", hints.get("language"), "source")
    description = _meta(tree, "description", "og:description", "twitter:description")
    meta.set("description", description, "meta")
    meta.set("image", _meta(tree, "og:image", "twitter:image"), "meta")
    if ld:
        image = ld.get("image")
        image = image[0] if isinstance(image, list) and image else image
        meta.set("image", image.get("url") if isinstance(image, dict) else image, "jsonld")
    return meta


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 text for a parsed moment."""
    return to_iso(moment)
