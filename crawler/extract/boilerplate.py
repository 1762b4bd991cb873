"""Boilerplate learned from a site: blocks that repeat across a source's article pages.

One page cannot tell its sign-up box from its story; a site can. `learn_boilerplate(pages)`
reads several article pages of one source and keeps the blocks seen on at least `min_share` of
them (and on `min_pages` or more):

- by text: a block element (div, section, aside, p, ul, form, figure, ...) whose normalised text
  (case folded, whitespace squashed, digits as 0) is the same on those pages: newsletter boxes,
  consent notices, promos, author boxes, disclaimers;
- by structure: a link-dense block whose tag, class and id words are the same on those pages,
  found once on each, while its text changes: "read more" strips, related-story lists, tag
  clouds (a layout class used all over a page names no box).

`strip_boilerplate(tree, learned)` removes those blocks from a page's tree, outermost first, and
never one that holds a large share of the page's prose (the story's own container repeats its
class on every page too). Both are pure; `extract_article(html, url, boilerplate=learned)` applies
it before the body is read. `Boilerplate.to_json()` / `from_json()` keep it in the store.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Iterable

from .dom import squash
from .prose import NOT_TEXT, prose_run

BLOCK_TAGS = ("div", "section", "aside", "p", "ul", "ol", "dl", "form", "figure", "figcaption", "blockquote",
              "table", "header", "footer", "nav", "details", "h2", "h3", "h4", "h5", "h6", "span", "small", "li")


@dataclass(frozen=True)
class LearnConfig:
    """Thresholds of learning and stripping, in one place."""

    min_share: float = 0.6  # a block seen on this share of the article pages is boilerplate ...
    min_pages: int = 3  # ... and on at least this many of them
    min_chars: int = 20  # shorter texts ("Share", "Menu") are too common to be a site's own
    max_chars: int = 3000  # longer blocks are stories or whole pages, not boxes
    link_density: float = 0.5  # a structural block has at least this share of its text in links
    max_prose_share: float = 0.3  # a block holding more of the page's paragraph text is kept


CONFIG = LearnConfig()
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Boilerplate:
    """What a site repeats: text keys and structural keys of its boilerplate blocks."""

    texts: frozenset[str] = frozenset()
    structures: frozenset[str] = frozenset()
    pages: int = 0
    examples: tuple[str, ...] = field(default=(), compare=False)  # a few of the texts, for people

    def __bool__(self) -> bool:
        return bool(self.texts or self.structures)

    @cached_property
    def shape_tags(self) -> frozenset[str]:
        """The tags the structural keys name ('div' of 'div.related posts#')."""
        return frozenset(key.split(".", 1)[0] for key in self.structures)

    def to_json(self) -> str:
        return json.dumps({"texts": sorted(self.texts), "structures": sorted(self.structures), "pages": self.pages,
                           "examples": list(self.examples)}, ensure_ascii=False)

    @classmethod
    def of(cls, value: "Boilerplate | str | dict | None") -> "Boilerplate":
        """`value` as a Boilerplate: itself, or read from its JSON (the same JSON text, as a
        crawl passes with each page of a source, is read once)."""
        if isinstance(value, Boilerplate):
            return value
        return _from_json_text(value) if isinstance(value, str) else cls.from_json(value)

    @classmethod
    def from_json(cls, value: str | dict | None) -> "Boilerplate":
        if not value:
            return cls()
        data = json.loads(value) if isinstance(value, str) else value
        return cls(frozenset(data.get("texts", ())), frozenset(data.get("structures", ())), int(data.get("pages", 0)),
                   tuple(data.get("examples", ())))


@lru_cache(maxsize=16)
def _from_json_text(value: str) -> Boilerplate:
    return Boilerplate.from_json(value)


def normal_text(text: str) -> str:
    """Text as compared across pages: case folded, digits as 0, whitespace squashed."""
    return _DIGITS.sub("0", " ".join(text.split()).casefold())


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _structure_key(element) -> str | None:
    """'tag.class words#id words' of an element that names itself, else None."""
    names = " ".join(sorted(set(_WORD.findall(_DIGITS.sub("", (element.get("class") or "").lower())))))
    ident = " ".join(_WORD.findall(_DIGITS.sub("", (element.get("id") or "").lower())))
    if not names and not ident:
        return None
    return f"{element.tag}.{names}#{ident}"


def _links_share(element, length: int) -> float:
    linked = sum(len(squash(a.text_content())) for a in element.iter("a"))
    return linked / length if length else 0.0


def _root(tree):
    body = tree.find("body") if hasattr(tree, "find") else None
    return body if body is not None else tree


def _blocks(tree, config: LearnConfig) -> Iterable[tuple[Any, str, str | None, bool]]:
    """(element, normal text, structure key, link-dense) for the block elements of a page whose
    text is within the config's length bounds, outside script-like elements, in document order."""
    _, blocks = _readable_blocks(_root(tree), config)
    for element, text in blocks:
        structure = _structure_key(element)
        dense = structure is not None and _links_share(element, len(text)) >= config.link_density
        yield element, text, structure, dense


