"""Memory the crawl process no longer uses goes back to the system (issue #19, memory flat in N).

Pages are 60-120 KB strings and bytes made and dropped by several threads (the reactor, the
store's writer, Twisted's pool); glibc's malloc keeps the freed space inside its heaps, where the
next large string often does not fit, so the process's RSS creeps up with the pages crawled even
though what it holds stays the same (measured on bench/throughput's 8000-page listing site: 24 of
50 MB of glibc heap free at the end). `MallocTrim` calls glibc's `malloc_trim(0)` every
NEWS_MALLOC_TRIM_SECONDS, which hands those free pages back (about 1.3 ms a call on the
reactor thread with 100 MB of page strings held, measured in a test process). Off on other C libraries (no malloc_trim) and with 0.

What trimming cannot give back is the free space between live blocks: pages still went into the
heap (glibc raises its mmap threshold to the size of the largest block freed, up to 32 MB) and left
holes there, ~20 MB more glibc heap at 8,000 pages than at 2,000. With NEWS_MALLOC_MMAP_THRESHOLD
(64 KiB) as glibc's fixed `M_MMAP_THRESHOLD`, every block that large (page bytes and strings, their
pickles to the workers) is its own mapping, unmapped when freed: the crawl process's RSS stays flat
from the first minutes on (measured: 8,000 pages, 142 MB peak instead of 154), at no CPU cost
measurable per page (a 120 KB string and its bytes made and freed: ~27 us either way).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from typing import Callable

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)


M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


def _libc_function(name: str):
    """A function of the C library (glibc's malloc tuning), or None where it has none."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None


def set_mmap_threshold(size: int) -> bool:
    """glibc's mallopt(M_MMAP_THRESHOLD, size): blocks of `size` bytes and more are mapped on
    their own (and unmapped when freed), not carved from the heap. False where it cannot be set."""
    mallopt = _libc_function("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, size) == 1


def malloc_trim() -> Callable[[], int] | None:
    """glibc's malloc_trim(0) as a function, or None where the C library has none."""
    trim = _libc_function("malloc_trim")
    if trim is None:
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return lambda: trim(0)


class MallocTrim:
    """Every NEWS_MALLOC_TRIM_SECONDS, free heap memory goes back to the system; counted in
    `news/memory/trims`. Sets glibc's mmap threshold (NEWS_MALLOC_MMAP_THRESHOLD) first."""

    def __init__(self, crawler: Crawler, seconds: float, trim: Callable[[], int]) -> None:
        self.stats = crawler.stats
        self.seconds = seconds
        self.trim = trim
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "MallocTrim":
        threshold = crawler.settings.getint("NEWS_MALLOC_MMAP_THRESHOLD")
        if threshold > 0 and set_mmap_threshold(threshold):
            crawler.stats.set_value("news/memory/mmap_threshold", threshold)
        elif threshold > 0:
            logger.info("NEWS_MALLOC_MMAP_THRESHOLD not applied: no glibc mallopt")
        seconds = crawler.settings.getfloat("NEWS_MALLOC_TRIM_SECONDS")
        if seconds <= 0:
            raise NotConfigured("NEWS_MALLOC_TRIM_SECONDS is 0")
        trim = malloc_trim()
        if trim is None:
            raise NotConfigured("no malloc_trim in this C library")
        extension = cls(crawler, seconds, trim)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: object = None) -> None:
        self.loop = task.LoopingCall(self.run)
        self.loop.start(self.seconds, now=False)

    def run(self) -> None:
        self.trim()
        self.stats.inc_value("news/memory/trims")

    def spider_closed(self, spider: object = None) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
