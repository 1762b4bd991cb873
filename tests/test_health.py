"""Per-source health: fill rates per run, compared with earlier runs; a layout change warns."""

from __future__ import annotations

import re
import shutil

from click.testing import CliRunner

from conftest import SITES, run_crawl
from crawler.devserver import base_url, serve_site
from crawler.health import health_of, health_warning
from storage import Store
from storage.cli import main as news_store


def test_rates_and_sharp_drops():
    healthy = health_of({"extracted/articles": 9, "rejected/too_short": 1, "extracted/with_authors": 9,
                         "extracted/with_published": 9, "extracted/short_body": 0})
    assert healthy == {"pages": 10, "articles": 9, "article_rate": 0.9, "author_rate": 1.0, "date_rate": 1.0,
                       "full_body_rate": 1.0}
    no_dates = dict(healthy, date_rate=0.1)
    assert health_warning(no_dates, [healthy, healthy]) == "possible layout change: date_rate 1.00 -> 0.10"
    assert health_warning(dict(healthy, date_rate=0.8), [healthy]) is None  # a dip, not a drop
    assert health_warning({"pages": 1, "article_rate": 0.0}, [healthy]) is None  # too few pages to judge
    assert health_warning(no_dates, []) is None  # nothing to compare with


def test_a_layout_change_raises_the_health_warning(tmp_path, caplog):
    root = tmp_path / "site"
    shutil.copytree(SITES / "gulf-wire", root)
    server = serve_site(root)
    db_path = tmp_path / "news.db"
    try:
        before = run_crawl(base_url(server), db_path, "-a", "source_name=gulf-wire")
        assert before.returncode == 0
        table_before = CliRunner().invoke(news_store, ["--db", str(db_path), "sources"]).output
        for page in (root / "2025").rglob("*.html"):  # the new theme hides the story from us
            if "garbled" in page.name or page.with_name(page.name + ".headers.json").exists():
                continue  # not an article page
            html = page.read_text("utf-8")
            page.write_text(re.sub(r'<div class="story-body">.*?</div>', '<div class="story-body"></div>', html,
                                   flags=re.S), "utf-8")
        after = run_crawl(base_url(server), db_path, "-a", "source_name=gulf-wire", "-s", "NEWS_RECRAWL=all")
    finally:
        server.shutdown()
    assert after.returncode == 0
    assert "source gulf-wire: possible layout change: article_rate" in after.log
    with Store(db_path) as store:
        latest, first = store.runs(source="gulf-wire")
    assert first.health_warning is None and first.health["article_rate"] > 0.5
    assert latest.health["article_rate"] == 0.0 and latest.health_warning.startswith("possible layout change")
    table_after = CliRunner().invoke(news_store, ["--db", str(db_path), "sources"]).output
    print("\nbefore:\n" + table_before + "after:\n" + table_after)
    assert "possible layout change" in table_after and "possible layout change" not in table_before
