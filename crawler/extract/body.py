"""The article text: trafilatura over a pruned tree, checked against the page, tidied, rendered.

1. trafilatura in its recall mode reads the pruned page without chrome by tag (class words that
   name a layout device were hidden from its boilerplate filter by `prune`, and the elements
   that hold most of the paragraphs lose their chrome-sounding names: they frame the story);
2. when that text is much shorter than the running prose the page carries, trafilatura's balanced
   mode gives a second opinion, and the reading whose length is nearer the page's prose wins;
3. the text is tidied (see `tidy`) and rendered as paragraphs split by blank lines.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import trafilatura
from trafilatura.settings import Document

from .prose import chrome, prose_chars
from .prune import remove
from .render import Block, render
from .tidy import tidy


@dataclass(frozen=True)
class BodyConfig:
    """Thresholds of the body step, in one place."""

    # a first reading shorter than this share of the page's prose asks for a second opinion
    second_opinion_below: float = 0.5
    # added to both lengths when comparing them, so that tiny pages do not swing the choice
    length_slack: int = 200
    # an element holding this share of the page's paragraphs is the story's frame
    story_frame_share: float = 0.7


CONFIG = BodyConfig()


@dataclass
class Reading:
    blocks: list[Block]
    document: Document | None

    @property
    def length(self) -> int:
        return sum(len(block.text) + 2 for block in self.blocks)


def _read(tree, url: str, **mode) -> Reading:
    document = trafilatura.bare_extraction(
        tree,  # trafilatura works on a copy of it
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        deduplicate=False,
        output_format="python",
        **mode,
    )
    if document is None or document.body is None:
        return Reading([], document)
    return Reading(render(document.body), document)


def _distance(reading: Reading, prose: int, slack: int) -> float:
    return abs(math.log((reading.length + slack) / (prose + slack)))


def _strip(tree, page_chrome: list) -> None:
    """Drop page chrome by tag: trafilatura drops it too, and its own filters run much faster over
    what is left. (Scripts stay: its balanced mode weighs the page's whole text.)"""
    for element in page_chrome:
        if element.getparent() is not None:
            remove(element)


# Substrings of class and id words that trafilatura's boilerplate filter takes for chrome.
CHROME_NAMES = re.compile(r"sidebar|share|social|related|nav|menu|footer|comment|author|tags|banner|meta|bar|ad-|"
                          r"newsletter|cookie|consent|popular|premium|teaser|byline|rating|hidden|hide", re.I)
def _unmask_story_frame(tree, config: BodyConfig = CONFIG) -> int:
    """Elements that hold most of the page's paragraphs are the story's frame, whatever their names say:
    their chrome-sounding class and id words ("content-sidebar", "share-wrapper") are dropped."""
    weights: dict = {}
    total = 0
    for paragraph in tree.iter("p"):
        length = len(" ".join(paragraph.text_content().split()))
        if length < 80:
            continue
        total += length
        for ancestor in paragraph.iterancestors():
            weights[ancestor] = weights.get(ancestor, 0) + length
    changed = 0
    for element, weight in weights.items():
        if weight < config.story_frame_share * total or element.tag in ("html", "body"):
            continue
        for attribute in ("class", "id"):
            value = element.get(attribute)
            if value and CHROME_NAMES.search(value):
                element.set(attribute, " ".join(w for w in value.split() if not CHROME_NAMES.search(w)))
                changed += 1
    return changed


def extract_body(tree, url: str, config: BodyConfig = CONFIG) -> tuple[str, Document | None]:
    """(body text, trafilatura document) for a pruned lxml tree; body is '' when nothing is found."""
    page_chrome = chrome(tree)
    prose = prose_chars(tree, page_chrome)
    _strip(tree, page_chrome)
    _unmask_story_frame(tree, config)
    reading = _read(tree, url, favor_recall=True, fast=True)
    if prose and reading.length < config.second_opinion_below * prose:
        other = _read(tree, url)
        reading = min((reading, other), key=lambda r: _distance(r, prose, config.length_slack))
    return "\n\n".join(block.text for block in tidy(reading.blocks)), reading.document
