"""The headline: the article's `<h1>` checked against the titles the page declares.

Declared titles are JSON-LD `headline`, `og:title`, `twitter:title` and `<title>`, each with the
site name cut off ("Story – Site", "Site | Story"). The visible `<h1>` of the article wins when
there is one (it is what readers see, and declared titles are often SEO rewrites); a site-logo
`<h1>` never counts. Entities are decoded; quotes, dashes and no-break spaces stay as the page has
them.
"""

from __future__ import annotations

import re
from typing import Iterable

from .dates import parse_human
from .dom import squash, tokens
from .evidence import Page, fold_name, unescape

SEPARATORS = re.compile(r"\s+(?:\||–|—|-|::|»|«|·|•|~|/)\s+")
BRANDING = re.compile(r"logo|brand|site-title|site-name|sitename|navbar|site-header", re.I)
_WORDS = re.compile(r"\w+")
# An <h1> sharing fewer words than this with every declared title is not the story's headline
# (a promo box, a section name, a list of days): the declared title wins.
MIN_H1_SIMILARITY = 0.2


def strip_site_name(title: str, site_names: Iterable[str]) -> str:
    """Cut a site-name suffix or prefix ("Story | Site", "Site - Story"), repeatedly."""
    sites = {s for s in site_names if s}
    changed = True
    while changed:
        changed = False
        parts = SEPARATORS.split(title)
        if len(parts) < 2:
            break
        seps = SEPARATORS.findall(title)
        if _is_site(parts[-1], sites):
            title = title[: title.rfind(seps[-1])].strip()
            changed = True
        elif _is_site(parts[0], sites):
            title = title[title.find(seps[0]) + len(seps[0]):].strip()
            changed = True
    return title


def _is_site(segment: str, sites: set[str]) -> bool:
    folded = fold_name(segment)
    if not folded:
        return False
    if folded in sites:
        return True
    # "Site.com", "Site Blog", "The Site", "Site Inc" and the like
    return any(site and len(site) >= 3 and (folded.startswith(site) or folded.endswith(site))
               and len(folded) - len(site) <= 6 for site in sites)


BLOCK_TAGS = {"div", "p", "br", "h2", "h3", "h4", "h5", "h6", "li", "ul", "small", "header", "section"}
_GLUED = re.compile(r"[\w)?!.]$")
_STARTS = re.compile(r"^[A-Z\d\u00C0-\u00DE]")


def h1_parts(h1) -> list[str]:
    """The headline's text pieces, split where its markup separates them: a `<br>`, a block
    element, or an element boundary the text runs across with no space ("Nationale Demo" +
    "<span>Der 9. Juli naht</span>": a kicker set apart by style alone)."""
    parts: list[str] = [""]

    def cut() -> None:
        if parts[-1].strip():
            parts.append("")

    def add(text: str | None) -> None:
        if not text:
            return
        if parts[-1] and not parts[-1][-1].isspace() and not text[0].isspace() \
                and _GLUED.search(parts[-1]) and _STARTS.match(text) and boundary[0]:
            cut()
        parts[-1] += text
        boundary[0] = False

    boundary = [False]

    def walk(element) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                add(child.tail)
                continue
            if child.tag in ("script", "style", "noscript"):
                boundary[0] = True
                add(child.tail)
                continue
            block = child.tag in BLOCK_TAGS
            if block:
                cut()
            boundary[0] = True
            add(child.text)
            walk(child)
            if block:
                cut()
            boundary[0] = True
            add(child.tail)

    add(h1.text)
    walk(h1)
    return [squash(p) for p in parts if squash(p)]


def _good_h1s(page: Page) -> list:
    found = []
    for h1 in page.tree.iter("h1"):
        text = " ".join(h1_parts(h1))
        if not text or len(text) > 300 or page.in_chrome(h1):
            continue
        if fold_name(text) in page.site_names:
            continue
        if _branding(h1):
            continue
        found.append((h1, text))
    return found


def _branding(h1) -> bool:
    """A site-logo heading: marked as branding itself or by a close container, or linking home."""
    if h1.xpath("./a[@href='/' or @rel='home']"):
        return True
    for level, element in enumerate([h1, *h1.iterancestors()]):
        if level > 3 or element.tag in ("body", "html", "article", "main"):
            break
        if any(BRANDING.search(token) for token in tokens(element)):
            return True
    return False


