"""The body metric of ../shared/extraction-dev/README.md: 4-word shingle precision/recall/F1."""

from __future__ import annotations

import re
from collections import Counter

WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter:
    """The multiset of overlapping `size`-word shingles of `text` (\\w+ tokens); a shorter text
    is one shingle of all its words."""
    words = WORD.findall(text or "")
    if len(words) <= size:
        return Counter([tuple(words)] if words else [])
    return Counter(tuple(words[i:i + size]) for i in range(len(words) - size + 1))


def shingle_scores(extracted: str, truth: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of one extraction against its truth."""
    got, want = shingles(extracted), shingles(truth)
    tp = sum((got & want).values())
    precision = tp / sum(got.values()) if got else 0.0
    recall = tp / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
