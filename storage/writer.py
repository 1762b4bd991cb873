"""StoreWriter: the one writing connection of a crawl (or of an ingest), in one thread of its own.

Every call is an awaitable that runs in that thread, in the order the calls were made, so the
event loop never waits for the disk and SQLite sees one connection. Reads come in batches
(`seen_before(urls)`, `validators(urls)`, one query per chunk of URLs), named by what a crawl
needs to know, so another backend (a Redis-published state for workers, #16) can stand in behind
the same methods.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from .records import CrawlRun, StoredArticle
from .store import Store

T = TypeVar("T")


@dataclass
class Seen:
    """What earlier crawls left about some URLs: `stored` (url -> the stored story it is, under
    its own URL or an alias) and `rejected` (url -> reason of its latest reject)."""

    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)


@dataclass
class SourceMemory:
    """What the store keeps of a source for its next crawl: learned boilerplate (JSON) and the
    `incomplete` note of its last finished run (None: complete, or never crawled)."""

    boilerplate: str | None = None
    last_incomplete: str | None = None
    last_finished: bool = False


class StoreWriter:
    """A `Store(path, write=True)` opened, used and closed in one thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.store: Store | None = None
        self.was_empty = True  # no article and no reject when opened: nothing to look up
        self.had_articles = False
        self.wrote_articles = False  # this writer stored an article: this run's rows can answer reads
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="news-store")

    def _run(self, function: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        return asyncio.wrap_future(self._thread.submit(function, *args))

    async def open(self) -> None:
        """Open (create, migrate) the store; raises sqlite3.Error / OSError / StoreError."""
        def opening() -> None:
            self.store = Store.open_for_writing(self.path)
            self.was_empty = self.store.is_empty()
            self.had_articles = not self.was_empty and self.store.has_articles()
        await self._run(opening)

    async def close(self) -> None:
        if self.store is not None:
            await self._run(self.store.close)
            self.store = None
        self._thread.shutdown(wait=True)

    @property
    def resolved_path(self) -> Path:
        return self.path.resolve()

    # --- reads, batched ------------------------------------------------------------------

    async def seen_before(self, urls: Iterable[str], canonical: Callable[[str], str]) -> Seen:
        """Stored stories (by canonical URL or alias) and latest rejects of many URLs, in one
        trip to the thread (the crawl's store component asks nothing of a store that was empty)."""
        urls = list(urls)

        def lookup() -> Seen:
            keys = {url: canonical(url) for url in urls}
            stored = self.store.known_many(keys.values())
            found = {url: stored[key] for url, key in keys.items() if key in stored}
            rejected = self.store.last_rejects([url for url in urls if url not in found])
            return Seen(found, rejected)
        return await self._run(lookup)

    async def validators(self, urls: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        """(ETag, Last-Modified) kept for many URLs: url -> validators (unknown ones left out)."""
        return await self._run(self.store.validators_many, list(urls))

    async def story(self, url: str, content_hash: str | None,
                    this_run: bool = False) -> tuple[dict[str, Any] | None, str | None]:
        """For one new record: what is stored under its URL (or as an alias), and the URL of a
        stored story with the same body hash; one trip. A store empty at the start is asked
        only with `this_run` (for what this run stored)."""
        if self.was_empty and not (this_run and self.wrote_articles):
            return None, None

        def lookup() -> tuple[dict[str, Any] | None, str | None]:
            known = self.store.known_many([url]).get(url)
            same = None if known is not None or not content_hash else \
                self.store.urls_of_hashes([content_hash]).get(content_hash)
            return known, same
        return await self._run(lookup)

    async def near_candidates(self, bands: list[tuple[int, int]], limit: int,
                              this_run: bool = False) -> list[tuple[int, str, int | None]]:
        """Stored articles sharing MinHash bands (none when the store had no article at the
        start, unless `this_run`: then this run's stored articles count)."""
        if not self._readable(this_run):
            return []
        return await self._run(self.store.candidates, bands, limit)

    async def article(self, url: str) -> StoredArticle | None:
        return await self._run(self.store.get, url) if self._readable(True) else None

    async def cluster_of(self, url: str) -> int | None:
        return await self._run(self.store.cluster_of, url) if self._readable(True) else None

    def _readable(self, this_run: bool) -> bool:
        """Whether the articles table may hold an answer: stored before, or by this run when asked."""
        return self.had_articles or (this_run and self.wrote_articles)

    async def recent_urls(self, source: str, since: datetime) -> list[str]:
        return await self._run(self.store.recent_urls, source, since)

    async def memory(self, sources: Iterable[str]) -> dict[str, SourceMemory]:
        """What earlier crawls left for each source (boilerplate, whether the last run finished whole)."""
        sources = list(sources)

        def read() -> dict[str, SourceMemory]:
            found = {}
            for name in sources:
                last = next((run for run in self.store.runs(source=name, limit=5) if run.finished_at), None)
                found[name] = SourceMemory(self.store.boilerplate(name), last.incomplete if last else None,
                                           last is not None)
            return found
        return await self._run(read)

    # --- writes ---------------------------------------------------------------------------

    async def write_batch(self, batch: dict[str, Any]) -> int:
        """One transaction (Store.write_batch); the number of articles added."""
        added = await self._run(lambda: self.store.write_batch(**batch))
        if batch.get("articles") or batch.get("updates"):
            self.wrote_articles = True
        return added

    async def save_validators(self, rows: list[dict[str, Any]]) -> None:
        await self._run(self.store.save_validators, rows)

    async def stage_validators(self, rows: list[dict[str, Any]]) -> None:
        """Validators held in the store's TEMP table until `save_validators` at a clean finish."""
        await self._run(self.store.stage_validators, rows)

    async def save_validators_staged(self, rows: list[dict[str, Any]]) -> None:
        """The last rows staged, then every staged one saved (one thread trip each, in order)."""
        if rows:
            await self._run(self.store.stage_validators, rows)
        await self._run(self.store.save_staged_validators)

    async def save_boilerplate(self, source: str, blocks: str) -> None:
        await self._run(self.store.save_boilerplate, source, blocks)

    async def start_runs(self, run_id: str, sources: list[str], started_at: str) -> None:
        await self._run(self.store.start_runs, run_id, sources, started_at)

    async def finish_runs(self, run_id: str, sources: list[str],
                          row: Callable[[str, list[dict[str, Any]]], dict[str, Any]]) -> list[CrawlRun]:
        """Complete the runs of `sources` in one write transaction: `row(source, previous_healths)`
        gives each source's `record_run` arguments, from the health of its earlier runs."""
        def finish() -> list[CrawlRun]:
            with self.store.writing():
                runs = []
                for source in sources:
                    previous = [run.health for run in self.store.runs(source=source, limit=6) if run.run_id != run_id]
                    runs.append(self.store.record_run(run_id=run_id, source=source, **row(source, previous[:5])))
                return runs
        return await self._run(finish)