def _readable_blocks(root, config: LearnConfig) -> tuple[set, list[tuple[Any, str]]]:
    """(the elements below script-like ones (NOT_TEXT), whose text is never a block's own;
    (element, normal text) of each other block whose text is within the config's bounds, in
    document order)."""
    hidden: set = set()
    for element in root.iter(*NOT_TEXT):
        hidden.update(element.iterdescendants())
    blocks = [element for element in root.iter(*BLOCK_TAGS) if element not in hidden]
    texts = _block_texts(blocks, config)
    return hidden, [(element, texts[element]) for element in blocks if element in texts]


def _parse(page):
    if isinstance(page, (str, bytes)):
        from .article import _parse as parse_html
        from .decode import decode_html

        text = decode_html(page)[0] if isinstance(page, bytes) else page
        return parse_html(text)
    return page


def learn_boilerplate(pages: Iterable[Any], config: LearnConfig = CONFIG) -> Boilerplate:
    """The blocks repeated across `pages` (HTML text, bytes or lxml trees of one source's articles)."""
    texts: Counter = Counter()
    structures: Counter = Counter()
    samples: dict[str, str] = {}
    count = 0
    for page in pages:
        tree = _parse(page)
        if tree is None:
            continue
        count += 1
        seen_texts, shapes, dense_shapes = set(), Counter(), set()
        for _element, text, structure, dense in _blocks(tree, config):
            key = _text_key(text)
            seen_texts.add(key)
            samples.setdefault(key, text)
            shapes[structure] += 1
            if dense:
                dense_shapes.add(structure)
        texts.update(seen_texts)
        # a named box found once on the page ("related-posts"), not a layout class used all over it
        structures.update(s for s in dense_shapes if shapes[s] == 1)
    needed = max(config.min_pages, config.min_share * count)
    if count < config.min_pages:
        return Boilerplate(pages=count)
    repeated = frozenset(k for k, n in texts.items() if n >= needed)
    shapes = frozenset(k for k, n in structures.items() if n >= needed)
    examples = tuple(sorted((samples[k] for k in repeated), key=len, reverse=True)[:5])
    return Boilerplate(repeated, shapes, count, tuple(e[:120] for e in examples))


def _paragraphs(root, hidden: set) -> dict:
    """Prose characters of each paragraph of the page that is read as one: a <p> under no
    other <p> and not in `hidden` (below script-like elements), as `prose_and_paragraphs` reads them."""
    weights = {}
    for paragraph in root.iter("p"):
        if paragraph in hidden or next(paragraph.iterancestors("p"), None) is not None:
            continue
        length = prose_run(paragraph.text_content())
        if length:
            weights[paragraph] = length
    return weights


def _paragraph_weight(element, paragraphs: dict) -> int:
    """Paragraph characters in `element`, its own included when it is a paragraph."""
    own = prose_run(element.text_content()) if element.tag == "p" else 0
    return own + sum(paragraphs.get(p, 0) for p in element.iterdescendants("p"))


