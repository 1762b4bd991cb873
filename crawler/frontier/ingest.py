"""`news-store --db news.db ingest redis://HOST:PORT/DB`: the one writer of a crawl whose workers
share a Redis frontier (#16). It publishes the store's state for the workers (crawler.frontier.records),
reads their records from the stream with a consumer group (its own pending entries first, after a
restart), stores each batch through the same rules as a one-machine crawl (crawler.rules: dedupe,
cluster, rows; storage.StoreWriter), acknowledges entries only after the SQLite transaction
committed, writes the crawl_runs rows from the workers' summed stats, cleans its keys and exits 0
once every crawl it saw is finished and every record is stored.

Registered in `news-store` through the `news_store.commands` entry point (pyproject.toml), so
storage/ imports nothing of crawler/.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from dataclasses import fields
from typing import Any
from urllib.parse import urlsplit

import click
from redis import Redis, RedisError
from redis.exceptions import ResponseError

from crawler import settings as defaults
from crawler.extensions.crawl_runs import source_row
from crawler.frontier.records import (CRAWLS, FINISHED, MEMORY, READY, RECENT, REJECTED, STATE_KEYS, STORED, STREAM,
                                      PREFIX, VALIDATORS, alive_key, dumps, runs_key, start_key, workers_key)
from crawler.items import CrawledArticle
from crawler.rules import Cluster, Dedupe, Rows
from storage.store import StoreError
from storage.writer import StoreWriter

logger = logging.getLogger(__name__)
GROUP = CONSUMER = "writer"  # one writer: a restarted one reads its own pending entries first
READ_COUNT = 200  # stream entries per batch (one SQLite transaction)
BLOCK_MS = 500
PROGRESS_SECONDS = 5.0
BASELINE = f"{PREFIX}:baseline"  # the store's articles per source as the writer first started
PUBLISH_CHUNK = 1000
ITEM_FIELDS = {f.name for f in fields(CrawledArticle)} - {"cluster_id", "replaces", "minhash", "minhash_bands"}
SUMMED_TIMES = {"start_time": min, "finish_time": max}


def counts_key(crawl: str) -> str:
    return f"news:records:counts:{crawl}"


class Counts:
    """A stats collector for the rules (`inc_value`), per crawl, with the delta since the last commit."""

    def __init__(self) -> None:
        self.crawl = ""
        self.total: dict[str, Counter] = {}
        self.delta: dict[str, Counter] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.total.setdefault(self.crawl, Counter())[key] += count
        self.delta.setdefault(self.crawl, Counter())[key] += count

    def get_value(self, key: str, default: int = 0) -> int:
        return self.total.get(self.crawl, Counter()).get(key, default)

    def of(self, crawl: str) -> Counter:
        return self.total.get(crawl, Counter())

    def everything(self) -> Counter:
        return sum(self.total.values(), Counter())


class Ingest:
    """The writer's loop over one store and one Redis database."""

    def __init__(self, db_path: str, url: str, neardup: bool = True,
                 threshold: float = defaults.NEWS_NEARDUP_THRESHOLD) -> None:
        self.db_path, self.url = db_path, url
        self.server = Redis.from_url(url)
        self.writer = StoreWriter(db_path)
        self.counts = Counts()
        self.dedupe = Dedupe(self.writer, self.counts)
        self.cluster = Cluster(self.writer, self.counts, threshold) if neardup else None
        self.started: set[str] = set()  # crawls whose `running` rows are written
        self.waiting_logged = False
        self.next_progress = 0.0

    async def run(self) -> None:
        await self.writer.open()
        try:
            await self.publish()
            self._group()
            await self._loop()
        finally:
            await self.writer.close()

    # --- the store's state, for the workers ------------------------------------------------------

    async def publish(self) -> None:
        """Stored stories and aliases, settled rejects, validators, sources' memory, recent stories."""
        state = await self.writer._run(self._snapshot)
        with self.server.pipeline(transaction=False) as pipe:
            for key, mapping in state["hashes"].items():
                items = list(mapping.items())
                for start in range(0, len(items), PUBLISH_CHUNK):
                    pipe.hset(key, mapping=dict(items[start:start + PUBLISH_CHUNK]))
            pipe.set(READY, dumps({"was_empty": state["was_empty"], "had_articles": state["had_articles"]}))
            # the store's rows per source before this writer's crawl; a restarted writer keeps the first one
            pipe.set(BASELINE, dumps(state["baseline"]), nx=True)
            pipe.execute()
        logger.info("ingest: published the state of %s to %s (%d stories and aliases, %d rejects, %d validators)",
                    self.writer.resolved_path, self.url, len(state["hashes"][STORED]), len(state["hashes"][REJECTED]),
                    len(state["hashes"][VALIDATORS]))

    def _snapshot(self) -> dict[str, Any]:
        """In the writer's thread: what the workers may ask, read off the store in a few queries."""
        store = self.writer.store
        db = store.db
        columns = ("url", "published_at", "modified_at", "fetched_at", "content_hash")
        stored: dict[str, str] = {}
        rows = db.execute("SELECT url, url, published_at, modified_at, fetched_at, content_hash FROM articles "
                          "UNION ALL SELECT aliases.url, a.url, a.published_at, a.modified_at, a.fetched_at, "
                          "a.content_hash FROM aliases JOIN articles a ON a.url = aliases.article_url")
        for row in rows:
            stored.setdefault(row[0], dumps(dict(zip(columns, row[1:]))))
        rejected = dict(db.execute("SELECT url, reason FROM rejects WHERE id IN "
                                   "(SELECT max(id) FROM rejects GROUP BY url)").fetchall())
        validators = {url: dumps([etag, modified]) for url, etag, modified in
                      db.execute("SELECT url, etag, last_modified FROM http_validators").fetchall()}
        recent: dict[str, list] = {}
        for url, source, published in db.execute("SELECT url, source, published_at FROM articles "
                                                 "WHERE published_at IS NOT NULL AND source IS NOT NULL"):
            recent.setdefault(source, []).append([url, published])
        names = [name for (name,) in db.execute("SELECT source FROM crawl_runs UNION SELECT source FROM "
                                                "source_boilerplate") if name]
        memory = {}
        for name in names:
            last = next((run for run in store.runs(source=name, limit=5) if run.finished_at), None)
            memory[name] = dumps({"boilerplate": store.boilerplate(name),
                                  "last_incomplete": last.incomplete if last else None,
                                  "last_finished": last is not None})
        baseline = dict(db.execute("SELECT coalesce(source, ''), count(*) FROM articles GROUP BY 1").fetchall())
        return {"was_empty": self.writer.was_empty, "had_articles": self.writer.had_articles, "baseline": baseline,
                "hashes": {STORED: stored, REJECTED: rejected, VALIDATORS: validators, MEMORY: memory,
                           RECENT: {name: dumps(stories) for name, stories in recent.items()}}}

    # --- the records ---------------------------------------------------------------------------

    def _group(self) -> None:
        try:
            self.server.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def _loop(self) -> None:
        pending = True  # a restarted writer first reads what it was given and never acknowledged
        while True:
            entries = self._read("0" if pending else ">", None if pending else BLOCK_MS)
            if pending and not entries:
                pending = False
                continue
            if entries:
                await self._store(entries)
            await self._start_runs()
            self._progress()
            if not entries and self._finished():
                if self._read(">", None):  # a last look: a record sent just before its worker left
                    continue
                await self._finish()
                return

    def _read(self, last: str, block: int | None) -> list:
        answer = self.server.xreadgroup(GROUP, CONSUMER, {STREAM: last}, count=READ_COUNT, block=block)
        return answer[0][1] if answer else []

    async def _store(self, entries: list) -> None:
        """One SQLite transaction for a batch of entries; acknowledged (and deleted) after it commits."""
        out: dict[str, Any] = {"articles": [], "rejects": [], "updates": [], "aliases": [], "bands": {}}
        validators: list[dict[str, Any]] = []
        boilerplate: dict[str, str] = {}
        for _, entry in entries:
            try:
                record = json.loads(entry[b"r"])
            except (KeyError, ValueError) as exc:
                logger.warning("ingest: skipped an unreadable record: %s", exc)
                self.counts.inc_value("news/ingest/unreadable")
                continue
            self.counts.crawl = record.get("crawl", "")
            kind = record.get("kind")
            if kind == "batch":
                await self._batch(record["batch"], out)
            elif kind == "validators":
                validators.extend(record["rows"])
            elif kind == "boilerplate":
                boilerplate[record["source"]] = record["blocks"]
            else:
                logger.warning("ingest: skipped a record of unknown kind %r", kind)
                self.counts.inc_value("news/ingest/unreadable")
        if any(out[kind] for kind in ("articles", "rejects", "updates", "aliases")):
            added = await self.writer.write_batch(out)
            self.counts.crawl = ""
            self.counts.inc_value("news/ingest/batches")
            if added < len(out["articles"]):
                self.counts.inc_value("news/duplicates/stored", len(out["articles"]) - added)
        if validators:
            await self.writer.save_validators(validators)
        for source, blocks in boilerplate.items():
            await self.writer.save_boilerplate(source, blocks)
        with self.server.pipeline() as pipe:  # after the commit: a writer killed before it stores them again
            for crawl, delta in self.counts.delta.items():
                for key, value in delta.items():
                    pipe.hincrby(counts_key(crawl), key, value)
            ids = [entry_id for entry_id, _ in entries]
            pipe.xack(STREAM, GROUP, *ids).xdel(STREAM, *ids)
            pipe.execute()
        self.counts.delta = {}

    async def _batch(self, batch: dict[str, Any], out: dict[str, Any]) -> None:
        """A worker's rows through the one-machine rules: dedupe against the store and this crawl
        (every worker's records), then the near-duplicate cluster, then the rows."""
        aliases = list(batch.get("aliases", ()))
        for row in [*batch.get("articles", ()), *batch.get("updates", ())]:
            item = CrawledArticle(**{key: value for key, value in row.items() if key in ITEM_FIELDS})
            self.counts.inc_value("news/ingest/articles")
            duplicate = await self.dedupe.check(item)
            if duplicate is not None:
                moved = [alias for alias in aliases if alias["article_url"] == item.url]
                aliases = [alias for alias in aliases if alias["article_url"] != item.url]
                target = duplicate.alias_of or item.url
                out["aliases"].extend(Rows.alias(item.url, duplicate.alias_of, "same_story"))
                for alias in moved:
                    out["aliases"].extend(Rows.alias(alias["url"], target, alias["reason"]))
                logger.debug("ingest: %s", duplicate.message)
                continue
            if self.cluster is not None:
                await self.cluster.assign(item)
            out["updates" if item.replaces else "articles"].append(Rows.article(item))
            if item.minhash_bands:
                out["bands"][item.url] = [tuple(band) for band in item.minhash_bands]
            self.counts.inc_value("news/stored/updated" if item.replaces else "news/stored/new")
            if item.source:
                key = "updated" if item.replaces else "new"
                self.counts.inc_value(f"news/sources/{item.source}/stored/{key}")
        out["aliases"].extend(aliases)
        for reject in batch.get("rejects", ()):
            out["rejects"].append(reject)
            self.counts.inc_value("news/ingest/rejects")

    # --- the crawl's runs and its end ------------------------------------------------------------

    async def _start_runs(self) -> None:
        """The `running` crawl_runs rows of a crawl the writer sees for the first time."""
        for crawl in sorted(member.decode() for member in self.server.smembers(CRAWLS)):
            if crawl in self.started:
                continue
            start = self.server.get(start_key(crawl))
            if start is None:
                continue
            start = json.loads(start)
            if start["sources"]:
                await self.writer.start_runs(start["run_id"], start["sources"], start["started_at"])
            self.started.add(crawl)
            logger.info("ingest: crawl %s started (run %s, sources %s)", crawl, start["run_id"],
                        ", ".join(start["sources"]))

    def _finished(self) -> bool:
        """Every crawl seen is finished (the frontier said so) and each of its workers said goodbye
        or stopped beating (killed): what they sent is in the stream."""
        crawls = [member.decode() for member in self.server.smembers(CRAWLS)]
        if not crawls:
            if not self.waiting_logged:
                logger.info("ingest: waiting for a crawl on %s", self.url)
                self.waiting_logged = True
            return False
        for crawl in crawls:
            if not self.server.sismember(FINISHED, crawl):
                return False
            workers = self.server.smembers(workers_key(crawl))
            if workers and any(self.server.exists(alive_key(worker.decode())) for worker in workers):
                return False
        return True

    async def _finish(self) -> None:
        crawls = sorted(member.decode() for member in self.server.smembers(CRAWLS))
        for crawl in crawls:
            await self._finish_runs(crawl)
        keys = [STREAM, CRAWLS, FINISHED, BASELINE, *STATE_KEYS, counts_key("")]
        for crawl in crawls:
            keys += [workers_key(crawl), runs_key(crawl), start_key(crawl), counts_key(crawl)]
        self.server.delete(*keys)
        total = self.counts.everything()
        logger.info("ingest: done: %d articles stored new, %d updated, %d duplicates, %d rejects; Redis keys cleaned",
                    total["news/stored/new"], total["news/stored/updated"],
                    sum(v for k, v in total.items() if k.startswith("news/duplicates/")), total["news/ingest/rejects"])

    async def _finish_runs(self, crawl: str) -> None:
        """The crawl_runs rows: every worker's stats summed, the stored and duplicate counts the writer's."""
        start = self.server.get(start_key(crawl))
        if start is None:
            return
        start = json.loads(start)
        sources = start["sources"]
        if not sources:
            return
        stats: dict[str, Any] = {}
        reasons = []
        for value in self.server.hgetall(runs_key(crawl)).values():
            worker = json.loads(value)
            for key, number in worker["stats"].items():
                if key in SUMMED_TIMES:
                    stats[key] = SUMMED_TIMES[key](stats.get(key, number), number)
                elif isinstance(number, (int, float)) and not isinstance(number, bool):
                    stats[key] = stats.get(key, 0) + number  # a worker stores nothing: no stored/ count of its own
                else:
                    stats.setdefault(key, number)
            reasons.append(worker["stats"].get("finish_reason", "finished"))
        for key, value in self.server.hgetall(counts_key(crawl)).items():  # the writer's own, kept across restarts
            if key.startswith((b"news/stored/", b"news/duplicates/", b"news/sources/")):
                stats[key.decode()] = stats.get(key.decode(), 0) + int(value)
        await self._stored_new_from_store(stats, sources)
        stats["finish_reason"] = "finished" if "finished" in reasons or not reasons else reasons[0]
        times = {"started_at": start["started_at"], "finished_at": stats.get("finish_time") or start["started_at"]}

        def row(source: str, previous: list[dict[str, Any]]) -> dict[str, Any]:
            return source_row(stats, source, sources, stats["finish_reason"], times, previous)
        for run in await self.writer.finish_runs(start["run_id"], sources, row):
            logger.info("crawl run %s (%s): %s, %d new, %d rejected", run.run_id, run.source, run.finish_reason,
                        run.stored_new, run.rejected)

    async def _stored_new_from_store(self, stats: dict[str, Any], sources: list[str]) -> None:
        """New rows as the store counts them (rows now less rows before the crawl), not as this
        writer counted them: a writer killed after a batch's commit and before its count reached
        Redis stores that batch's entries again as duplicates on restart, and would count them short."""
        baseline = json.loads(self.server.get(BASELINE) or b"{}")
        now = dict(await self.writer._run(lambda: self.writer.store.db.execute(
            "SELECT coalesce(source, ''), count(*) FROM articles GROUP BY 1").fetchall()))
        stats["news/stored/new"] = sum(now.values()) - sum(baseline.values())
        for source in sources:
            stats[f"news/sources/{source}/stored/new"] = now.get(source, 0) - baseline.get(source, 0)

    def _progress(self) -> None:
        now = time.monotonic()
        if now < self.next_progress:
            return
        self.next_progress = now + PROGRESS_SECONDS
        total = self.counts.everything()
        logger.info("ingest: %d stored, %d duplicates, %d rejects; lag %d records",
                    total["news/stored/new"] + total["news/stored/updated"],
                    sum(v for k, v in total.items() if k.startswith("news/duplicates/")),
                    total["news/ingest/rejects"], self.server.xlen(STREAM))


