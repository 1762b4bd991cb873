"""Compact sets for the crawl's per-run bookkeeping: each member is kept as a 64-bit integer.

A Python set of URL strings costs ~165 bytes an entry (the string and its slot), a set of their
int hashes ~105; `KeySet` keeps 64-bit keys in a sorted `array('q')` (8 bytes each) plus a small
set of the latest ones merged into it now and then, ~20 bytes an entry, so the sets that grow
with a site (URLs requested, stories listed, records seen, request fingerprints) stay small at
32,000 pages (#19).

`UrlSet` keys a URL by its hash: two different URLs share one with probability ~n²/2⁶⁵ (1 in 30
billion for 32,000 URLs in one set). The hash is Python's own (`hash(str)`, cached in the string
and fixed for the process), so a UrlSet lives in one process and is never stored or sent.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator

MERGE_AT = 4096  # latest keys held in a set before they join the sorted array (or 1/8 of it)


class KeySet:
    """`add`, `update`, `in` and `len` of a set of signed 64-bit ints, ~20 bytes an entry."""

    __slots__ = ("_sorted", "_latest")

    def __init__(self, members: Iterable = ()) -> None:
        self._sorted = array("q")
        self._latest: set[int] = set()
        self.update(members)

    def add(self, key: int) -> bool:
        """Add `key`; False when it was there already."""
        if self._has(key):
            return False
        self._latest.add(key)
        if len(self._latest) >= max(MERGE_AT, len(self._sorted) >> 3):
            self._sorted = array("q", sorted([*self._sorted, *self._latest]))
            self._latest = set()
        return True

    def update(self, members: Iterable) -> None:
        for member in members:
            self.add(member)

    def _has(self, key: int) -> bool:
        if key in self._latest:
            return True
        found = self._sorted
        at = bisect_left(found, key)
        return at < len(found) and found[at] == key

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and self._has(key)

    def __len__(self) -> int:
        return len(self._sorted) + len(self._latest)

    def __bool__(self) -> bool:
        return bool(self._sorted) or bool(self._latest)

    def nbytes(self) -> int:
        """Bytes it holds (the array, the set and its ints): for tests and benches."""
        return (self._sorted.buffer_info()[1] * self._sorted.itemsize + sys.getsizeof(self._latest)
                + sum(sys.getsizeof(key) for key in self._latest))

    def __iter__(self) -> Iterator[int]:
        raise TypeError(f"a {type(self).__name__} keeps 64-bit keys, not its members: it cannot be iterated")


class UrlSet(KeySet):
    """`add`, `update`, `in` and `len` of a set of strings, holding only their hashes."""

    __slots__ = ()

    def add(self, url: str) -> bool:  # type: ignore[override]
        """Add `url`; False when it (or a URL of the same hash) was there already."""
        return super().add(hash(url))

    def __contains__(self, url: object) -> bool:
        return self._has(hash(url))
