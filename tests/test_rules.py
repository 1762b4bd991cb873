"""The store rules (crawler.rules) run without Scrapy's crawler over a real SQLite file, as #16's
one writer will run them over records read from elsewhere; the store's lookups are batched and
run in the writer's thread."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from pathlib import Path

from crawler.items import CrawledArticle
from crawler.rules import Cluster, Dedupe, Rows
from storage import Store
from storage.writer import StoreWriter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "neardup"


class Stats(Counter):
    """A stats collector's `inc_value`, enough for the rules."""

    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] += count


def record(url: str, path: str, source: str = "wire", modified_at: str | None = None) -> CrawledArticle:
    body = (FIXTURES / path).read_text("utf-8")
    return CrawledArticle(url=url, title=path, body=body, source=source, content_hash=str(hash(body)),
                          modified_at=modified_at, published_at="2024-05-01T10:00:00+03:00")


async def ingest(db_path: Path, records: list[CrawledArticle], stats: Stats) -> list[str]:
    """Validate-free ingest: dedupe, cluster, rows; one batch written. Returns each record's fate."""
    writer = StoreWriter(db_path)
    await writer.open()
    dedupe, cluster = Dedupe(writer, stats), Cluster(writer, stats)
    batch = {"articles": [], "updates": [], "aliases": [], "rejects": [], "bands": {}}
    fates = []
    for item in records:
        duplicate = await dedupe.check(item)
        if duplicate is not None:
            batch["aliases"] += Rows.duplicate_aliases(item, duplicate.alias_of)
            fates.append("duplicate")
            continue
        await cluster.assign(item)
        batch["updates" if item.replaces else "articles"].append(Rows.article(item))
        batch["bands"][item.url] = item.minhash_bands
        fates.append("update" if item.replaces else "new")
    await writer.write_batch(batch)
    await writer.close()
    return fates


def test_the_rules_store_each_story_once_keep_edits_and_cluster_copies_without_a_crawler(tmp_path):
    db, stats = tmp_path / "news.db", Stats()
    original = "kurdistan-oil/ceyhan-pipeline-restart/wire.txt"
    fates = asyncio.run(ingest(db, [
        record("https://a.example/oil/", original),
        record("https://a.example/oil-copy/", original),  # the same body under another URL
        record("https://b.example/oil/", "kurdistan-oil/ceyhan-pipeline-restart/gulf-business.txt", "b"),  # syndicated
    ], stats))
    assert fates == ["new", "duplicate", "new"]
    edited = record("https://a.example/oil/", "kurdistan-oil/ceyhan-pipeline-restart/erbil-post.txt",
                    modified_at="2024-05-02T09:00:00+03:00")
    again = record("https://a.example/oil-copy/", original)  # a later run meets the alias: no row
    assert asyncio.run(ingest(db, [edited, again], stats)) == ["update", "duplicate"]
    with Store(db) as store:
        rows = {a.url: a for a in store.articles()}
        aliases = store.db.execute("SELECT url, article_url, reason FROM aliases").fetchall()
        revisions = store.db.execute("SELECT url FROM revisions").fetchall()
    assert set(rows) == {"https://a.example/oil/", "https://b.example/oil/"}
    assert aliases == [("https://a.example/oil-copy/", "https://a.example/oil/", "same_story")]
    assert revisions == [("https://a.example/oil/",)]
    assert rows["https://a.example/oil/"].body == edited.body
    assert rows["https://b.example/oil/"].cluster_id == rows["https://a.example/oil/"].cluster_id is not None
    assert stats["news/duplicates/same_body"] == 1 and stats["news/duplicates/stored"] == 1
    assert stats["news/clusters/joined"] == 1


