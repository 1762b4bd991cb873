"""Every story of a site in one default run, or a crawl that says what it missed (issue #14).

Real `scrapy crawl` runs against generated sites (tests/news_site.py) shaped like real ones: no
sitemap, no feed, stories reachable only through listing pages, traps beside them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_crawl
from news_site import NewsSite, base_of


def rows(db_path: Path, sql: str, args: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, args).fetchall()


def stored(db_path: Path) -> dict[str, tuple]:
    return {url: tuple(rest) for url, *rest in rows(db_path, "SELECT url, title, published_at, authors, body FROM articles")}


def expected(site: NewsSite, base: str) -> dict[str, tuple]:
    return {base.rstrip("/") + s["path"]: (s["title"], s["published"], json.dumps([s["author"]]),
                                            "\n\n".join(s["paragraphs"])) for s in site.stories}


@pytest.fixture(scope="module")
def older_posts(tmp_path_factory):
    """2000 stories behind 100 "Older posts" pages, with an endless calendar, faceted filters and
    dead tag links beside them; crawled twice with default settings."""
    site = NewsSite(articles=2000, per_page=20, pagination="older", traps=True, dead_links=True)
    server = site.serve()
    base = base_of(server)
    db_path = tmp_path_factory.mktemp("older") / "news.db"
    first = run_crawl(base, db_path, timeout=600)
    hits_first = dict(site.hits)
    site.hits.clear()
    second = run_crawl(base, db_path)
    yield site, base, db_path, first, hits_first, second, dict(site.hits)
    server.shutdown()


def test_every_story_behind_older_posts_in_one_default_run(older_posts):
    site, base, db_path, first, _, _, _ = older_posts
    assert first.returncode == 0 and "Traceback" not in first.log, first.log[-3000:]
    got, want = stored(db_path), expected(site, base)
    assert set(got) == set(want), f"missing {len(set(want) - set(got))}, extra {sorted(set(got) - set(want))[:5]}"
    assert got == want  # title, published_at, authors and body exact on every row
    print(f"\nolder posts: {len(got)}/{len(want)} stored, {first.stats['downloader/request_count']} requests")


def test_traps_beside_the_chain_are_cut_early(older_posts):
    _, _, _, first, hits, _, _ = older_posts
    print(f"\ncalendar {hits.get('/calendar', 0)} requests, filters {hits.get('/archive', 0)} requests")
    assert 0 < hits.get("/calendar", 0) <= 50
    assert 0 < hits.get("/archive", 0) <= 50
    assert first.stats["news/listing/stopped/trap"] >= 1
    assert "links shaped /calendar" in first.log


def test_a_trap_cut_is_reported_as_incomplete(older_posts):
    _, _, db_path, first, _, _, _ = older_posts
    complete, incomplete = rows(db_path, "SELECT complete, incomplete FROM crawl_runs ORDER BY id LIMIT 1")[0]
    assert complete == 0 and incomplete.startswith("trap_cut") and "/calendar" in incomplete
    assert "crawl incomplete: trap_cut" in first.log


def test_a_second_run_is_cheap_and_adds_no_reject_rows(older_posts):
    _, _, db_path, first, _, second, hits = older_posts
    assert second.returncode == 0 and second.stats.get("news/stored/new", 0) == 0
    requests = first.stats["downloader/request_count"], second.stats["downloader/request_count"]
    print(f"\nrequests: first run {requests[0]}, second run {requests[1]}")
    assert requests[1] * 10 <= requests[0]
    # listing pages rejected again as not_article keep one row each, seen twice
    per_url = rows(db_path, "SELECT url, reason, count(*), max(times_seen) FROM rejects GROUP BY url, reason")
    assert all(count == 1 for _, _, count, _ in per_url)
    assert rows(db_path, "SELECT times_seen FROM rejects WHERE url LIKE '%/'")[0][0] >= 1
    assert max(seen for *_, seen in per_url) == 2


def crawl_all_of(site: NewsSite, db_path: Path):
    """One default crawl of the generated site: (result, stored rows, expected rows)."""
    server = site.serve()
    try:
        base = base_of(server)
        result = run_crawl(base, db_path)
        return result, stored(db_path), expected(site, base)
    finally:
        server.shutdown()


def test_every_story_of_a_dated_site_ten_per_listing_page(tmp_path):
    result, got, want = crawl_all_of(NewsSite(articles=300, per_page=10, pagination="older", seed=11),
                                     tmp_path / "news.db")
    assert result.returncode == 0 and set(got) == set(want)
    print(f"\ndated site: {len(got)}/300 stored, {result.stats['downloader/request_count']} requests")


def test_numbered_query_pagination_and_numeric_story_urls(tmp_path):
    """`/news/?page=N` with numbered links and `/news/123456` stories: the page shape and the story
    shape differ only in their digits, and neither is cut."""
    site = NewsSite(articles=400, per_page=15, pagination="query", urls="numeric", traps=True, seed=5)
    result, got, want = crawl_all_of(site, tmp_path / "news.db")
    assert result.returncode == 0 and set(got) == set(want)
    assert site.hits["/calendar"] <= 50
    print(f"\n?page=N site: {len(got)}/400 stored, {result.stats['downloader/request_count']} requests")


def test_an_edit_to_a_recent_story_is_found_by_the_next_default_run(tmp_path):
    """A link-only site (no sitemap, feed or REST dates): the edited story is a recent one, found
    again by the revisit of stored stories published within NEWS_REVISIT_DAYS."""
    site = NewsSite(articles=60, per_page=10, recent=4, etags=True, seed=3)
    server = site.serve()
    db_path = tmp_path / "news.db"
    try:
        base = base_of(server)
        first = run_crawl(base, db_path)
        assert first.returncode == 0 and len(stored(db_path)) == 60
        unchanged = run_crawl(base, db_path)  # recent stories come back 304 (ETag)
        assert unchanged.stats["news/revisit/requested"] == 4
        assert unchanged.stats["news/revisit/not_modified"] == 4
        edited = site.stories[1]
        edited["paragraphs"].append("Update: the ministry corrected the figures on Tuesday evening, "
                                    "officials said, after the first report.")
        off = run_crawl(base, db_path, "-s", "NEWS_REVISIT_DAYS=0")
        assert off.stats.get("news/stored/updated", 0) == 0  # without revisits the edit goes unseen
        second = run_crawl(base, db_path)
    finally:
        server.shutdown()
    assert second.returncode == 0
    assert second.stats["news/stored/updated"] == 1
    url = base.rstrip("/") + edited["path"]
    assert stored(db_path)[url][3].endswith("after the first report.")
    assert rows(db_path, "SELECT url FROM revisions") == [(url,)]
    costs = [r.stats["downloader/request_count"] for r in (unchanged, off, second)]
    print(f"\nre-crawl requests: unchanged with revisits {costs[0]}, without {costs[1]}, edited with {costs[2]}")


def test_a_crawl_cut_by_max_pages_says_so_and_the_next_run_goes_on(tmp_path):
    site = NewsSite(articles=120, per_page=10, seed=9)
    server = site.serve()
    db_path = tmp_path / "news.db"
    base = base_of(server)
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "courier"\nurl = "{base}"\nmax_pages = 40\n', "utf-8")
    try:
        cut = run_crawl(None, db_path, "-a", "source=courier", "-s", f"NEWS_SOURCES={sources}")
        first_count = len(stored(db_path))
        after_cut = sources_cli(db_path)
        sources.write_text(f'[[source]]\nname = "courier"\nurl = "{base}"\n', "utf-8")
        resumed = run_crawl(None, db_path, "-a", "source=courier", "-s", f"NEWS_SOURCES={sources}")
    finally:
        server.shutdown()
    assert cut.returncode == 0 and 0 < first_count < 120
    assert "source courier: crawl incomplete: max_pages" in cut.log
    runs = rows(db_path, "SELECT complete, incomplete FROM crawl_runs ORDER BY started_at, id")
    assert runs[0][0] == 0 and runs[0][1].startswith("max_pages ")
    assert runs[1] == (1, None)
    assert len(stored(db_path)) == 120  # the next run walked past what the cut run stored
    assert resumed.stats["news/stored/new"] == 120 - first_count
    assert after_cut.returncode == 0 and after_cut.stdout.splitlines()[1].split()[-1] == "NO"
    assert "WARNING: courier: last crawl incomplete: max_pages" in after_cut.stderr
    after_resume = sources_cli(db_path)
    assert after_resume.stdout.splitlines()[1].split()[-1] == "yes" and "WARNING" not in after_resume.stderr


def sources_cli(db_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "storage.cli", "--db", str(db_path), "sources"],
                          cwd=ROOT, capture_output=True, text=True)
