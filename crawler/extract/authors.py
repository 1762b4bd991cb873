"""Author names from bylines: split, cleaned of prefixes, roles and dates."""

from __future__ import annotations

import re

BYLINE_PREFIX = re.compile(r"^\s*(by|written by|author|authors|posted by|von|par|por)\s*[:\-]?\s+", re.I)
NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|،)\s*")


def split_names(text: str) -> list[str]:
    """'A, B and C' -> ['A', 'B', 'C'] (no other cleaning)."""
    return [part.strip() for part in NAME_SPLIT.split(" ".join(text.split())) if part.strip()]


def clean_author(name: str) -> list[str]:
    """Split a byline into names, dropping 'By', roles, emails and URLs."""
    name = BYLINE_PREFIX.sub("", " ".join(name.split()))
    out = []
    for part in split_names(name):
        part = part.strip(" .:-|")
        if not part or "@" in part or "://" in part or part.lower().startswith("view all"):
            continue
        if len(part) > 60 or any(ch.isdigit() for ch in part):
            continue
        out.append(part)
    return out
