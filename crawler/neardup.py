"""Near-duplicates: MinHash over word shingles of a body, LSH bands to find candidates, and an
estimate of Jaccard similarity to confirm them. Pure: no Scrapy, no store, no clock.

Signatures are deterministic (fixed seed, CRC-32 of each shingle, the `affine32` MinHash scheme of
datasketch 2.0, reimplemented here and checked against it in the tests), so bands written by one
crawl match those computed by the next. Changing `Params` or the hashing changes every band:
stored bands would then no longer match new ones.
The defaults were chosen by measuring on fixtures/neardup/ (`bench/neardup.py`).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Wire boilerplate that differs between copies of one story and repeats across different stories
# of one agency: credit lines, copyright notices, a bare "(Agency)" or "Source: Agency" line.
_CREDIT = re.compile(
    r"^\(?(?:additional reporting|reporting|writing|editing|compiled|produced)\s+by\b"
    r"|^\([^()]{2,60}\)$|^source:\s|^(?:copyright\b|©)|all rights reserved",
    re.IGNORECASE,
)
# A dateline before the first sentence: "BAGHDAD/ERBIL, Sept 27 (Agency) - ", "ERBIL — ",
# "DUBAI (Agency) - ", "البصرة (وكالة ...) - ".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'/ -]*[A-Z.](?:,\s[A-Z][\w.]*(?:\s[A-Z][\w.]*)*)*(?:,?\s[A-Z][a-z]{2,4}\.?\s\d{1,2})?"
    r"(?:\s\([^()]{2,60}\))?|\w+(?:\s\w+)?\s\([^()]{2,60}\))\s+[-–—]{1,2}\s+"
)


@dataclass(frozen=True)
class Params:
    """Shingle size (words), weight of numbers, MinHash permutations = bands x rows, and the
    estimated Jaccard similarity at or above which two texts are one story."""

    shingle: int = 4
    number_weight: int = 8  # each number in the text counts as this many extra shingles
    bands: int = 42
    rows: int = 3
    threshold: float = 0.3
    seed: int = 1  # of the MinHash permutations

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows


DEFAULT = Params()

Signature = np.ndarray  # num_perm uint32 minimum hash values


def clean(text: str) -> str:
    """The body without wire credit lines, copyright notices and a leading dateline."""
    paragraphs = [p.strip() for p in text.split("\n\n")]
    paragraphs = [p for p in paragraphs if p and not (len(p) < 300 and _CREDIT.search(p))]
    if paragraphs:
        paragraphs[0] = _DATELINE.sub("", paragraphs[0], count=1)
    return "\n\n".join(paragraphs)


def features(text: str, params: Params = DEFAULT) -> set[bytes]:
    """What a signature is computed over: the word shingles of the cleaned text, plus each number
    in it `number_weight` times (copies of a story keep its figures; a templated story of the
    same kind, like next quarter's results, changes them)."""
    text = clean(text)
    found = shingles(text, params.shingle)
    if found:
        copies = _copies(params.number_weight)
        numbers = [f"#{n}#".encode() for n in {n.replace(",", "") for n in _NUMBER.findall(text)}]
        found.update([number + copy for number in numbers for copy in copies])  # b"#12.5#0", b"#12.5#1"...
    return found


@lru_cache(maxsize=16)
def _copies(weight: int) -> tuple[bytes, ...]:
    return tuple(str(copy).encode() for copy in range(weight))


def shingles(text: str, size: int = DEFAULT.shingle) -> set[bytes]:
    """The set of `size`-word shingles of `text` (case-folded words; punctuation ignored).
    A text shorter than `size` words is one shingle; a text without words has none."""
    words = _WORD.findall(text.casefold())
    if not words:
        return set()
    if len(words) <= size:
        return {" ".join(words).encode()}
    # the words encoded in one go (no word holds a space): each shingle joins bytes, none is encoded
    encoded = " ".join(words).encode().split(b" ")
    return set(map(b" ".join, zip(*(encoded[i:] for i in range(size)))))


# MurmurHash3's 32-bit finalizer (shifts and multipliers), applied before the permutations.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@lru_cache(maxsize=16)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations h -> a*h + b mod 2^32 (odd a: a bijection), drawn as datasketch's
    "affine32" scheme draws them, so signatures equal datasketch 2.0's bit for bit."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signature(text: str, params: Params = DEFAULT) -> Signature | None:
    """The MinHash signature of `text`'s shingles; None when it has no words.

    MinHash with CRC-32 feature hashes (a quarter of SHA-1's cost per shingle; the Murmur3
    finalizer mixes them before the permutations) and affine permutations: datasketch's "affine32"
    scheme with `hashfunc=zlib.crc32`, written out in numpy (datasketch pulls in scipy, 50 MB in
    every extraction worker, for this one loop)."""
    found = features(text, params)
    if not found:
        return None
    a, b = _permutations(params.num_perm, params.seed)
    hv = np.fromiter(map(zlib.crc32, found), dtype=np.uint32, count=len(found))
    s1, m1, s2, m2, s3 = _FMIX32
    hv ^= hv >> s1
    hv *= m1
    hv ^= hv >> s2
    hv *= m2
    hv ^= hv >> s3
    permuted = np.multiply.outer(a, hv)  # one row per permutation: the minimum runs along rows
    permuted += b[:, None]
    return permuted.min(axis=1)


def bands(sig: Signature, params: Params = DEFAULT) -> list[tuple[int, int]]:
    """LSH bands of a signature: (band number, signed 64-bit hash of its rows), SQLite-safe.
    Two texts of similarity s share at least one band with probability 1 - (1 - s**rows)**bands."""
    rows = params.rows
    return [
        (band, int.from_bytes(hashlib.blake2b(sig[band * rows:(band + 1) * rows].tobytes(),
                                              digest_size=8).digest(), "little", signed=True))
        for band in range(params.bands)
    ]


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures (same Params)."""
    if a.shape != b.shape:
        raise ValueError("signatures of different sizes")
    return float(np.count_nonzero(a == b)) / len(a)


class BandIndex:
    """In-memory LSH index of the most recent `capacity` signatures, by key.

    The cluster pipeline keeps the items of the running crawl here until the store has them;
    the oldest entries are forgotten first (`dropped` is True once one was). Entries live in
    numpy arrays allocated once for `capacity` (a signature as num_perm uint32, its bands as
    int64 values, one row of them per band number): ~0.9 KB an entry with the defaults, where a
    dict of buckets with the bands as Python ints took ~3.7 KB (#19). A lookup compares the
    query's bands with every entry's at once (~0.04 ms more than the dict for 3,000 entries)."""

    def __init__(self, params: Params = DEFAULT, capacity: int = 10_000) -> None:
        self.params = params
        self.capacity = capacity
        self.entries: dict[Hashable, int] = {}  # key -> its row, oldest first
        # rows are handed out in order, then reused as entries go: np.zeros leaves untouched rows
        # unallocated by the OS, so a crawl's index costs what it holds
        self._bands = np.zeros((params.bands, capacity), dtype=np.int64)  # one row a band number
        self._sigs = np.zeros((capacity, params.num_perm), dtype=np.uint32)
        self._live = np.zeros(capacity, dtype=bool)
        self._added = np.zeros(capacity, dtype=np.int64)  # order of addition (ties in candidates)
        self._keys: list[Hashable] = []
        self._values: list[object] = []
        self._free: list[int] = []
        self._count = 0
        self.dropped = False  # an entry was forgotten: the capacity was reached

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self.entries

    def payload(self, key: Hashable) -> object:
        """The payload stored with `key` (KeyError when it is not indexed)."""
        return self._values[self.entries[key]]

    @property
    def buckets(self) -> set[int]:
        """Every band held, as one int (value x bands + band number)."""
        rows = np.flatnonzero(self._live[:len(self._keys)])
        return {int(value) * self.params.bands + band for row in rows for band, value in enumerate(self._bands[:, row])}

    def bucket(self, band: int) -> list[Hashable]:
        """The keys filed under one band (as `buckets` writes it), oldest first."""
        number = band % self.params.bands
        value = (band - number) // self.params.bands
        used = len(self._keys)
        rows = np.flatnonzero(self._live[:used] & (self._bands[number, :used] == value))
        return [self._keys[row] for row in rows[np.argsort(self._added[rows], kind="stable")]]

    def add(self, key: Hashable, sig: Signature, value: object = None,
            sig_bands: list[tuple[int, int]] | None = None) -> None:
        """Index `sig` under `key` with a payload (e.g. the cluster id), replacing an older entry."""
        if np.shape(sig) != (self.params.num_perm,):
            raise ValueError("a signature of another size than the index's")
        if key in self.entries:
            self.remove(key)
        while len(self.entries) >= self.capacity:
            self.remove(next(iter(self.entries)))
            self.dropped = True
        if self._free:
            row = self._free.pop()
            self._keys[row], self._values[row] = key, value
        else:
            row = len(self._keys)
            self._keys.append(key)
            self._values.append(value)
        for band, band_value in (sig_bands if sig_bands is not None else bands(sig, self.params)):
            self._bands[band, row] = band_value
        self._sigs[row] = sig
        self._live[row] = True
        self._added[row] = self._count
        self._count += 1
        self.entries[key] = row

    def remove(self, key: Hashable) -> None:
        row = self.entries.pop(key)
        self._live[row] = False
        self._keys[row] = self._values[row] = None
        self._free.append(row)

    def _matches(self, sig_bands: Iterable[tuple[int, int]]) -> np.ndarray:
        """Rows sharing at least one band: most shared bands first, then by the first band shared
        in the query's order, then the oldest (the order a dict of buckets gave)."""
        pairs = list(sig_bands)
        used = len(self._keys)
        if not pairs or not used:
            return np.zeros(0, dtype=np.intp)
        numbers = [band for band, _ in pairs]
        values = np.array([value for _, value in pairs], dtype=np.int64)
        held = self._bands[:, :used] if numbers == list(range(self.params.bands)) else self._bands[numbers, :used]
        found = np.flatnonzero(held == values[:, None])  # band position x used + row, by band first
        rows = found % used
        keep = self._live[rows]
        rows, positions = rows[keep], (found // used)[keep]
        if not rows.size:
            return rows
        unique, first, counts = np.unique(rows, return_index=True, return_counts=True)
        return unique[np.lexsort((self._added[unique], positions[first], -counts))]

    def candidates(self, sig_bands: Iterable[tuple[int, int]]) -> list[Hashable]:
        """Keys that share at least one band, most shared bands first."""
        return [self._keys[row] for row in self._matches(sig_bands)]

    def best(self, sig: Signature, sig_bands: list[tuple[int, int]] | None = None,
             threshold: float | None = None) -> tuple[Hashable, object, float] | None:
        """The most similar indexed entry at or above the threshold: (key, payload, similarity)."""
        threshold = self.params.threshold if threshold is None else threshold
        sig_bands = sig_bands if sig_bands is not None else bands(sig, self.params)
        found = None
        for row in self._matches(sig_bands):
            score = similarity(sig, self._sigs[row])
            if score >= threshold and (found is None or score > found[2]):
                found = (self._keys[row], self._values[row], score)
        return found


def cluster_key(url: str) -> int:
    """The cluster id a story starts when it is the first copy seen: a 53-bit hash of its canonical
    URL. Known before the row exists and the same in every process, so two crawls writing one
    store at once never hand out one id twice (as max(cluster_id) + 1 would); below 2**53, so it
    survives JSON readers that parse numbers as doubles."""
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=8, person=b"news-cluster").digest()
    return int.from_bytes(digest, "big") >> 11


def same_signature_params(params: Params) -> bool:
    """True when `params` make the same signatures as DEFAULT (they may differ in threshold only)."""
    return replace(params, threshold=DEFAULT.threshold) == DEFAULT