def test_lookups_for_many_urls_are_one_query_per_chunk_in_the_writer_thread(tmp_path):
    db = tmp_path / "news.db"
    urls = [f"https://a.example/story/{i}/" for i in range(1000)]
    with Store(db, write=True) as store:
        store.write_batch([{"url": url, "title": "t", "body": "b", "content_hash": str(i), "source": "a"}
                           for i, url in enumerate(urls[:10])],
                          rejects=[{"url": urls[20], "reason": "http_404"}, {"url": urls[20], "reason": "too_short"}],
                          aliases=[{"url": urls[30], "article_url": urls[0]}])
    with Store(db, write=True) as store:
        statements = []
        store.db.conn.set_trace_callback(statements.append)
        known = store.known_many(urls)
        assert set(known) == set(urls[:10]) | {urls[30]} and known[urls[30]]["url"] == urls[0]
        assert len(statements) == 3  # 1000 URLs, 400 a query
        statements.clear()
        assert store.last_rejects(urls) == {urls[20]: "too_short"} and len(statements) == 3
        statements.clear()
        assert store.validators_many(urls) == {} and len(statements) == 3

    threads = Counter()

    async def lookup():
        writer = StoreWriter(db)
        await writer.open()
        trace = lambda sql: threads.update([threading.current_thread().name])  # noqa: E731
        await writer._run(writer.store.db.conn.set_trace_callback, trace)  # the connection lives in its thread
        seen = await writer.seen_before(urls[:50], lambda url: url)
        await writer.close()
        return seen
    seen = asyncio.run(lookup())
    assert set(seen.stored) == set(urls[:10]) | {urls[30]} and seen.rejected == {urls[20]: "too_short"}
    assert threads and all(name.startswith("news-store") for name in threads)  # no SQL on the event loop's thread
    assert sum(threads.values()) == 2  # stored (with aliases) and rejects: one query each for 50 URLs


def test_a_first_run_longer_than_the_in_memory_window_still_finds_copies_through_the_store(tmp_path):
    """The rules keep only this run's latest articles in memory (crawler.rules.RECENT_ARTICLES: memory
    flat with the site, #19); once they let one go, the store answers for what this run stored,
    even though it was empty at the start (no query per article before that)."""
    db, stats = tmp_path / "news.db", Stats()
    wire = "kurdistan-oil/ceyhan-pipeline-restart/wire.txt"

    async def run() -> list[str]:
        writer = StoreWriter(db)
        await writer.open()
        dedupe, cluster = Dedupe(writer, stats, recent=2), Cluster(writer, stats, recent=2)
        trips = Counter()  # trips to the store's thread (reads: the writes come after them)
        run_in_thread = writer._run

        def counted(function, *args):
            trips["store"] += 1
            return run_in_thread(function, *args)
        writer._run = counted
        fates = []
        for item in [record("https://a.example/oil/", wire),
                     record("https://c.example/payments/", "kurdistan-oil/oil-company-payments/wire.txt", "c"),
                     record("https://x.example/exports/", "kurdistan-oil/somo-monthly-exports/wire.txt", "x"),
                     # a syndicated copy of a.example's story, after a left the window of 2
                     record("https://b.example/oil/", "kurdistan-oil/ceyhan-pipeline-restart/gulf-business.txt", "b"),
                     record("https://d.example/oil/", wire, "d")]:  # a.example's body under another URL
            before = trips["store"]
            duplicate = await dedupe.check(item)
            if duplicate is not None:
                fates.append(f"duplicate of {duplicate.alias_of}")
                continue
            await cluster.assign(item)
            fates.append(f"new ({trips['store'] - before} store reads)")
            # written at once, as a batch reaches the store before the window lets its articles go
            await writer.write_batch({"articles": [Rows.article(item)], "updates": [], "aliases": [], "rejects": [],
                                      "bands": {item.url: item.minhash_bands}})
        await writer.close()
        return fates

    fates = asyncio.run(run())
    # the first two fit the window: the empty store is not asked; the third body hash makes the
    # window let the first go, so from then on the store is asked for this run's rows too (the copy:
    # its URL and body hash, its bands, then the stored body of a.example to compare)
    assert fates == ["new (0 store reads)", "new (0 store reads)", "new (1 store reads)", "new (3 store reads)",
                     "duplicate of https://a.example/oil/"]
    with Store(db) as store:
        rows = {a.url: a for a in store.articles()}
    assert rows["https://b.example/oil/"].cluster_id == rows["https://a.example/oil/"].cluster_id is not None
    assert rows["https://c.example/payments/"].cluster_id != rows["https://a.example/oil/"].cluster_id
    assert stats["news/clusters/joined"] == 1 and stats["news/duplicates/same_body"] == 1
