"""A real crawl of the hostile server (tests/hostile_server.py): it finishes by itself, stores every
good story (Arabic decoded), stores no bad case, and explains every fetched bad case in `rejects`."""

from __future__ import annotations

import sqlite3

import pytest

import hostile_server
from conftest import run_crawl

GOOD = {
    "good/one.html": "Rail line to Mosul reopens",
    "good/two.html": "Museum returns looted tablets",
    "wrong-charset.html": "افتتاح خط القطار بين بغداد والموصل",  # header says UTF-8, bytes are windows-1256
    "arabic-meta.html": "القطار يعود إلى الموصل",  # charset only in <meta>
    "arabic-none.html": "رحلة القطار الأولى منذ عشر سنوات",  # no charset anywhere
    "busy-429.html": "Patience pays",  # 429 + Retry-After first
    "chain/0.html": "Ten hops away",  # 10 redirects, stored under its final URL
}
TIMES: list[float] = []  # arrival time of every request the hostile server saw
BAD = {  # path -> reject reason
    "pdf.html": "not_html",
    "random.html": ("too_short", "no_title"),
    "huge.html": "too_large",
    "gzip-bomb.html": "too_large",
    "redirect-loop.html": "redirect_loop",
    "endless/0.html": "too_many_redirects",  # beyond REDIRECT_MAX_TIMES (10)
    "gone-404.html": "http_404",
    "gone-410.html": "http_410",
    "error-500.html": "http_500",
    "unavailable-503.html": "http_503",
    "stall.html": "timeout",
    "truncated.html": "truncated",
    "bad-sitemap.xml": "invalid_sitemap",
    "bomb-sitemap.xml": "invalid_sitemap",
    "feed.xml": "invalid_feed",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    hostile_server.Hostile.counts.clear()
    hostile_server.Hostile.times.clear()
    server = hostile_server.serve()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    db_path = tmp_path_factory.mktemp("hostile") / "news.db"
    result = run_crawl(base, db_path, "-s", "DOWNLOAD_TIMEOUT=4", timeout=600)
    with sqlite3.connect(db_path) as conn:
        articles = dict(conn.execute("SELECT url, title FROM articles").fetchall())
        rejects = {url: (reason, detail) for url, reason, detail in conn.execute("SELECT url, reason, detail FROM rejects")}
    TIMES[:] = hostile_server.Hostile.times
    yield base, result, articles, rejects, dict(hostile_server.Hostile.counts)
    server.shutdown()


def test_crawl_finishes_by_itself_without_traceback(hostile):
    _, result, _, _, _ = hostile
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    assert "Traceback" not in result.log


@pytest.mark.parametrize("path, title", GOOD.items())
def test_good_story_stored_and_decoded(hostile, path, title):
    base, _, articles, _, _ = hostile
    url = base + ("chain/10.html" if path == "chain/0.html" else path)
    assert articles.get(url) == title


def test_no_bad_case_is_an_article(hostile):
    base, _, articles, _, _ = hostile
    assert not set(articles) & {base + path for path in BAD}
    assert len(articles) == len(GOOD)


@pytest.mark.parametrize("path, reason", BAD.items())
def test_bad_case_explained_in_rejects_and_stats(hostile, path, reason):
    base, result, _, rejects, _ = hostile
    assert base + path in rejects, f"no rejects row for {path}"
    got, detail = rejects[base + path]
    assert got in (reason if isinstance(reason, tuple) else (reason,)), (got, detail)
    assert result.stats[f"news/rejected/{got}"] >= 1


def test_robots_txt_is_fetched_once(hostile):
    _, result, _, _, counts = hostile
    assert counts["/robots.txt"] == 1  # RobotsTxtMiddleware's fetch; the spider reads it from there
    assert result.stats["robotstxt/request_count"] == 1


def test_retry_after_was_honoured(hostile):
    _, _, _, _, counts = hostile
    assert counts["/busy-429.html"] == 2  # one 429, one success after waiting


def test_traps_are_cut_and_nothing_off_site_is_requested(hostile):
    _, result, _, _, counts = hostile
    calendar = counts.get("/calendar", 0)
    assert 0 < calendar <= 50  # cut by the per-shape cap (NEWS_MAX_PAGES_PER_PATTERN) or DEPTH_LIMIT
    assert "elsewhere.example" not in result.log and "10.1.2.3" not in result.log
    assert "192.168.0.1" not in result.log
    requested = result.stats["downloader/request_count"]
    assert requested < 120, requested


def test_peak_memory_is_bounded(hostile):
    _, result, _, _, _ = hostile
    peak = result.peak_rss  # the crawl process and its extraction workers, sampled every 0.1 s
    print(f"\nhostile crawl: peak RSS {peak / 2**20:.0f} MiB (all processes; main process alone "
          f"{result.stats['memusage/max'] / 2**20:.0f} MiB), {result.stats['downloader/request_count']} requests")
    assert 0 < peak < 600 * 2**20


def test_robots_crawl_delay_spaces_the_requests(hostile):
    _, result, _, _, _ = hostile
    times = TIMES[10:]  # once robots.txt (Crawl-delay: 0.2) has been read
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert "Crawl-delay 0.2" in result.log
    assert len(gaps) > 10 and sorted(gaps)[len(gaps) // 10] >= 0.15  # nine in ten at least ~0.2 s apart
