"""CrawlRunsExtension: one crawl_runs row per run and source, from the crawl's stats."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import asyncio

from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler.crawlsources import CrawlSources
from crawler.crawlstore import CrawlStore
from crawler.extensions.crawl_runs import CrawlRunsExtension, new_run_id
from crawler.sources import Source
from storage import Store
from conftest import run_crawl


class FakeNewsSpider(Spider):
    name = "news"


def extension_for(tmp_path, names: list[str], **settings) -> CrawlRunsExtension:
    """The extension with its crawl's sources and store (a real store file; no crawl running)."""
    crawler = get_crawler(FakeNewsSpider, {"NEWS_DB_PATH": str(tmp_path / "news.db"), **settings})
    extension = CrawlRunsExtension.from_crawler(crawler)
    extension.sources = CrawlSources([Source(name=name, url=f"https://{name}.example/") for name in names])
    extension.store = CrawlStore(crawler, str(tmp_path / "news.db"), sources=extension.sources)
    return extension


def run(extension: CrawlRunsExtension, stats: dict, opened: bool = True, reason: str = "finished") -> None:
    """Open (the `running` row), set the stats, close (the finished row), close the store."""
    async def crawl() -> None:
        if opened:
            await extension.spider_opened()
        for key, value in stats.items():
            extension.crawler.stats.set_value(key, value)
        await extension.spider_closed(None, reason)
        await extension.store.spider_closed(None, reason)
    asyncio.run(crawl())


def close_with(tmp_path, stats: dict, **settings) -> CrawlRunsExtension:
    extension = extension_for(tmp_path, ["gulf-wire"], **settings)
    run(extension, stats)
    return extension


def test_a_closing_spider_leaves_one_row_with_its_stats(tmp_path):
    close_with(tmp_path, {
        "start_time": datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc),
        "finish_time": datetime(2024, 5, 1, 10, 2, tzinfo=timezone.utc),
        "finish_reason": "closespider_timeout",
        "news/discovered/sitemap": 12, "news/discovered/feed": 5, "news/discovery/failed/feed": 1,
        "news/pages/fetched": 15, "news/stored/new": 9, "news/stored/updated": 1,
        "news/duplicates/in_run": 2, "news/duplicates/stored": 1,
        "news/rejected/not_article": 3, "news/rejected/http_404": 1,
    }, NEWS_RUN_ID="run-1")
    with Store(tmp_path / "news.db") as store:
        [run] = store.runs()
    assert (run.run_id, run.source, run.finish_reason) == ("run-1", "gulf-wire", "closespider_timeout")
    assert (run.started_at, run.finished_at) == ("2024-05-01T10:00:00+00:00", "2024-05-01T10:02:00+00:00")
    assert (run.discovered, run.fetched, run.stored_new, run.updated, run.duplicates) == (17, 15, 9, 1, 3)
    assert run.rejects == {"http_404": 1, "not_article": 3} and run.rejected == 4
    assert run.stats["news/discovery/failed/feed"] == 1
    assert run.stats["start_time"] == "2024-05-01T10:00:00+00:00"


def test_without_stats_times_it_uses_its_own_and_the_signal_reason(tmp_path):
    extension = close_with(tmp_path, {})
    with Store(tmp_path / "news.db") as store:
        [run] = store.runs()
    assert run.run_id == extension.run_id and run.finish_reason == "finished"
    assert run.started_at <= run.finished_at and run.stored_new == 0 and run.rejects == {}


def test_a_multi_source_crawl_leaves_one_row_per_source_with_its_own_counts(tmp_path):
    extension = extension_for(tmp_path, ["gulf-wire", "tigris-daily"], NEWS_RUN_ID="all")
    run(extension, {
        "news/pages/fetched": 30, "news/stored/new": 20, "news/rejected/not_article": 4,
        "news/sources/gulf-wire/pages/fetched": 10, "news/sources/gulf-wire/stored/new": 8,
        "news/sources/gulf-wire/discovered/feed": 9, "news/sources/gulf-wire/rejected/not_article": 1,
        "news/sources/tigris-daily/pages/fetched": 20, "news/sources/tigris-daily/stored/new": 12,
        "news/sources/tigris-daily/duplicates/in_run": 2, "news/sources/tigris-daily/rejected/not_article": 3,
        "news/sources/tigris-daily/responses/500": 2, "news/responses/500": 2,
        "downloader/request_count": 40, "downloader/response_status_count/500": 2,
    })
    with Store(tmp_path / "news.db") as store:
        runs = {run.source: run for run in store.runs()}
    assert set(runs) == {"gulf-wire", "tigris-daily"} and {r.run_id for r in runs.values()} == {"all"}
    gulf, tigris = runs["gulf-wire"], runs["tigris-daily"]
    assert (gulf.fetched, gulf.stored_new, gulf.discovered, gulf.rejects) == (10, 8, 9, {"not_article": 1})
    assert (tigris.fetched, tigris.stored_new, tigris.duplicates, tigris.rejected) == (20, 12, 2, 3)
    assert tigris.stats["news/stored/new"] == 12 and tigris.stats["news/responses/500"] == 2
    # only a source's own counts: a crawl-wide counter (whose 500 was it?) is in neither row
    assert "news/responses/500" not in gulf.stats and "news/stored/new" in gulf.stats
    assert not any(key.startswith("downloader/") for run in runs.values() for key in run.stats)
    assert gulf.started_at == tigris.started_at


