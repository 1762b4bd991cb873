"""The article text: trafilatura over a pruned tree, checked against the page, tidied, rendered.

1. trafilatura in its recall mode reads the pruned page without chrome by tag (class words that
   name a layout device were hidden from its boilerplate filter by `prune`; the elements that
   hold most of the paragraphs frame the story: they lose chrome-sounding names, and the
   innermost is marked as the article body when trafilatura's own choice holds little prose);
2. when that text is much shorter than the running prose the page carries, trafilatura's balanced
   mode gives a second opinion, and the reading whose length is nearer the page's prose wins;
3. the text is tidied (see `tidy`) and rendered as paragraphs split by blank lines.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import trafilatura
from lxml import etree
from trafilatura.settings import Document

from .dom import html_parser, squash
from .prose import chrome, prose_and_paragraphs
from .prune import remove
from .render import Block, render
from .tidy import tidy
from .vocabulary import STORY_CLASS_TOKENS, STORY_ID_TOKENS, TRAFILATURA_CHROME_NAMES


@dataclass(frozen=True)
class BodyConfig:
    """Thresholds of the body step, in one place."""

    # a first reading shorter than this share of the page's prose asks for a second opinion
    second_opinion_below: float = 0.5
    # added to both lengths when comparing them, so that tiny pages do not swing the choice
    length_slack: int = 200
    # an element holding this share of the page's paragraphs is the story's frame
    story_frame_share: float = 0.75
    # trafilatura's own frame holding less than this share of the paragraphs missed the story
    frame_missed_below: float = 0.2
    # a body shorter than half of this (or of the page's prose, when less) asks the other readings
    short_body: int = 1000


CONFIG = BodyConfig()


@dataclass
class Reading:
    blocks: list[Block]
    document: Document | None

    @property
    def length(self) -> int:
        return sum(len(block.text) + 2 for block in self.blocks)


def _read(tree, url: str, **mode) -> Reading:
    # trafilatura copies what it is given, three times over: give it the body alone (the head,
    # with its scripts and styles, is metadata's business, already done), then put it back.
    body = tree.find("body")
    page = tree
    if body is not None:
        page = html_parser().makeelement("html")  # of the tree's parser: elements stay plain HtmlElements
        page.append(body)
    try:
        document = _bare_extraction(page, url, mode)
    finally:
        if body is not None:
            tree.append(body)
    if document is None or document.body is None:
        return Reading([], document)
    return Reading(render(document.body), document)


def _bare_extraction(page, url: str, mode: dict):
    return trafilatura.bare_extraction(
        page,
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        deduplicate=False,
        output_format="txt",  # the body tree is all we read: "python" would also render text
        **mode,
    )


def _distance(reading: Reading, prose: int, slack: int) -> float:
    return abs(math.log((reading.length + slack) / (prose + slack)))


# Elements of the body that trafilatura drops unread (images and media, frames, templates).
UNREAD = ("svg", "noscript", "iframe", "template", "picture", "video", "audio", "canvas", "object", "embed", "select",
          "img", "source")


def _strip(tree, page_chrome: list) -> None:
    """Drop page chrome by tag and elements trafilatura drops unread: its own filters run much
    faster over what is left. (Scripts stay: its balanced mode weighs the page's whole text.)
    Comments go too: trafilatura parses without them, and one inside a link cut its paragraph."""
    body = tree.find("body")
    root = body if body is not None else tree
    for element in page_chrome + list(root.iter(*UNREAD, etree.Comment, etree.ProcessingInstruction)):
        if element.getparent() is not None:
            remove(element)


# trafilatura's first two guesses at the story's frame (BODY_XPATH[0] and [1]), matched in Python:
# its XPath took longer than the rest of this step. Its later guesses are left out.
_STORY_TAGS = ("article", "div", "main", "section")
_STORY_IDS = re.compile("|".join(STORY_ID_TOKENS))
_STORY_CLASSES = re.compile("|".join(STORY_CLASS_TOKENS))


def _trafilatura_frame(tree):
    """The element trafilatura will most likely read the story from, or None."""
    for element in tree.iter(*_STORY_TAGS):
        names, ident = element.get("class"), element.get("id")
        if names in ("post", "entry") or element.get("itemprop") == "articleBody" or ident == "articleContent":
            return element
        if (ident and _STORY_IDS.search(ident)) or (names and _STORY_CLASSES.search(names)):
            return element
    return tree.find(".//article")


def _story_frame(weights: dict, total: int, config: BodyConfig = CONFIG) -> list:
    """The elements holding most of the page's paragraphs (below <body>), innermost last."""
    frame = [e for e, w in weights.items() if w >= config.story_frame_share * total and e.tag not in ("html", "body")]
    return sorted(frame, key=lambda e: sum(1 for _ in e.iterancestors()))


def _frame_story(tree, frame: list, weights: dict, total: int, config: BodyConfig = CONFIG) -> None:
    """The elements holding most of the page's paragraphs frame the story, whatever their names say:
    their chrome-sounding class and id words ("content-sidebar", "share-wrapper") are dropped; and
    when the frame trafilatura would pick holds little of the paragraphs, the innermost of them is
    marked as the article body for it."""
    if not frame:
        return
    for element in frame:
        for attribute in ("class", "id"):
            value = element.get(attribute)
            if value and TRAFILATURA_CHROME_NAMES.search(value):
                element.set(attribute, " ".join(w for w in value.split() if not TRAFILATURA_CHROME_NAMES.search(w)))
    theirs = _trafilatura_frame(tree)
    if theirs is None or weights.get(theirs, 0) < config.frame_missed_below * total:
        frame[-1].set("itemprop", "articleBody")


def extract_body(tree, url: str, config: BodyConfig = CONFIG) -> tuple[str, Document | None]:
    """(body text, trafilatura document) for a pruned lxml tree; body is '' when nothing is found.

    The tree is edited on the way (chrome and media dropped, frame names rewritten); its <head>
    is left as it was."""
    _strip(tree, chrome(tree))
    prose, weights, paragraphs = prose_and_paragraphs(tree)
    frame = _story_frame(weights, paragraphs, config)
    _frame_story(tree, frame, weights, paragraphs, config)
    reading = _read(tree, url, favor_recall=True)
    if prose and reading.length < config.second_opinion_below * prose:
        other = _read(tree, url)
        reading = min((reading, other), key=lambda r: _distance(r, prose, config.length_slack))
    blocks = tidy(reading.blocks)
    if prose and sum(len(b.text) for b in blocks) < config.second_opinion_below * min(prose, config.short_body):
        # far shorter than the story the page holds: the precision mode's reading, and the
        # frame's own paragraphs, before the page is given up as too short
        others = [_read(tree, url, favor_precision=True), _frame_reading(frame)]
        best = min([reading, *others], key=lambda r: _distance(r, prose, config.length_slack))
        if best is not reading:
            reading, blocks = best, tidy(best.blocks)
    return "\n\n".join(block.text for block in blocks), reading.document


def _frame_reading(frame: list) -> Reading:
    """The paragraphs of the innermost element holding most of the page's paragraph text."""
    if not frame:
        return Reading([], None)
    innermost = frame[-1]
    blocks = []
    for element in innermost.iter("p", "h2", "h3", "h4", "li", "blockquote"):
        if any(a.tag in ("p", "li", "blockquote") for a in element.iterancestors() if a is not innermost):
            continue
        text = squash(element.text_content())
        if text:
            blocks.append(Block("head" if element.tag.startswith("h") else "item" if element.tag == "li" else "p", text))
    return Reading(blocks, None)
