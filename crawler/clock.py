"""The crawl's one clock: UTC times as ISO 8601 text, in one form everywhere they are stored."""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> str:
    """Now in UTC, to the second: `2026-12-07T10:20:00+00:00` (fetched_at, seen_at, checked_at)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