def _similarity(a: str, b: str) -> float:
    left, right = set(_WORDS.findall(a.lower())), set(_WORDS.findall(b.lower()))
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def declared_titles(page: Page, hints: dict) -> list[tuple[str, str]]:
    """(title, origin) the page declares, best first, site names cut off."""
    found: list[tuple[str, str]] = []
    article = page.ld_article
    if article:
        for key in ("headline", "name"):
            value = article.get(key)
            if isinstance(value, str) and value.strip():
                found.append((squash(unescape(value)), "jsonld"))
                break
    for key in ("og:title", "twitter:title", "dcterms.title", "dc.title"):
        value = page.meta(key)
        if value:
            found.append((squash(value), "meta"))
    if hints.get("title"):
        found.append((squash(unescape(str(hints["title"]))), hints.get("origin", "feed")))
    document = page.tree.find(".//title")
    if document is not None and document.text and document.text.strip():
        found.append((squash(unescape(document.text)), "html"))
    sites = page.site_names
    return [(clean_title(t, sites), origin) for t, origin in found if t]


def choose_title(page: Page, hints: dict) -> tuple[str | None, str | None, object]:
    """(title, origin, the h1 element or None)."""
    declared = declared_titles(page, hints)
    h1s = [(element, clean_title(text, page.site_names)) for element, text in _good_h1s(page)]
    if h1s and declared:
        scored = [(max(_similarity(text, title) for title, _ in declared), -index, element, text)
                  for index, (element, text) in enumerate(h1s)]
        score, _, element, text = max(scored)
        if score < MIN_H1_SIMILARITY:
            return declared[0][0], declared[0][1], element  # the h1 is not this story's headline
        h1s = [(element, text)]
    if h1s:
        element, text = h1s[0]
        text = _headline_part(element, text, declared, page)
        for title, origin in declared:
            if text.isupper() and title.lower() == text.lower() and not title.isupper():
                return title, origin, element  # the h1 is upper-cased by the theme
            if _wraps(text, title):
                return title, origin, element  # the h1 carries a date, byline or label around the headline
        return text, "html", element
    for title, origin in declared:
        if title:
            return title, origin, None
    return None, None, None


def _headline_part(h1, text: str, declared: list[tuple[str, str]], page: Page) -> str:
    """Of an `<h1>` in separate pieces (a kicker, the headline, a subtitle), the piece or run of
    pieces a declared title names; else the pieces joined by spaces."""
    parts = [clean_title(part, page.site_names) for part in h1_parts(h1)]
    if len(parts) < 2:
        return text
    titles = {fold_name(title) for title, _ in declared if title}
    runs = [" ".join(parts[i:j]) for i in range(len(parts)) for j in range(len(parts), i, -1)]
    for run in runs:  # longest runs first, from the start
        if fold_name(run) in titles:
            return run
    return text


def clean_title(title: str, site_names: Iterable[str]) -> str:
    """Entities decoded, the site name cut off, and only the headline of "Headline | Section"."""
    return _strip_pipes(strip_site_name(squash(unescape(title)), site_names))


def _strip_pipes(title: str) -> str:
    parts = [part.strip() for part in re.split(r"\s+\|\s+", title)]
    if len(parts) < 2:
        return title
    longest = max(parts, key=len)
    return longest if len(longest) > 2 * len(parts[0]) else parts[0]


def _wraps(h1: str, title: str) -> bool:
    """True when the h1 is `title` plus a date, byline or short label before or after it."""
    if not title or len(title) < 0.5 * len(h1) or title == h1:
        return False
    if h1.startswith(title):
        return _is_meta_tail(h1[len(title):])
    if h1.endswith(title):
        head = h1[: -len(title)].strip()
        return bool(parse_human(head)) or (len(head) <= 20 and head.endswith(":"))
    return False


_META_TAIL = re.compile(r"^\s*(?:posted|published|by|updated|on|written)\b|^\s*\W*\s*\d", re.I)


def _is_meta_tail(tail: str) -> bool:
    return bool(tail.strip()) and bool(_META_TAIL.match(tail))
