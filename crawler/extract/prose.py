"""How much running prose a page carries, and which of its elements are page chrome by tag.

Prose is paragraphs of PROSE_PARAGRAPH characters or more, and bare text runs as long (pages
built of divs), outside chrome. Chrome by tag is navigation, asides, forms and buttons, and the
page's own header and footer; not one that wraps the story, as unclosed tags, page-wide <form>s
and <button>s sometimes do.
"""

from __future__ import annotations

from .dom import squash
from .vocabulary import CHROME_TAGS, CHROME_TAGS_IN_ARTICLE

PROSE_PARAGRAPH = 80
# Tags whose text is never read as prose.
NOT_TEXT = {"head", "script", "style", "noscript", "template", "svg", "select", "textarea", "option"}
# A chrome-tagged element holding more than this share of the page's text wraps the story.
CHROME_MAX_SHARE = 0.5


def page_text_length(root) -> int:
    """Characters of text in the page outside scripts and styles."""
    scripts = sum(len(e.text or "") for e in root.iter("script", "style"))
    return len(root.text_content()) - scripts


def chrome(root) -> list:
    """Elements that are page chrome by their tag (see the module docstring), in document order."""
    whole = page_text_length(root) or 1
    found = []
    for element in root.iter(*CHROME_TAGS):
        if element.tag not in CHROME_TAGS_IN_ARTICLE and any(
                a.tag in ("article", "main") for a in element.iterancestors()):
            continue  # the story's own header, footer or form
        if next(element.iterdescendants("article", "main"), None) is not None:
            continue
        if len(element.text_content()) > CHROME_MAX_SHARE * whole:
            continue
        found.append(element)
    return found


def prose_run(text: str | None) -> int:
    """Length of a text run that counts as prose (whitespace squashed), else 0."""
    if not text or len(text) < PROSE_PARAGRAPH:
        return 0
    length = len(squash(text))
    return length if length >= PROSE_PARAGRAPH else 0


def prose_chars(root, skip=()) -> int:
    """Characters of running prose under `root`, leaving out the elements in `skip`."""
    skip = set(skip)  # elements (lxml keeps one proxy per node while it is referenced)
    stack = [root]  # the whole document, not just <body>: broken pages leave text beside it
    total = 0
    while stack:
        element = stack.pop()
        if element in skip or not isinstance(element.tag, str) or element.tag in NOT_TEXT:
            continue
        if element.tag == "p":
            total += prose_run(element.text_content())
            continue
        total += prose_run(element.text)
        for child in element:
            stack.append(child)
            total += prose_run(child.tail)
    return total


def prose_and_paragraphs(root) -> tuple[int, dict, int]:
    """(prose characters under `root`, paragraph characters under each element, all paragraph
    characters): `prose_chars` and the weights of the story's frame in one walk."""
    weights: dict = {}
    paragraphs = 0
    stack = [root]
    total = 0
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str) or element.tag in NOT_TEXT:
            continue
        if element.tag == "p":
            length = prose_run(element.text_content())
            if length:
                total += length
                paragraphs += length
                for ancestor in element.iterancestors():
                    weights[ancestor] = weights.get(ancestor, 0) + length
            continue
        total += prose_run(element.text)
        for child in element:
            stack.append(child)
            total += prose_run(child.tail)
    return total, weights, paragraphs
