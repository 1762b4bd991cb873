"""Memory the crawl process no longer uses goes back to the system (issue #19, memory flat in N).

Pages are 60-120 KB strings and bytes made and dropped by several threads (the reactor, the
store's writer, Twisted's pool); glibc's malloc keeps the freed space inside its heaps, where the
next large string often does not fit, so the process's RSS creeps up with the pages crawled even
though what it holds stays the same (measured on bench/throughput's 8000-page listing site: 24 of
50 MB of glibc heap free at the end). `MallocTrim` calls glibc's `malloc_trim(0)` every
NEWS_MALLOC_TRIM_SECONDS, which hands those free pages back (about 1.3 ms a call on the
reactor thread with 100 MB of page strings held, measured in a test process). Off on other C libraries (no malloc_trim) and with 0.
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


def malloc_trim() -> Callable[[], int] | None:
    """glibc's malloc_trim(0) as a function, or None where the C library has none."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return lambda: trim(0)


class MallocTrim:
    """Every NEWS_MALLOC_TRIM_SECONDS, free heap memory goes back to the system; counted in
    `news/memory/trims`."""

    def __init__(self, crawler: Crawler, seconds: float, trim: Callable[[], int]) -> None:
        self.stats = crawler.stats
        self.seconds = seconds
        self.trim = trim
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "MallocTrim":
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