_DIGIT_CHARS = "0123456789"


def _bounded_text(element, config: LearnConfig) -> tuple[str | None, bool]:
    """(`normal_text` of the element's text when its length is within the config's bounds,
    else None; whether it is too long). A text that cannot be within them is not normalised at
    all: casefolding makes one character one to three, and turning digit runs to 0 shortens a
    text by less than its digits."""
    raw = element.text_content()
    if 3 * len(raw) < config.min_chars:  # casefolding makes a character at most 3
        return None, False
    squashed = " ".join(raw.split())
    if 3 * len(squashed) < config.min_chars:
        return None, False
    if len(squashed) > config.max_chars and squashed.isascii() and \
            len(squashed) - sum(squashed.count(d) for d in _DIGIT_CHARS) > config.max_chars:
        return None, True  # (\d is any script's digit: the count is the digits' only for ASCII text)
    text = _DIGITS.sub("0", squashed.casefold())
    if len(text) > config.max_chars:
        return None, True
    return (text if len(text) >= config.min_chars else None), False


def _block_texts(blocks: list, config: LearnConfig) -> dict:
    """The normal text of each block within the config's length bounds. Read innermost first:
    a block holding one that is too long is too long itself (its normal text holds the inner
    one's whole: the squashing, casefolding and digit runs of a text act on each of its parts
    alike, a digit run across the border making one 0 as on either side), and is not read."""
    texts, too_long = {}, set()
    for element in reversed(blocks):
        if element in too_long:
            continue
        text, long = _bounded_text(element, config)
        if long:
            for ancestor in element.iterancestors():
                if ancestor in too_long:
                    break
                too_long.add(ancestor)
        elif text is not None:
            texts[element] = text
    return texts


def strip_boilerplate(tree, learned: Boilerplate, config: LearnConfig = CONFIG) -> int:
    """Remove the blocks of `tree` that `learned` names, outermost first; return how many went.

    The blocks are the ones `learn_boilerplate` reads; a block inside a removed one goes with
    it, and the page's paragraph weights (a block holding a large share of the prose is kept)
    are taken only once a block matches."""
    if not learned:
        return 0
    from .prune import remove

    root = _root(tree)
    shape_tags = learned.shape_tags
    passed, blocks = _readable_blocks(root, config)  # then also what lies below a doomed block
    doomed = []
    limit = None  # (weights, share of the prose a kept block may hold), at the first match
    for element, text in blocks:
        if element in passed:
            continue
        if _text_key(text) not in learned.texts:
            if element.tag not in shape_tags or _structure_key(element) not in learned.structures \
                    or _links_share(element, len(text)) < config.link_density:
                continue
        if limit is None:  # (nothing doomed yet: `passed` holds the hidden elements only)
            paragraphs = _paragraphs(root, passed)
            total = sum(paragraphs.values())
            limit = (paragraphs, config.max_prose_share * total if total else None)
        if limit[1] is not None and _paragraph_weight(element, limit[0]) > limit[1]:
            continue
        doomed.append(element)
        passed.update(element.iterdescendants())
    for element in doomed:
        remove(element)
    return len(doomed)


LEARN_AFTER = 20  # article pages of a source seen before its boilerplate is learned


class SiteLearner:
    """A source's boilerplate during a crawl: what was learned before (from the store), or
    learned once `after` article pages of the source have been seen in this run."""

    def __init__(self, learned: str | None = None, after: int = LEARN_AFTER) -> None:
        self.hint = learned or None  # JSON, passed to extract_article as `boilerplate`
        self.after = after
        self._pages: list[bytes | str] = []

    def add(self, page: bytes | str) -> str | None:
        """Keep an article page; return the learned JSON when this page completes the sample."""
        if self.hint is not None or self.after <= 0:
            return None
        self._pages.append(page)
        if len(self._pages) < self.after:
            return None
        learned, self._pages = learn_boilerplate(self._pages), []
        self.hint = learned.to_json()
        return self.hint
