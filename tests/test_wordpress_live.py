"""Crawls of a real WordPress 6 site (../shared/wordpress), compared with its truth.json.

Starts its own instance (port and run dir /tmp/news-wp-tests-N chosen per checkout) so it never disturbs another;
the first start on a fresh machine installs Debian packages (root, about a minute)."""

from __future__ import annotations

import json
import os
import zlib
import subprocess
import time
from pathlib import Path

import pytest

from conftest import SHARED, run_crawl
from wordpress_checks import assert_matches_truth

WP_SCRIPT = SHARED / "wordpress" / "wp-site.sh"
CHECKOUT = zlib.crc32(str(Path(__file__).resolve().parent).encode()) % 90  # checkouts side by side never share one
RUN_DIR = Path(f"/tmp/news-wp-tests-{CHECKOUT}")
ENV = dict(os.environ, WP_RUN_DIR=str(RUN_DIR), WP_PORT=str(8101 + 2 * CHECKOUT))

pytestmark = pytest.mark.skipif(not WP_SCRIPT.exists(), reason="../shared/wordpress is not present")


@pytest.fixture(scope="session")
def wordpress_instance():
    yield
    subprocess.run([str(WP_SCRIPT), "down"], env=ENV, capture_output=True, timeout=120)


@pytest.fixture(scope="module", params=["twentytwentythree", "twentytwentyone"])
def wp_crawl(request, wordpress_instance, tmp_path_factory):
    env = dict(ENV, WP_THEME=request.param)
    up = subprocess.run([str(WP_SCRIPT), "up"], env=env, capture_output=True, text=True, timeout=1200)
    assert up.returncode == 0, f"wp-site.sh up failed:\n{up.stdout[-2000:]}\n{up.stderr[-4000:]}"
    base = up.stdout.strip().splitlines()[-1].rstrip("/") + "/"
    truth = json.loads((RUN_DIR / "truth.json").read_text("utf-8"))
    assert truth["site"]["theme"] == request.param
    db_path = tmp_path_factory.mktemp(request.param) / "wp.db"
    started = time.monotonic()
    first = run_crawl(base, db_path)
    elapsed = time.monotonic() - started
    second = run_crawl(base, db_path)
    print(f"\n{request.param}: first crawl {elapsed:.1f}s, {first.stats.get('downloader/request_count')} requests")
    return request.param, truth, db_path, first, second


def test_every_post_once_with_exact_fields_and_no_comments(wp_crawl):
    theme, truth, db_path, first, _ = wp_crawl
    assert first.returncode == 0 and "Traceback" not in first.log, first.log[-3000:]
    assert first.stats["news/wordpress/detected"] == 1
    assert first.stats["news/discovered/wp-rest"] == len(truth["posts"])
    report = assert_matches_truth(db_path, truth)
    f1 = list(report["f1"].values())
    print(f"{theme}: {len(f1)}/{len(truth['posts'])} posts, mean F1 {sum(f1) / len(f1):.4f}, min {min(f1):.4f}")


def test_pages_drafts_and_archives_are_not_articles(wp_crawl):
    _, truth, db_path, _, _ = wp_crawl
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        urls = {url for (url,) in conn.execute("SELECT url FROM articles")}
    for page in truth["pages"]:
        assert page["url"] not in urls
    assert not any("/category/" in u or "/tag/" in u or "/author/" in u or "/page/" in u for u in urls)


def test_second_run_stores_nothing_new_and_is_cheap(wp_crawl):
    theme, truth, db_path, first, second = wp_crawl
    assert second.returncode == 0
    assert second.stats.get("news/stored/new", 0) == 0
    requests = first.stats["downloader/request_count"], second.stats["downloader/request_count"]
    print(f"\n{theme}: requests run 1 {requests[0]}, run 2 {requests[1]} ({requests[1] / requests[0]:.0%})")
    assert requests[1] <= 0.2 * requests[0]
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(truth["posts"])
