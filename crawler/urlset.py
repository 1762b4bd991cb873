"""A compact set of URLs for the crawl's per-run bookkeeping: each URL is kept as its 64-bit hash.

A Python set of URL strings costs ~150 bytes an entry (the string and its slot); this keeps the
int hash (~70 bytes), so the sets that grow with a site (URLs requested, stories listed, records
seen) stay small at 32,000 pages. Membership is by hash: two different URLs share one with
probability ~n²/2⁶⁵ (1 in 30 billion for 32,000 URLs in one set). The hash is Python's own
(`hash(str)`, cached in the string and fixed for the process), so a set lives in one process
and is never stored or sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class UrlSet:
    """`add`, `update`, `discard`, `in` and `len` of a set of strings, holding only their hashes."""

    __slots__ = ("_hashes",)

    def __init__(self, urls: Iterable[str] = ()) -> None:
        self._hashes: set[int] = {hash(url) for url in urls}

    def add(self, url: str) -> None:
        self._hashes.add(hash(url))

    def update(self, urls: Iterable[str]) -> None:
        self._hashes.update(map(hash, urls))

    def discard(self, url: str) -> None:
        self._hashes.discard(hash(url))

    def __contains__(self, url: object) -> bool:
        return hash(url) in self._hashes

    def __len__(self) -> int:
        return len(self._hashes)

    def __bool__(self) -> bool:
        return bool(self._hashes)

    def __iter__(self) -> Iterator[str]:
        raise TypeError("a UrlSet keeps hashes, not the URLs: it cannot be iterated")
