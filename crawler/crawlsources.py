"""CrawlSources: the sources one crawl covers, its configuration error and robots.txt crawl
delays, as one Scrapy component that every other component finds through the crawler:

    sources = crawler.get_extension(CrawlSources)
    sources.names, sources.urls, sources.config_error, sources.crawl_delays

The sources come from the spider's arguments (`-a url=`, `-a source=`, `-a since=`,
`-a source_name=`) and NEWS_SOURCES, resolved once when the crawl is set up.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crawler.sources import Source, SourceError, entry_url, load_sources
from crawler.urls import site_name_of


def select_sources(sources_path: str, url: str | None, source: str | None, since: date | None,
                   source_name: str | None) -> list[Source]:
    """The sources a crawl covers: the `-a url=` site, or the declared ones (`-a source=` picks one);
    raises SourceError with one line for a bad URL or a broken sources file."""
    if url and source:
        raise SourceError(f"-a url={url} and -a source={source}: give one of them (a site, or a declared source)")
    if url:
        url = entry_url(url)
        sources = [Source(name=source_name or site_name_of(url), url=url)]
    else:
        sources = load_sources(sources_path)
        if source:
            picked = [s for s in sources if s.name == source]
            if not picked:
                raise SourceError(f"{sources_path}: no source named '{source}' "
                                  f"(declared: {', '.join(s.name for s in sources)})")
            sources = picked
    for entry in sources:
        entry.since = since or entry.since
    return sources


class CrawlSources:
    """The crawl's sources by name (`sources`), the one-line `config_error` that stops it before
    any request (None when it may run), and `crawl_delays` (host:port -> seconds) read from
    robots.txt during the crawl."""

    def __init__(self, sources: list[Source] | None = None, config_error: str | None = None) -> None:
        self.config_error = config_error
        self.sources: dict[str, Source] = {} if config_error else {s.name: s for s in sources or []}
        self.crawl_delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> "CrawlSources":
        """Resolve the spider's source arguments (a spider without `source_selection()` covers none)."""
        spider = crawler.spider
        selection = getattr(spider, "source_selection", None)
        if selection is None:
            return cls()
        error, arguments = selection()
        if error:
            return cls(config_error=error)
        try:
            return cls(select_sources(crawler.settings.get("NEWS_SOURCES"), **arguments))
        except SourceError as exc:  # reported once by the spider's start(): no request, a failing exit code
            return cls(config_error=str(exc))

    @property
    def runnable(self) -> bool:
        """True when the crawl has sources and no configuration error (its store may be opened)."""
        return not self.config_error and bool(self.sources)

    @property
    def names(self) -> list[str]:
        return list(self.sources)

    @property
    def urls(self) -> dict[str, str]:
        """The sources' home URLs by name."""
        return {name: source.url for name, source in self.sources.items()}

    def crawl_delay(self, host: str) -> float:
        """The robots.txt Crawl-delay of `host` (host:port) in seconds; 0 when none was asked."""
        return self.crawl_delays.get(host, 0.0)


def sources_of(crawler: Any) -> CrawlSources:
    """The crawl's CrawlSources; an empty one when the component is not enabled."""
    try:
        found = crawler.get_extension(CrawlSources)
    except RuntimeError:  # no extension manager (a crawler that was never started)
        found = None
    return found if found is not None else CrawlSources()
