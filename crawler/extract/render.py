"""trafilatura's XML body to our text: one paragraph per block, blocks split by a blank line.

Headings, list items, quotes, code blocks and table rows are paragraphs of their own; a `<lb/>`
is a line break inside its paragraph; a table row is its cells joined by " | ".
"""

from __future__ import annotations

import re

# Elements that end the paragraph before them and start a new one.
BLOCKS = {"p", "head", "item", "quote", "code", "row", "list", "table", "div", "figure", "note", "body", "doc"}
_SPACES = re.compile(r"[^\S\n]+")


def _clean(text: str, keep_lines: bool = True) -> str:
    """Whitespace squashed inside each line; empty lines dropped."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return ("\n" if keep_lines else " ").join(line for line in lines if line)


class _Writer:
    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        if text:
            self.paragraphs.append(text)
        self.buffer = []

    def inline(self, element) -> None:
        """Text of an inline element and its inline children (blocks inside are flattened)."""
        if element.tag == "lb":
            self.buffer.append("\n")
        elif element.tag in BLOCKS or element.tag == "cell":
            self.buffer.append(" ")
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            self.inline(child)
            if child.tail:
                self.buffer.append(child.tail)
        if element.tag in BLOCKS or element.tag == "cell":
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
            self.paragraphs.append(text)

    def block(self, element) -> None:
        if element.tag == "row":
            self.row(element)
            return
        if element.tag == "code":
            self.flush()
            code = "\n".join(line.rstrip() for line in "".join(element.itertext()).strip("\n").split("\n"))
            if code.strip():
                self.paragraphs.append(code)
            return
        self.flush()
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            if child.tag in BLOCKS:
                self.block(child)
            else:
                self.inline(child)
            if child.tail:
                self.buffer.append(child.tail)
        self.flush()


def render(body) -> list[str]:
    """The paragraphs of a trafilatura XML body (or any element of that vocabulary)."""
    writer = _Writer()
    writer.block(body)
    return writer.paragraphs
