"""A compact set of URLs for the crawl's per-run bookkeeping: each URL is kept as its 64-bit hash.

A Python set of URL strings costs ~165 bytes an entry (the string and its slot), a set of their
int hashes ~105; this keeps the hashes in a sorted `array('q')` (8 bytes each) plus a small set of
the latest ones merged into it now and then, ~20 bytes an entry, so the sets that grow with a site
(URLs requested, stories listed, records seen) stay small at 32,000 pages (#19). Membership is by
hash: two different URLs share one with probability ~n²/2⁶⁵ (1 in 30 billion for 32,000 URLs in
one set). The hash is Python's own (`hash(str)`, cached in the string and fixed for the process),
so a set lives in one process and is never stored or sent.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator

MERGE_AT = 4096  # latest hashes held in a set before they join the sorted array (or 1/8 of it)


class UrlSet:
    """`add`, `update`, `in` and `len` of a set of strings, holding only their hashes."""

    __slots__ = ("_sorted", "_latest")

    def __init__(self, urls: Iterable[str] = ()) -> None:
        self._sorted = array("q")
        self._latest: set[int] = set()
        self.update(urls)

    def add(self, url: str) -> None:
        key = hash(url)
        if key in self._latest or self._in_sorted(key):
            return
        self._latest.add(key)
        if len(self._latest) >= max(MERGE_AT, len(self._sorted) >> 3):
            self._sorted = array("q", sorted([*self._sorted, *self._latest]))
            self._latest = set()

    def update(self, urls: Iterable[str]) -> None:
        for url in urls:
            self.add(url)

    def _in_sorted(self, key: int) -> bool:
        found = self._sorted
        at = bisect_left(found, key)
        return at < len(found) and found[at] == key

    def __contains__(self, url: object) -> bool:
        key = hash(url)
        return key in self._latest or self._in_sorted(key)

    def __len__(self) -> int:
        return len(self._sorted) + len(self._latest)

    def __bool__(self) -> bool:
        return bool(self._sorted) or bool(self._latest)

    def nbytes(self) -> int:
        """Bytes it holds (the array, the set and its ints): for tests and benches."""
        return (self._sorted.buffer_info()[1] * self._sorted.itemsize + sys.getsizeof(self._latest)
                + sum(sys.getsizeof(key) for key in self._latest))

    def __iter__(self) -> Iterator[str]:
        raise TypeError("a UrlSet keeps hashes, not the URLs: it cannot be iterated")
