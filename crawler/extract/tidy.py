"""Text-level clean-up of an extracted body (paragraphs split by blank lines)."""

from __future__ import annotations


def tidy(text: str) -> str:
    """The body without chrome that survived extraction."""
    return text
