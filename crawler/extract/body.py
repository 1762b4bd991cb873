"""The article text: trafilatura over a pruned tree, rendered as paragraphs split by blank lines."""

from __future__ import annotations

import trafilatura
from trafilatura.settings import Document

# Elements of trafilatura's XML output that are paragraphs of their own.
BLOCKS = {"p", "head", "item", "quote", "cell", "code", "row"}


def _render(body) -> list[str]:
    paragraphs: list[str] = []
    for element in body.iter():
        if element.tag not in BLOCKS:
            continue
        if element.tag == "quote" and any(child.tag in BLOCKS for child in element.iterdescendants()):
            continue  # its own paragraphs are emitted
        if element.tag == "row":
            text = " | ".join(" ".join("".join(c.itertext()).split()) for c in element if c.tag == "cell")
        elif element.tag == "cell" and element.getparent() is not None and element.getparent().tag == "row":
            continue
        elif element.tag == "item" and any(child.tag == "list" for child in element):
            text = " ".join((element.text or "").split())
        else:
            text = " ".join("".join(element.itertext()).split())
        if text:
            paragraphs.append(text)
    return paragraphs


def extract_body(tree, url: str) -> tuple[str, Document | None]:
    """(body text, trafilatura document) for a pruned lxml tree; body is '' when nothing is found."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        deduplicate=False,
        output_format="python",
    )
    if document is None or document.body is None:
        return "", document
    return "\n\n".join(_render(document.body)), document
