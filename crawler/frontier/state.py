"""What a page request carries between workers besides itself: the discovery hints (feed, sitemap
and WordPress REST dates, authors...) the news spider gathered for its URL. The worker that found
the URL attaches them to the request it pushes; the worker that leases it merges them into its own
state for the source, so extraction gets them wherever the page is fetched."""

from __future__ import annotations

from scrapy import Request, Spider

from crawler.urls import canonical_url

HINTS_META = "frontier_hints"


def _site(spider: Spider, request: Request):
    """The spider's state of the request's source, or None (another spider, an unknown source)."""
    return (getattr(spider, "sites", None) or {}).get(request.meta.get("site"))


def attach_hints(spider: Spider, request: Request) -> None:
    """Put the hints gathered for the request's URL into its meta, before it leaves this worker."""
    site = _site(spider, request)
    hints = site.hints_by_url.get(canonical_url(request.url)) if site is not None else None
    if hints:
        request.meta[HINTS_META] = dict(hints)


def restore_hints(spider: Spider, request: Request) -> None:
    """Merge the hints a leased request carries into this worker's state of its source."""
    hints = request.meta.pop(HINTS_META, None)
    site = _site(spider, request)
    if hints and site is not None:
        site.remember(request.url, hints)
