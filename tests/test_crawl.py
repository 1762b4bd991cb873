"""Real `scrapy crawl news` subprocesses against fixture sites served on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import SITES, run_crawl

COMMENT_UI = ("Leave a Reply", "Leave a comment", "Post Comment", "Your email address will not be published",
              "Save my name, email", "You are commenting using your", "Connecting to %s", "Notify me of new")


def rows(db_path, sql, args=()):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture(scope="module")
def gulf_wire(site_server, tmp_path_factory):
    base = site_server("gulf-wire")
    db_path = tmp_path_factory.mktemp("gulf") / "news.db"
    first = run_crawl(base, db_path)
    second = run_crawl(base, db_path)
    return base, db_path, first, second


def test_crawl_finishes_cleanly(gulf_wire):
    _, _, first, second = gulf_wire
    for result in (first, second):
        assert result.returncode == 0, result.log[-3000:]
        assert result.stats["finish_reason"] == "finished"
        assert "Traceback" not in result.log


def test_every_story_stored_once_from_sitemaps_feed_and_links(gulf_wire):
    base, db_path, first, _ = gulf_wire
    stored = {url for (url,) in rows(db_path, "SELECT url FROM articles")}
    assert stored == {
        base + "2025/03/01/port-expansion-opens-new-container-terminal.html",  # news sitemap + feed
        base + "2025/03/02/desalination-plant-to-supply-half-a-million-homes.html",
        base + "2025/03/03/central-bank-holds-interest-rates-steady.html",  # gzipped sitemap
        base + "2025/03/04/falcon-festival-draws-record-crowds.html",  # home page link only
    }
    assert first.stats["news/stored/new"] == 4
    assert first.stats["news/discovered/sitemap"] >= 3 + 2  # index entries + urls
    assert first.stats["news/discovered/feed"] == 2


def test_stored_records_are_clean_and_complete(gulf_wire):
    base, db_path, _, _ = gulf_wire
    for title, body, authors, published, source in rows(
            db_path, "SELECT title, body, authors, published_at, source FROM articles"):
        assert not any(phrase.lower() in body.lower() for phrase in COMMENT_UI), body
        assert "Great news for the economy" not in body and "Share on" not in body and "Related stories" not in body
        assert not body.startswith(title)
        assert json.loads(authors) and published.endswith("+04:00")
        assert source == base.split("//")[1].rstrip("/")
    [(authors, modified)] = rows(db_path, "SELECT authors, modified_at FROM articles WHERE url LIKE '%desalination%'")
    assert json.loads(authors) == ["Khalid Rahman", "Sara Haddad"]
    assert modified == "2025-03-03T08:00:00+04:00"


def test_bad_input_ends_as_rejects_with_reasons_and_stats(gulf_wire):
    base, db_path, first, _ = gulf_wire
    rejects = {url.removeprefix(base): reason for url, reason in rows(db_path, "SELECT url, reason FROM rejects")}
    assert rejects[""] == "not_article"  # home page
    assert rejects["section/culture/"] == "not_article"
    assert rejects["2025/03/05/annual-report.html"] == "not_html"  # a PDF under .html
    assert rejects["2025/03/06/deleted-story.html"] == "http_404"
    assert rejects["2025/03/07/garbled.html"] in ("too_short", "no_title")  # undecodable bytes
    assert rejects["2025/03/08/server-error.html"] == "http_500"  # after retries
    assert rejects["about.html"] == "too_short"
    for reason in ("not_html", "http_404", "http_500", "too_short", "not_article"):
        assert first.stats[f"news/rejected/{reason}"] >= 1


def test_robots_and_host_boundaries_are_respected(gulf_wire):
    base, db_path, first, _ = gulf_wire
    rejects = dict(rows(db_path, "SELECT url, reason FROM rejects"))
    assert rejects[base + "private/secret.html"] == "robots_forbidden"  # linked, but Disallow: /private/
    assert first.stats["robotstxt/forbidden"] == 1
    urls = [url for (url,) in rows(db_path, "SELECT url FROM rejects UNION SELECT url FROM articles")]
    assert all(url.startswith(base) for url in urls)  # the partner site on the home page is never fetched


def test_second_run_adds_no_rows(gulf_wire):
    _, db_path, _, second = gulf_wire
    assert rows(db_path, "SELECT count(*) FROM articles") == [(4,)]
    assert second.stats.get("news/stored/new", 0) == 0
    assert second.stats["news/incremental/skipped_stored"] >= 4  # known stories are not fetched again


def test_fixture_sites_exist():
    assert (SITES / "gulf-wire" / "index.html").exists()
