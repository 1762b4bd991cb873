"""The article text: trafilatura over a pruned tree, rendered as paragraphs split by blank lines."""

from __future__ import annotations

import trafilatura
from trafilatura.settings import Document

from .render import render

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
    return "\n\n".join(render(document.body)), document
