"""The records side of a Redis crawl (#16 phase 2): workers write no SQLite file; they send what
they would store to one writer (`news-store ingest`, crawler.frontier.ingest) through Redis, and
read the store's state that writer published. Keys, under `news:records` (one writer per Redis DB):

    :ready        the writer published the store's state (JSON: was_empty, had_articles)
    :stored       canonical URL (or alias) -> JSON of the stored story it is
    :rejected     URL -> reason of its latest reject
    :validators   URL -> JSON [ETag, Last-Modified]
    :memory       source -> JSON of its SourceMemory (boilerplate, last run's completeness)
    :recent       source -> JSON [[url, published_at], ...] of its stored stories
    :stream       the records: article batches (with MinHash bands), rejects, aliases, boilerplate,
                  validators; read by the writer's consumer group, deleted once stored
    :crawls       the crawls (frontier prefixes) workers opened
    :workers:<crawl>  the workers of a crawl that have not said goodbye
    :alive:<worker>   a worker's heartbeat (expires when it is killed)
    :runs:<crawl>     worker -> JSON of its final stats (the writer sums them into crawl_runs rows)
    :start:<crawl>    JSON {run_id, sources, started_at} of the crawl's first worker
    :finished     the crawls whose frontier finished (added by the frontier's STATUS script)
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from redis import Redis, RedisError

from storage.writer import Seen, SourceMemory

logger = logging.getLogger(__name__)
T = TypeVar("T")

PREFIX = "news:records"
STREAM = f"{PREFIX}:stream"
READY = f"{PREFIX}:ready"
STORED, REJECTED, VALIDATORS = f"{PREFIX}:stored", f"{PREFIX}:rejected", f"{PREFIX}:validators"
MEMORY, RECENT = f"{PREFIX}:memory", f"{PREFIX}:recent"
CRAWLS, FINISHED = f"{PREFIX}:crawls", f"{PREFIX}:finished"
STATE_KEYS = (READY, STORED, REJECTED, VALIDATORS, MEMORY, RECENT)
ALIVE_SECONDS = 10  # a worker whose heartbeat is this old is dead (killed): the writer stops waiting for it
HEARTBEAT_SECONDS = 2.0
WAIT_LOG_SECONDS = 0.5  # how often a worker looks for the writer's state


def workers_key(crawl: str) -> str:
    return f"{PREFIX}:workers:{crawl}"


def alive_key(worker: str) -> str:
    return f"{PREFIX}:alive:{worker}"


def runs_key(crawl: str) -> str:
    return f"{PREFIX}:runs:{crawl}"


def start_key(crawl: str) -> str:
    return f"{PREFIX}:start:{crawl}"


def json_default(value: Any) -> Any:
    """JSON for the few non-JSON values of a record or a stats dict (datetimes, tuples of bands)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot send {type(value).__name__} to the writer")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=json_default)


def wait_for_writer(server: Redis, where: str) -> dict[str, Any]:
    """Block until the writer published the store's state (logging once); its `ready` JSON."""
    logged = False
    while True:
        ready = server.get(READY)
        if ready is not None:
            return json.loads(ready)
        if not logged:
            logger.info("waiting for the writer (news-store --db PATH ingest %s) to publish the store's state", where)
            logged = True
        time.sleep(WAIT_LOG_SECONDS)


def crawl_finished(server: Redis, crawl: str) -> bool:
    """True when the crawl's frontier finished and its writer has not cleaned up yet."""
    return bool(server.sismember(FINISHED, crawl))


