"""Freed heap memory goes back to the system (crawler.memory, #19): malloc_trim really releases
what page-sized strings left free in glibc's heap, and a real crawl calls it every
NEWS_MALLOC_TRIM_SECONDS; with NEWS_MALLOC_MMAP_THRESHOLD page-sized blocks never enter the heap,
so freeing them gives their memory back at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import run_crawl
from crawler.memory import malloc_trim
from slow_site import serve_slow_site

# In a fresh process: 400 page-sized strings (100 KB, below malloc's default mmap threshold, so in
# its heap) with a small string kept after each, so freeing the pages leaves holes, not a heap top to cut.
PAGES_HELD = """
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096
pages, kept = [], []
for n in range(400):
    pages.append(("x" * 99_000) + str(n))
    kept.append(str(n) * 300)
"""
FRAGMENTED_HEAP = """
from crawler.memory import malloc_trim
""" + PAGES_HELD + """
del pages
before = rss()
malloc_trim()()
print(before, rss())
"""


@pytest.mark.skipif(malloc_trim() is None, reason="no glibc malloc_trim")
def test_malloc_trim_hands_freed_page_memory_back():
    out = subprocess.run([sys.executable, "-c", FRAGMENTED_HEAP], capture_output=True, text=True, check=True,
                         cwd=__import__("conftest").ROOT).stdout
    before, after = map(int, out.split())
    print(f"\nRSS with 40 MB of freed page strings: {before / 1e6:.0f} MB, after malloc_trim {after / 1e6:.0f} MB")
    assert before - after > 15e6  # freeing alone gave nothing back: `before` is measured after the del


# The same heap, in a process that first lowers glibc's mmap threshold (or not): no malloc_trim.
PAGES_FREED = """
import sys
from crawler.memory import set_mmap_threshold
if sys.argv[1] == "on":
    assert set_mmap_threshold(65536)
""" + PAGES_HELD + """
held = rss()
del pages
print(held, rss())
"""


@pytest.mark.skipif(malloc_trim() is None, reason="no glibc mallopt")
def test_with_the_mmap_threshold_freed_pages_leave_at_once():
    """What NEWS_MALLOC_MMAP_THRESHOLD is for: page strings freed between live small blocks."""
    freed = {}
    for mode in ("off", "on"):
        out = subprocess.run([sys.executable, "-c", PAGES_FREED, mode], capture_output=True, text=True, check=True,
                             cwd=__import__("conftest").ROOT).stdout
        held, after = map(int, out.split())
        freed[mode] = held - after
    print(f"\nRSS given back by freeing 40 MB of page strings: {freed['off'] / 1e6:.0f} MB with glibc's default "
          f"threshold, {freed['on'] / 1e6:.0f} MB with 64 KiB")
    assert freed["on"] > 35e6 and freed["off"] < freed["on"] / 2


@pytest.mark.skipif(malloc_trim() is None, reason="no glibc malloc_trim")
def test_a_crawl_trims_every_interval_and_not_with_0(tmp_path):
    server = serve_slow_site(pages=20, delay=0.3)
    try:
        on = run_crawl(server.base, tmp_path / "on.db", "-a", "source_name=slow", "-s", "NEWS_MALLOC_TRIM_SECONDS=0.2")
        off = run_crawl(server.base, tmp_path / "off.db", "-a", "source_name=slow", "-s", "NEWS_MALLOC_TRIM_SECONDS=0",
                        "-s", "NEWS_MALLOC_MMAP_THRESHOLD=0")
    finally:
        server.shutdown()
    assert on.returncode == off.returncode == 0, on.log[-3000:] + off.log[-3000:]
    assert on.stats["news/stored/new"] == off.stats["news/stored/new"] == 20
    assert on.stats.get("news/memory/trims", 0) >= 3
    assert "news/memory/trims" not in off.stats
    assert on.stats["news/memory/mmap_threshold"] == 65536 and "news/memory/mmap_threshold" not in off.stats