def test_a_crawl_with_no_sources_records_no_run(tmp_path):
    extension = extension_for(tmp_path, [])
    extension.sources.config_error = "sources.toml: no source named 'x'"
    run(extension, {})
    with Store(tmp_path / "news.db", write=True) as store:
        assert store.runs() == []


def test_run_ids_are_unique_and_sort_by_time():
    ids = {new_run_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(i[:8].isdigit() and i[8] == "T" for i in ids)


def test_a_store_that_cannot_be_written_is_logged_not_raised(tmp_path, caplog):
    (tmp_path / "news.db").mkdir()  # a directory: sqlite cannot open it
    with caplog.at_level(logging.ERROR):
        extension = close_with(tmp_path, {})
    assert "cannot open the store" in caplog.text and extension.store.failed == "store_error"
    assert extension.opened == []  # no row of this run anywhere


def test_a_real_crawl_records_its_run(tmp_path, site_server):
    db = tmp_path / "news.db"
    result = run_crawl(site_server("gulf-wire"), db, "-a", "source_name=gulf-wire", "-s", "NEWS_RUN_ID=e2e")
    assert result.returncode == 0, result.log[-3000:]
    stats = result.stats
    with Store(db) as store:
        [run] = store.runs()
        articles = store.count()
    assert (run.run_id, run.source, run.finish_reason) == ("e2e", "gulf-wire", "finished")
    assert run.stored_new == stats.get("news/stored/new", 0) == articles > 0
    assert run.fetched == stats["news/pages/fetched"]
    assert run.discovered == sum(v for k, v in stats.items() if k.startswith("news/discovered/"))
    assert run.rejects == {k.split("/")[-1]: v for k, v in stats.items() if k.startswith("news/rejected/")}
    assert run.duration_seconds is not None and run.duration_seconds >= 0


def test_a_real_crawl_of_several_sources_records_one_row_each(tmp_path, site_server):
    sources = tmp_path / "sources.toml"
    sources.write_text("".join(
        f'[[source]]\nname = "{name}"\nurl = "{site_server(name)}"\n\n' for name in ("gulf-wire", "al-rafidain")
    ))
    db = tmp_path / "news.db"
    result = run_crawl(None, db, "-s", f"NEWS_SOURCES={sources}", "-s", "NEWS_RUN_ID=both")
    assert result.returncode == 0, result.log[-3000:]
    with Store(db) as store:
        runs = {run.source: run for run in store.runs()}
        counts = store.counts_by_source()
    assert set(runs) == {"gulf-wire", "al-rafidain"}
    for name, run in runs.items():
        assert run.run_id == "both" and run.finish_reason == "finished"
        assert run.stored_new == counts[name] > 0
        assert run.fetched == result.stats[f"news/sources/{name}/pages/fetched"]
    assert sum(r.stored_new for r in runs.values()) == result.stats["news/stored/new"]


def test_a_running_row_left_by_a_killed_crawl_becomes_killed_at_the_next_start(tmp_path):
    first = extension_for(tmp_path, ["gulf-wire"], NEWS_RUN_ID="first")

    async def killed() -> None:  # SIGKILLed: it never closes (its lock goes with the process)
        await first.spider_opened()
        await first.store.writer.close()
        for lock in first.store._locks:
            lock.release()
    asyncio.run(killed())
    with Store(tmp_path / "news.db") as store:
        assert [(r.run_id, r.finish_reason, r.finished_at) for r in store.runs()] == [("first", "running", None)]
    second = extension_for(tmp_path, ["gulf-wire"], NEWS_RUN_ID="second")
    run(second, {})
    with Store(tmp_path / "news.db") as store:
        reasons = {r.run_id: r.finish_reason for r in store.runs()}
    assert reasons == {"first": "killed", "second": "finished"}
