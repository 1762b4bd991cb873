"""The exit statuses of `scrapy crawl news` (README, "Exit statuses"), and how a crawl's end maps to one."""

from __future__ import annotations

from typing import Any

OK = 0  # the crawl ran to its end; pages that failed are rejects rows
FAILED = 1  # the crawl could not do its job: nothing fetched, store error, already running
USAGE = 2  # a usage or configuration error, found before any request
INTERRUPTED = 3  # stopped by SIGTERM/SIGINT: what was stored is kept

EXIT_STATUSES = {
    OK: "the crawl ran to its end (pages that failed are rejects rows)",
    FAILED: "the crawl could not do its job: no source fetched anything, the store failed, or the same "
            "source is already being crawled into the store",
    USAGE: "a usage or configuration error (unknown spider or argument, bad URL or date, broken sources "
           "file), found before any request; nothing was written",
    INTERRUPTED: "interrupted by SIGTERM or SIGINT: it stopped cleanly and kept what it had stored",
}

FAILING_REASONS = {"store_error", "already_running"}  # finish reasons of a crawl that could not work
USAGE_REASONS = {"config_error"}
INTERRUPT_REASONS = {"shutdown"}  # Scrapy's reason when a signal stopped the engine


ERROR_WORDS = {"dns_error": "DNS lookup failed", "robots_forbidden": "forbidden by robots.txt",
               "fetch_error": "download error"}


def fetched_anything(source_stats: dict[str, Any]) -> bool:
    """True when a source got at least one answer that is not an error (2xx, 3xx, 304) from its
    site, from its `news/sources/<name>/…` stats without the prefix (`responses/<status>`)."""
    for key, value in source_stats.items():
        if key.startswith("responses/") and value and key[len("responses/"):].isdigit():
            if int(key[len("responses/"):]) < 400:
                return True
    return False


def why_nothing(source_stats: dict[str, Any]) -> str:
    """The most frequent download error or HTTP error status of a source that fetched nothing."""
    causes: dict[str, int] = {}
    for key, value in source_stats.items():
        if key.startswith("errors/"):
            reason = key[len("errors/"):]
            causes[ERROR_WORDS.get(reason, reason.replace("_", " "))] = value
        elif key.startswith("responses/") and key[len("responses/"):].isdigit():
            causes[f"HTTP {key[len('responses/'):]}"] = value
    if not causes:
        return "no request was made"
    return max(causes.items(), key=lambda item: item[1])[0]


def run_outcome(finish_reason: str | None, sources_fetched: dict[str, bool]) -> int:
    """The exit status of a crawl that closed with `finish_reason`, whose sources fetched
    something (True) or nothing (False)."""
    if finish_reason in INTERRUPT_REASONS:
        return INTERRUPTED
    if finish_reason in USAGE_REASONS:
        return USAGE
    if finish_reason in FAILING_REASONS:
        return FAILED
    if not sources_fetched or not any(sources_fetched.values()):
        return FAILED
    return OK
