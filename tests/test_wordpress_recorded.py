"""Crawls of the recorded WordPress site (fixtures/sites/tigris-daily), with and without REST.

The same checks as the live tests, against the recorded truth.json: every post once and nothing
else, bodies F1 >= 0.99, no comment text, exact fields; with /wp-json/ answering 403 (a security
plugin) the sitemaps and the paged Atom feed must give the same records."""

from __future__ import annotations

import json

import pytest

from conftest import SITES, run_crawl
from wordpress_checks import assert_matches_truth

BLOCK_REST = ("/wp-json", "rest_route=")


def _truth(base: str) -> dict:
    text = (SITES / "tigris-daily" / "truth.json").read_text("utf-8")
    return json.loads(text.replace("__BASE__", base.rstrip("/")))


@pytest.fixture(scope="module", params=["rest", "rest-blocked"])
def recorded_crawl(request, site_server, tmp_path_factory):
    base = site_server("tigris-daily", forbid=BLOCK_REST if request.param == "rest-blocked" else ())
    db_path = tmp_path_factory.mktemp(request.param) / "wp.db"
    first = run_crawl(base, db_path)
    second = run_crawl(base, db_path)
    return request.param, _truth(base), db_path, first, second


def test_same_records_with_or_without_rest(recorded_crawl):
    mode, truth, db_path, first, _ = recorded_crawl
    assert first.returncode == 0 and "Traceback" not in first.log, first.log[-3000:]
    if mode == "rest":
        assert first.stats["news/discovered/wp-rest"] == len(truth["posts"])
    else:
        assert first.stats["news/wordpress/rest_unavailable"] == 1
        assert "news/discovered/wp-rest" not in first.stats
    assert_matches_truth(db_path, truth)


def test_rerun_adds_nothing_and_fetches_no_stored_post(recorded_crawl):
    _, truth, _, first, second = recorded_crawl
    assert second.returncode == 0
    assert second.stats.get("news/stored/new", 0) == 0
    assert second.stats.get("news/stored/updated", 0) == 0
    assert second.stats["news/incremental/skipped_stored"] >= len(truth["posts"])
    print(f"\nrequests: first run {first.stats['downloader/request_count']}, "
          f"second run {second.stats['downloader/request_count']}")
