"""A second reader of the story: the page's prose container, read block by block.

trafilatura finds the story by class names and prunes by class names and link density; when it
picks the wrong frame, or drops blocks whose classes look like chrome, its text comes out short.
This reader finds the element that holds most of the page's running prose (paragraphs and long
bare text runs, outside navigation, asides and page header/footer) and reads every block in it:
headings, paragraphs, list items, quotes, code, table rows. Inside it, blocks named for a role
that is never the story (share, related, comments, newsletter, ...) and lists of links are left
out, unless they hold most of the prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Tags whose text is never story text.
NOT_TEXT = {"head", "script", "style", "noscript", "template", "svg", "select", "textarea", "input", "iframe",
            "object", "option"}
# Page chrome by tag, unless it wraps the story (unclosed tags, page-wide <form>s and <button>s do).
CHROME_TAGS = ("nav", "aside", "header", "footer", "form", "button", "label")
# Elements read as one paragraph each (when they hold no block of their own).
LEAVES = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dt", "dd", "figcaption", "caption",
          "address", "summary"}
# Elements that break text into separate paragraphs.
BLOCKS = LEAVES | {"div", "section", "article", "main", "ul", "ol", "dl", "table", "tbody", "thead", "tfoot",
                   "tr", "td", "th", "figure", "details", "header", "footer", "center", "hr", "br", "fieldset"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Words of class/id values naming a role that is never the story.
ROLE_WORDS = {
    "share", "sharing", "sharedaddy", "social", "socials", "related", "relatedposts", "comment", "comments",
    "respond", "newsletter", "subscribe", "subscription", "signup", "breadcrumb", "breadcrumbs", "sidebar",
    "advert", "advertisement", "ads", "adsense", "promo", "popup", "modal", "cookie", "cookies", "consent",
    "nav", "navigation", "menu", "pagination", "pager", "byline", "meta", "tags", "author", "authors", "bio",
    "disclaimer", "disclosure",
}
_WORDS = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True)
class ContainerConfig:
    prose_paragraph: int = 80  # shorter paragraphs and text runs do not count as prose
    container_share: float = 0.8  # the container is the deepest element with this share of the prose
    role_keeps_above: float = 0.5  # a role-named block holding this share of the container's prose stays
    chrome_keeps_above: float = 0.5  # a nav/aside/header/footer holding this share of the page stays
    link_list_density: float = 0.6  # lists and short blocks whose text is mostly links are left out


CONFIG = ContainerConfig()


def _squash(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def role_words(element) -> set[str]:
    """The words of an element's class and id, split at case changes, dashes and underscores."""
    value = f"{element.get('class') or ''} {element.get('id') or ''}"
    if not value.strip():
        return set()
    return set(_WORDS.findall(_CAMEL.sub(" ", value).lower()))


def _chrome(root, config: ContainerConfig) -> set:
    """Navigation, asides and page header/footer, except ones that wrap the story (broken markup)."""
    whole = len(root.text_content()) or 1
    found = set()
    for element in root.iter(*CHROME_TAGS):
        if element.tag in ("header", "footer", "form", "button", "label") and any(a.tag in ("article", "main") for a in element.iterancestors()):
            continue  # the story's own header or footer
        if element.find(".//article") is not None or element.find(".//main") is not None:
            continue
        if len(element.text_content()) > config.chrome_keeps_above * whole:
            continue
        found.add(element)
    return found


def _prose(root, skip: set, config: ContainerConfig) -> dict:
    """Prose characters under every element (paragraphs and long bare runs), skipping `skip`."""
    prose: dict = {}
    # iterative post-order walk: deep pages would overflow recursion
    stack = [(root, False)]
    while stack:
        element, done = stack.pop()
        if not done:
            if element in skip or not isinstance(element.tag, str) or element.tag in NOT_TEXT:
                continue
            if element.tag == "p":
                length = len(_squash(element.text_content()))
                prose[element] = length if length >= config.prose_paragraph else 0
                continue
            stack.append((element, True))
            stack.extend((child, False) for child in element)
            continue
        total = sum(prose.get(child, 0) for child in element)
        for run in [element.text] + [child.tail for child in element]:
            length = len(_squash(run))
            if length >= config.prose_paragraph:
                total += length
        prose[element] = total
    return prose


def find_container(root, config: ContainerConfig = CONFIG):
    """(container, prose map, chrome) for a page; the container is None when the page has no prose."""
    chrome = _chrome(root, config)
    prose = _prose(root, chrome, config)
    total = prose.get(root, 0)
    if not total:
        return None, prose, chrome
    node = root
    while True:
        inner = [c for c in node if prose.get(c, 0) >= config.container_share * total]
        if not inner:
            return node, prose, chrome
        node = inner[0]


class _Reader:
    def __init__(self, container, prose: dict, skip: set, config: ContainerConfig) -> None:
        self.config = config
        self.prose = prose
        self.skip = skip
        self.limit = config.role_keeps_above * max(prose.get(container, 0), 1)
        self.paragraphs: list[str] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        lines = (" ".join(line.split()) for line in "".join(self.buffer).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            self.paragraphs.append(text)
        self.buffer = []

    def left_out(self, element) -> bool:
        if element in self.skip or element.tag in NOT_TEXT:
            return True
        if element.get("hidden") is not None or "display:none" in (element.get("style") or "").replace(" ", ""):
            return True
        if role_words(element) & ROLE_WORDS and self.prose.get(element, 0) < self.limit:
            return True
        if element.tag in ("ul", "ol", "dl") or (element.tag in LEAVES and element.tag not in HEADINGS):
            text = len(_squash(element.text_content()))
            links = sum(len(_squash(a.text_content())) for a in element.iter("a"))
            if text and links > self.config.link_list_density * text and (element.tag in ("ul", "ol", "dl") or text < 200):
                return True
        return False

    def inline(self, element) -> None:
        if element.tag == "br":
            self.buffer.append("\n")
        elif element.tag in ("td", "th"):
            self.buffer.append(" | ")
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and not self.left_out(child):
                self.inline(child)
            if child.tail:
                self.buffer.append(child.tail)
        if element.tag not in ("a", "span", "strong", "b", "em", "i", "u", "code", "sup", "sub", "mark", "small"):
            self.buffer.append(" ")

    def row(self, element) -> None:
        self.flush()
        cells = []
        for cell in element:
            if isinstance(cell.tag, str) and cell.tag in ("td", "th"):
                cells.append(_squash(cell.text_content()))
        text = " | ".join(c for c in cells if c)
        if text:
            self.paragraphs.append(text)

    def read(self, element) -> None:
        if element.tag == "tr":
            self.row(element)
            return
        has_blocks = any(isinstance(c.tag, str) and c.tag in BLOCKS and c.tag != "br" for c in element)
        if not has_blocks and (element.tag in LEAVES or element.tag not in BLOCKS):
            self.flush()
            self.inline(element)
            self.flush()
            return
        self.flush()
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and not self.left_out(child):
                if child.tag in BLOCKS and child.tag != "br":
                    self.read(child)
                else:
                    self.inline(child)
            if child.tail:
                self.buffer.append(child.tail)
        self.flush()


def read_container(root, config: ContainerConfig = CONFIG) -> tuple[str, int]:
    """(text of the prose container, prose characters of the page); ('', 0) when there is none."""
    container, prose, chrome = find_container(root, config)
    if container is None:
        return "", 0
    reader = _Reader(container, prose, chrome, config)
    reader.read(container)
    return "\n\n".join(reader.paragraphs), prose.get(root, 0)
