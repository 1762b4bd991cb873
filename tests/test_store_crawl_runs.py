"""CrawlRunsExtension: one crawl_runs row per run and source, from the crawl's stats."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler.extensions.crawl_runs import CrawlRunsExtension, new_run_id
from storage import Store
from conftest import run_crawl


class FakeNewsSpider(Spider):
    name = "news"
    source = "gulf-wire"


def close_with(tmp_path, stats: dict, **settings) -> CrawlRunsExtension:
    crawler = get_crawler(FakeNewsSpider, {"NEWS_DB_PATH": str(tmp_path / "news.db"), **settings})
    extension = CrawlRunsExtension.from_crawler(crawler)
    spider = FakeNewsSpider()
    extension.spider_opened(spider)
    for key, value in stats.items():
        crawler.stats.set_value(key, value)
    extension.spider_closed(spider, "finished")
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


def test_run_ids_are_unique_and_sort_by_time():
    ids = {new_run_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(i[:8].isdigit() and i[8] == "T" for i in ids)


def test_a_store_that_cannot_be_written_is_logged_not_raised(tmp_path, caplog):
    (tmp_path / "news.db").mkdir()  # a directory: sqlite cannot open it
    with caplog.at_level(logging.ERROR):
        close_with(tmp_path, {})
    assert "could not record crawl run" in caplog.text


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
