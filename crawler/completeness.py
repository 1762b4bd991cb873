"""Was a source's crawl complete? Every cut that may have hidden stories, named with its count.

Read from the source's `news/sources/<name>/…` stats (without the prefix), so it is the same for a
one-source and a many-source crawl. Stopping listings that only repeat known stories
(`listing/stopped/caught_up`) or only fail (`dead`) misses nothing and is not a cut.
"""

from __future__ import annotations

# reject reasons of pages that may exist but could not be fetched or read this time
FETCH_ERRORS = ("timeout", "dns_error", "connection_refused", "fetch_error", "truncated", "cancelled",
                "http_429", "extract_timeout", "worker_crashed", "extract_error")


def _fetch_errors(stats: dict[str, int]) -> dict[str, int]:
    errors = {}
    for key, value in stats.items():
        if not key.startswith("rejected/") or not isinstance(value, int):
            continue
        reason = key.removeprefix("rejected/")
        if reason in FETCH_ERRORS or (reason.startswith("http_5") and reason[5:].isdigit()):
            errors[reason] = value
    return dict(sorted(errors.items()))


# cuts a later crawl can make good by walking listings past stories it stored (traps and robots.txt
# cut again; failed pages are fetched again when a listing or discovery meets them)
RESUMABLE = ("max_pages", "unproven_links", "depth")


def resumable(incomplete: str | None) -> bool:
    """True when a run's `incomplete` text names a cut that the next run should go past."""
    names = {part.strip().split(" ", 1)[0] for part in (incomplete or "").split(";")}
    return bool(names & set(RESUMABLE))


def cuts_of(stats: dict[str, int]) -> dict[str, int]:
    """The cuts of one source's crawl: name -> count (only the non-zero ones)."""
    cuts = {
        "max_pages": stats.get("budget/exhausted", 0),
        "trap_cut": stats.get("listing/stopped/trap", 0),
        "trap_links": stats.get("listing/skipped/trap", 0),
        "unproven_links": stats.get("listing/held", 0) + stats.get("listing/skipped/backlog_full", 0),
        "depth": stats.get("cut/depth", 0),
        "robots": stats.get("rejected/robots_forbidden", 0),
        "fetch_errors": sum(_fetch_errors(stats).values()),
    }
    return {name: count for name, count in cuts.items() if count}


def completeness(stats: dict[str, int]) -> tuple[bool, str | None]:
    """(complete, why not) for one source's stats: e.g. (False, "max_pages 500; trap_cut 1
    (/events?day&month: 12 links not followed); fetch_errors 3 (http_500 1, timeout 2)")."""
    cuts = cuts_of(stats)
    if not cuts:
        return True, None
    parts = []
    for name, count in cuts.items():
        if name == "trap_links":
            continue
        text = f"{name} {count}"
        if name == "trap_cut":
            shapes = ", ".join(sorted(k.removeprefix("listing/trap_shape/") for k in stats
                                      if k.startswith("listing/trap_shape/")))
            links = cuts.get("trap_links", 0)
            text += f" ({shapes + ': ' if shapes else ''}{links} links not followed)"
        elif name == "fetch_errors":
            text += " (" + ", ".join(f"{k} {v}" for k, v in _fetch_errors(stats).items()) + ")"
        parts.append(text)
    return False, "; ".join(parts)
