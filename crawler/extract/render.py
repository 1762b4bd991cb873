"""trafilatura's XML body to our text: one paragraph per block, blocks split by a blank line.

Headings, list items, quotes, code blocks and table rows are paragraphs of their own; a `<lb/>`
is a line break inside its paragraph; a table row is its cells joined by " | ".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Elements that end the paragraph before them and start a new one.
BLOCKS = {"p", "head", "item", "quote", "code", "row", "list", "table", "div", "figure", "note", "body", "doc"}
KINDS = {"p", "head", "item", "quote"}
_SPACES = re.compile(r"[^\S\n]+")


def _clean(text: str, keep_lines: bool = True) -> str:
    """Whitespace squashed inside each line; empty lines dropped."""
    if "\n" not in text or not keep_lines:
        return " ".join(text.split())
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return ("\n" if keep_lines else " ").join(line for line in lines if line)


@dataclass(frozen=True)
class Block:
    """One paragraph of the body and what it was: p, head (heading), item, quote, code, row."""

    kind: str
    text: str


class _Writer:
    def __init__(self) -> None:
        self.paragraphs: list[Block] = []
        self.buffer: list[str] = []
        self.kind = "p"

    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        if text:
            self.paragraphs.append(Block(self.kind, text))
        self.buffer = []

    def inline(self, element) -> None:
        """Text of an inline element and its inline children (blocks inside are flattened)."""
        if element.tag == "lb":
            self.buffer.append("\n")
        elif (element.tag in BLOCKS and element.tag != "code") or element.tag == "cell":
            self.buffer.append(" ")
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            self.inline(child)
            if child.tail:
                self.buffer.append(child.tail)
        if (element.tag in BLOCKS and element.tag != "code") or element.tag == "cell":
            self.buffer.append(" ")

    def row(self, element) -> None:
        self.flush()
        cells = []
        for cell in element:
            if cell.tag != "cell":
                continue
            part = _Writer()
            part.inline(cell)
            cells.append(_clean("".join(part.buffer), keep_lines=False))
        text = " | ".join(cell for cell in cells if cell)
        if text:
            self.paragraphs.append(Block("row", text))

    @staticmethod
    def _inline_code(parent, child) -> bool:
        """`<code>` inside running text (a paragraph, heading, item or cell) without line breaks."""
        if child.tag != "code" or parent.tag not in ("p", "head", "item", "cell", "quote"):
            return False
        return "\n" not in "".join(child.itertext()).strip("\n") and (bool((parent.text or "").strip()) or bool(
            (child.tail or "").strip()) or child.getprevious() is not None)

    def block(self, element) -> None:
        if element.tag == "row":
            self.row(element)
            return
        if element.tag == "code":
            self.flush()
            code = "\n".join(line.rstrip() for line in "".join(element.itertext()).strip("\n").split("\n"))
            if code.strip():
                self.paragraphs.append(Block("code", code))
            return
        self.flush()
        outer, self.kind = self.kind, element.tag if element.tag in KINDS else "p"
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            if child.tag in BLOCKS and not self._inline_code(element, child):
                self.block(child)
            else:
                self.inline(child)
            if child.tail:
                self.buffer.append(child.tail)
                self.kind = element.tag if element.tag in KINDS else "p"
        self.flush()
        self.kind = outer


def render(body) -> list[Block]:
    """The paragraphs of a trafilatura XML body (or any element of that vocabulary)."""
    writer = _Writer()
    writer.block(body)
    return writer.paragraphs