def _redis_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("redis", "rediss", "unix") or (parts.scheme != "unix" and not parts.hostname):
        raise click.BadParameter(f"{value!r} is not a Redis URL (redis://HOST:PORT/DB)", ctx, param)
    try:
        Redis.from_url(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r}: {exc}", ctx, param) from exc
    return value


@click.command()
@click.argument("redis_url", callback=_redis_url, metavar="REDIS_URL")
@click.option("--no-neardup", is_flag=True, help="Do not cluster near-duplicates (NEWS_NEARDUP = False).")
@click.pass_context
def ingest(ctx: click.Context, redis_url: str, no_neardup: bool) -> None:
    """Store the records of workers sharing a Redis frontier (the crawl's one writer).

    \b
    Example:
        news-store --db news.db ingest redis://127.0.0.1:6379/0
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    try:
        Redis.from_url(redis_url).ping()
    except RedisError as exc:
        raise click.ClickException(f"cannot reach Redis at {redis_url}: {exc}") from exc
    try:
        asyncio.run(Ingest(ctx.obj, redis_url, neardup=not no_neardup and defaults.NEWS_NEARDUP).run())
    except RedisError as exc:
        raise click.ClickException(f"lost Redis at {redis_url}: {exc} (start the writer again: nothing is lost)")
    except (StoreError, OSError) as exc:
        raise click.ClickException(f"cannot write the store {ctx.obj}: {exc}") from exc
