"""Per-source crawl health: extraction fill rates of a run, compared with the source's previous
runs, to catch a site that changed its layout and silently broke (bodies suddenly empty, no dates)."""

from __future__ import annotations

from typing import Any

MIN_PAGES = 3  # rates from fewer extracted pages are not compared
DROP = 0.5  # a rate below half of its usual value is a sharp drop
RATES = ("article_rate", "author_rate", "date_rate", "full_body_rate")


def health_of(source_stats: dict[str, int]) -> dict[str, Any]:
    """Rates of one run for one source, from its `news/sources/<name>/…` stats (without prefix).

    article_rate: article pages that gave a usable article (not too short, with a title);
    author_rate / date_rate: articles with authors / a published date; full_body_rate: articles
    whose body is not suspiciously short. A run with fewer than MIN_PAGES article pages (an
    incremental run with little new) is computed all the same and carries a `note` saying it
    was too little to judge; readers then show the health of the source's last judged run."""
    articles = source_stats.get("extracted/articles", 0)
    failed = source_stats.get("rejected/too_short", 0) + source_stats.get("rejected/no_title", 0)
    pages = articles + failed
    health: dict[str, Any] = {"pages": pages, "articles": articles}
    if pages < MIN_PAGES:  # an incremental run that found little new: its rates are not a verdict
        unchanged = source_stats.get("incremental/skipped_stored", 0) + source_stats.get("incremental/not_modified", 0)
        health["note"] = (f"not judged: {pages or 'no'} article page{'' if pages == 1 else 's'} fetched"
                          + (" (no change)" if not pages and unchanged else ""))
    if pages:
        health["article_rate"] = round(articles / pages, 3)
    if articles:
        health["author_rate"] = round(source_stats.get("extracted/with_authors", 0) / articles, 3)
        health["date_rate"] = round(source_stats.get("extracted/with_published", 0) / articles, 3)
        health["full_body_rate"] = round(1 - source_stats.get("extracted/short_body", 0) / articles, 3)
    return health


def health_warning(current: dict[str, Any], previous: list[dict[str, Any]]) -> str | None:
    """A one-line warning when a rate of this run dropped sharply against the source's earlier runs
    (their mean, over runs that extracted enough pages); None when healthy or not comparable."""
    if current.get("pages", 0) < MIN_PAGES:
        return None
    history = [h for h in previous if h.get("pages", 0) >= MIN_PAGES]
    if not history:
        return None
    drops = []
    for rate in RATES:
        earlier = [h[rate] for h in history if rate in h]
        if not earlier or rate not in current:  # no articles: only article_rate speaks
            continue
        usual = sum(earlier) / len(earlier)
        now = current[rate]
        if usual >= 0.2 and now < usual * DROP:
            drops.append(f"{rate} {usual:.2f} -> {now:.2f}")
    return "possible layout change: " + ", ".join(drops) if drops else None