class RedisWriter:
    """A worker's store backend: StoreWriter's surface over Redis. Reads come from the state the
    writer published (HMGET per batch); writes are records on the stream (XADD). Every call runs
    in one thread of its own, in order, so the event loop never waits for Redis."""

    def __init__(self, url: str, crawl: Callable[[], str], worker: str, stats: Any = None) -> None:
        self.url, self.worker, self.stats = url, worker, stats
        self._crawl = crawl  # the frontier's prefix of this crawl, known once the spider exists
        self.crawl = ""
        self.server: Redis | None = None
        self.was_empty = True
        self.had_articles = False
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="news-records")
        self._heartbeat: asyncio.Task | None = None
        self._final_stats: dict[str, Any] | None = None
        self.sent = 0

    def _run(self, function: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        return asyncio.wrap_future(self._thread.submit(self._guarded, function, *args))

    @staticmethod
    def _guarded(function: Callable[..., T], *args: Any) -> T:
        try:
            return function(*args)
        except RedisError as exc:  # the crawl's store errors are OSError / sqlite3.Error
            raise OSError(f"Redis: {exc}") from exc

    @property
    def resolved_path(self) -> str:
        return f"the writer through {self.url}"

    async def open(self) -> None:
        """Connect, wait for the writer's state, register this worker of the crawl."""
        self.crawl = self._crawl()

        def opening() -> None:
            self.server = Redis.from_url(self.url)
            ready = wait_for_writer(self.server, self.url)
            self.was_empty, self.had_articles = bool(ready["was_empty"]), bool(ready["had_articles"])
            with self.server.pipeline() as pipe:
                pipe.sadd(CRAWLS, self.crawl).sadd(workers_key(self.crawl), self.worker)
                pipe.set(alive_key(self.worker), 1, ex=ALIVE_SECONDS).execute()
        await self._run(opening)
        self._heartbeat = asyncio.ensure_future(self._beat())

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                await self._run(lambda: self.server.set(alive_key(self.worker), 1, ex=ALIVE_SECONDS))
            except OSError as exc:
                logger.warning("could not renew this worker's heartbeat: %s", exc)

    async def close(self) -> None:
        """Say goodbye: this worker's final stats for the crawl_runs rows, after its last records."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        if self.server is not None:
            def goodbye() -> None:
                with self.server.pipeline() as pipe:
                    if self._final_stats is not None:
                        pipe.hset(runs_key(self.crawl), self.worker, dumps(self._final_stats))
                    pipe.srem(workers_key(self.crawl), self.worker).delete(alive_key(self.worker))
                    pipe.execute()
            await self._run(goodbye)
        self._thread.shutdown(wait=True)

    # --- reads, batched ------------------------------------------------------------------

    async def seen_before(self, urls: Iterable[str], canonical: Callable[[str], str]) -> Seen:
        urls = list(urls)

        def lookup() -> Seen:
            keys = [canonical(url) for url in urls]
            found = {url: json.loads(value) for url, value in zip(urls, self.server.hmget(STORED, keys)) if value}
            others = [url for url in urls if url not in found]
            rejected = {url: value.decode() for url, value in zip(others, self.server.hmget(REJECTED, others) if others
                                                                  else []) if value}
            return Seen(found, rejected)
        return await self._run(lookup)

    async def validators(self, urls: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        urls = list(urls)
        found = await self._run(self.server.hmget, VALIDATORS, urls)
        return {url: tuple(json.loads(value)) for url, value in zip(urls, found) if value}

    async def story(self, url: str, content_hash: str | None,
                    this_run: bool = False) -> tuple[dict[str, Any] | None, str | None]:
        return None, None  # dedupe against the store is the writer's job

    async def near_candidates(self, bands: list[tuple[int, int]], limit: int,
                              this_run: bool = False) -> list[tuple[int, str, int | None]]:
        return []  # clustering against the store is the writer's job

    async def article(self, url: str) -> None:
        return None

    async def cluster_of(self, url: str) -> None:
        return None

    async def recent_urls(self, source: str, since: datetime) -> list[str]:
        value = await self._run(self.server.hget, RECENT, source)
        stories = json.loads(value) if value else []
        return [url for url, published in sorted(stories, key=lambda s: s[1], reverse=True) if _after(published, since)]

    async def memory(self, sources: Iterable[str]) -> dict[str, SourceMemory]:
        sources = list(sources)
        found = await self._run(self.server.hmget, MEMORY, sources)
        return {name: SourceMemory(**json.loads(value)) if value else SourceMemory()
                for name, value in zip(sources, found)}

    # --- writes: records on the stream ------------------------------------------------------

    def _send(self, kind: str, body: dict[str, Any]) -> None:
        record = dumps({"kind": kind, "crawl": self.crawl, "worker": self.worker, **body})
        self.server.xadd(STREAM, {"r": record})
        self.sent += 1

    async def write_batch(self, batch: dict[str, Any]) -> int:
        """Send a batch of rows to the writer; returns once it is in Redis (0: nothing stored here)."""
        await self._run(self._send, "batch", {"batch": batch})
        return 0

    async def save_validators(self, rows: list[dict[str, Any]]) -> None:
        await self._run(self._send, "validators", {"rows": rows})

    async def save_boilerplate(self, source: str, blocks: str) -> None:
        await self._run(self._send, "boilerplate", {"source": source, "blocks": blocks})

    async def start_runs(self, run_id: str, sources: list[str], started_at: str) -> None:
        """The crawl's `running` rows are the writer's: the first worker's run id and start."""
        start = dumps({"run_id": run_id, "sources": list(sources), "started_at": started_at})
        await self._run(self.server.set, start_key(self.crawl), start, None, None, True)

    async def finish_runs(self, run_id: str, sources: list[str], row: Callable[..., Any]) -> list:
        """Keep this worker's final stats; sent with its goodbye (close), after its last records.
        The writer sums every worker's into the crawl_runs rows."""
        stats = self.stats.get_stats() if self.stats is not None else {}
        self._final_stats = {"sources": list(sources),
                             "stats": {key: value for key, value in stats.items()
                                       if isinstance(value, (int, float, str, datetime))}}
        return []


def _after(published: str, since: datetime) -> bool:
    try:
        moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=since.tzinfo)
    return moment >= since
