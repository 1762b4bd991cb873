"""crawler.urlset.UrlSet: the compact URL sets a crawl keeps per run (#19), against a plain set."""

from __future__ import annotations

import random
import sys
import time

import pytest

from crawler.urlset import UrlSet


def urls(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"https://news.example/{rng.randrange(2000, 2026)}/{rng.randrange(1, 13):02d}/story-{rng.getrandbits(40):x}/"
            for _ in range(count)]


def test_it_answers_as_a_set_of_the_urls_does():
    kept, others = urls(20_000, 1), urls(20_000, 2)
    compact, plain = UrlSet(kept[:10]), set(kept[:10])
    compact.update(kept[10:5000])
    plain.update(kept[10:5000])
    for url in kept[5000:]:
        compact.add(url)
        plain.add(url)
    compact.update(kept[:100])  # again: no change
    assert len(compact) == len(plain) and bool(compact) and not UrlSet()
    assert all((url in compact) == (url in plain) for url in kept + others)
    with pytest.raises(TypeError):
        list(compact)


def test_it_takes_less_memory_than_a_set_of_the_strings():
    """What it is for: each entry costs its hash, not the URL string (measured, not assumed)."""
    kept = urls(30_000, 3)
    compact = UrlSet(kept)
    plain = set(kept)
    compact_bytes = compact.nbytes()
    plain_bytes = sys.getsizeof(plain) + sum(sys.getsizeof(url) for url in plain)
    print(f"\n30,000 URLs: UrlSet {compact_bytes / 1e6:.1f} MB, set of str {plain_bytes / 1e6:.1f} MB")
    assert compact_bytes < 0.25 * plain_bytes


def test_adding_and_asking_stays_cheap_as_it_grows():
    """The sorted array is rebuilt only when the latest set reaches 1/8 of it: a few rebuilds."""
    kept = urls(200_000, 4)
    compact = UrlSet()
    started = time.process_time()
    for url in kept:
        compact.add(url)
    assert all(url in compact for url in kept[::7])
    spent = time.process_time() - started
    print(f"\n200,000 adds and 28,572 lookups: {spent:.2f} s CPU, {compact.nbytes() / 1e6:.1f} MB")
    assert len(compact) == len(set(kept)) and spent < 5
