"""Each story once, edits kept, re-crawls that fetch only what changed, and resume after SIGKILL:
real `scrapy crawl` subprocesses against fixture sites served on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SITES, run_crawl
from crawler.devserver import base_url, serve_site

REST_PAGE = "_query/wp-json/wp/v2/posts/per_page_100_page_1__embed_author_2Cwp_3Aterm_orderby_id_order_asc.json"
EDITED = "2019/01/18/mutanabbi-street-book-market-draws-record-friday-crowds"


def count(db_path: Path, sql: str = "SELECT count(*) FROM articles") -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchone()[0]


@pytest.fixture
def wordpress_copy(tmp_path):
    """A private copy of the recorded WordPress site, free to edit, served on its own port."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "tigris-daily", root)
    server = serve_site(root)
    yield root, base_url(server)
    server.shutdown()


def test_rerun_is_cheap_and_an_edit_becomes_one_update_with_a_revision(wordpress_copy, tmp_path):
    root, base = wordpress_copy
    db_path = tmp_path / "news.db"
    first = run_crawl(base, db_path)
    assert first.returncode == 0 and first.stats["news/stored/new"] == 31
    second = run_crawl(base, db_path)
    assert second.stats.get("news/stored/new", 0) == 0
    ratio = second.stats["downloader/request_count"] / first.stats["downloader/request_count"]
    print(f"\nrequests: run 1 {first.stats['downloader/request_count']}, run 2 {second.stats['downloader/request_count']}"
          f" ({ratio:.0%})")
    assert ratio <= 0.20

    # edit one post as wp_update_post would: new paragraph, newer modified time in REST
    page = root / EDITED / "index.html"
    html = page.read_text("utf-8")
    marker = "</p>"
    cut = html.index(marker, html.index('wp-block-post-content">')) + len(marker)
    page.write_text(html[:cut] + "\n<p>Update: organisers said the market will also open on Saturdays.</p>" + html[cut:], "utf-8")
    rest = root / REST_PAGE
    posts = json.loads(rest.read_text("utf-8"))
    [post] = [p for p in posts if EDITED in p["link"]]
    post["modified"], post["modified_gmt"] = "2019-01-20T09:00:00", "2019-01-20T06:00:00"
    rest.write_text(json.dumps(posts), "utf-8")

    third = run_crawl(base, db_path)
    assert third.returncode == 0
    assert third.stats.get("news/stored/new", 0) == 0
    assert third.stats["news/stored/updated"] == 1
    assert third.stats["news/pages/fetched"] <= 2  # the edited post (and the home page)
    assert count(db_path) == 31
    assert count(db_path, "SELECT count(*) FROM revisions") == 1
    with sqlite3.connect(db_path) as conn:
        body, modified = conn.execute("SELECT body, modified_at FROM articles WHERE url LIKE ?", [f"%{EDITED}%"]).fetchone()
        old_body = conn.execute("SELECT body FROM revisions").fetchone()[0]
    assert "open on Saturdays" in body and "open on Saturdays" not in old_body
    assert modified == "2019-01-20T09:00:00+03:00"


def test_one_story_under_several_urls_is_one_row(tmp_path):
    root = tmp_path / "site"
    story = ("<p>The ministry of water resources said on Sunday that the level of the Tigris at Baghdad had "
             "risen by a metre in a week, after heavy rain in the north of the country.</p>"
             "<p>Engineers opened the gates of the Samarra barrage to divert water into the Tharthar lake, "
             "and farmers along the river were told to expect flooding in low-lying fields.</p>")
    page = ('<html lang="en"><head><title>Tigris rises at Baghdad</title><meta property="og:type" content="article">'
            '<link rel="canonical" href="__BASE__/news/tigris-rises.html">{amp}</head><body><article>'
            '<h1>Tigris rises at Baghdad</h1><time datetime="2025-03-02T09:00:00+03:00">2 March</time>'
            f'{story}</article></body></html>')
    (root / "news" / "tigris-rises" / "amp").mkdir(parents=True)
    (root / "news" / "tigris-rises.html").write_text(
        page.format(amp='<link rel="amphtml" href="__BASE__/news/tigris-rises/amp/">'), "utf-8")
    (root / "news" / "tigris-rises" / "amp" / "index.html").write_text(page.format(amp="").replace(
        "<html", "<html amp"), "utf-8")
    (root / "index.html").write_text(
        '<html><body><h1>River News</h1><ul>'
        '<li><a href="/news/tigris-rises.html?utm_source=home&utm_medium=web">Tigris rises</a></li>'
        '<li><a href="/?p=7">Shortlink</a></li><li><a href="/news/tigris-rises/amp/">AMP</a></li>'
        '</ul></body></html>', "utf-8")
    (root / "_routes.json").write_text(json.dumps({"/?p=7": {"status": 301, "location": "__BASE__/news/tigris-rises.html"}}))
    server = serve_site(root)
    base = base_url(server)
    try:
        db_path = tmp_path / "news.db"
        first = run_crawl(base, db_path)
        second = run_crawl(base, db_path)
    finally:
        server.shutdown()
    assert first.returncode == 0, first.log[-2000:]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT url FROM articles").fetchall() == [(base + "news/tigris-rises.html",)]
        aliases = dict(conn.execute("SELECT url, article_url FROM aliases").fetchall())
    assert aliases.get(base + "?p=7") == base + "news/tigris-rises.html"
    assert aliases.get(base + "news/tigris-rises/amp/") == base + "news/tigris-rises.html"
    assert second.stats.get("news/stored/new", 0) == 0
    assert second.stats.get("news/pages/fetched", 0) == 1  # only the home page: aliases are known


def test_kill_9_mid_crawl_then_restart_stores_every_story_exactly_once(wordpress_copy, tmp_path):
    _, base = wordpress_copy
    db_path = tmp_path / "news.db"
    slow = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.15", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
            "-s", "NEWS_STORE_BATCH_SIZE=2", "-s", "NEWS_STORE_FLUSH_SECONDS=0.2"]
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={base}", "-s", f"NEWS_DB_PATH={db_path}",
               "-s", "LOG_LEVEL=WARNING", *slow]
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        try:
            stored = count(db_path)
        except sqlite3.Error:
            continue
        if stored >= 8:
            break
    assert process.poll() is None, "the crawl ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    before = count(db_path)
    assert 8 <= before < 31
    restart = run_crawl(base, db_path)
    assert restart.returncode == 0, restart.log[-2000:]
    assert count(db_path) == 31
    assert count(db_path, "SELECT count(DISTINCT url) FROM articles") == 31
    assert restart.stats["news/incremental/skipped_stored"] >= before  # it did not start from zero
    assert restart.stats["news/stored/new"] == 31 - before
