"""robots.txt is fetched once per host: by Scrapy's RobotsTxtMiddleware when it is obeyed (the
spider reads its Crawl-delay and Sitemap lines from that fetch, through `robots_parsed`), by the
spider itself only when it is not. Real crawls of a generated site on 127.0.0.1."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import run_crawl
from news_site import NewsSite, base_of


@pytest.mark.parametrize("obey", [True, False])
def test_robots_txt_is_requested_once_per_host(tmp_path, obey):
    site = NewsSite(articles=30, per_page=10, seed=13)
    server = site.serve()
    try:
        db_path = tmp_path / "news.db"
        result = run_crawl(base_of(server), db_path, "-s", f"ROBOTSTXT_OBEY={obey}")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    assert site.hits["/robots.txt"] == 1
    assert result.stats.get("robotstxt/request_count", 0) == (1 if obey else 0)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 30
