"""Site-learned boilerplate through real crawls: `scrapy crawl` of a generated site writes the
source's learned blocks to `source_boilerplate`, and the next crawl of the source reads them back
and extracts its new stories without them from the first page on."""

from __future__ import annotations

import sqlite3
from html import escape

from conftest import run_crawl
from crawler.extract.boilerplate import LEARN_AFTER, Boilerplate
from news_site import NewsSite, base_of

BOX = ("Get the morning briefing: sign up for the free newsletter and have the day's top stories from the "
       "region in your inbox before breakfast, every weekday.")


class BoxedSite(NewsSite):
    """A NewsSite whose theme sets a sign-up box between the paragraphs of every story."""

    def article(self, story: dict) -> bytes:
        paragraphs = [f"<p>{escape(p)}</p>" for p in story["paragraphs"]]
        box = f'<div class="inline-box"><h3>Morning briefing</h3><p>{escape(BOX)}</p></div>'
        main = (f'<article class="post"><h1>{escape(story["title"])}</h1><p class="byline">By {story["author"]}'
                f' · <time datetime="{story["published"]}">{story["published"][:10]}</time></p>'
                f'{"".join(paragraphs[:2])}{box}{"".join(paragraphs[2:])}</article>')
        return self.chrome(story["title"], main, "article")


def _rows(db_path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def test_a_crawl_learns_the_boilerplate_and_the_next_crawl_uses_it(tmp_path):
    site = BoxedSite(articles=LEARN_AFTER + 6, per_page=40, seed=13)
    newest, site.stories = site.stories[:3], site.stories[3:]  # published before the second crawl
    server = site.serve()
    db_path = tmp_path / "news.db"
    try:
        base = base_of(server)
        first = run_crawl(base, db_path)
        site.stories = newest + site.stories
        second = run_crawl(base, db_path)
    finally:
        server.shutdown()
    assert first.returncode == 0 and second.returncode == 0

    # the first crawl learns once, after LEARN_AFTER articles, and keeps what it learned (pages whose
    # extraction started before that are read without it: how many depends on the crawl's concurrency)
    assert first.stats["news/boilerplate/learned"] == 1
    (source, blocks), = _rows(db_path, "SELECT source, blocks FROM source_boilerplate")
    assert source and source in {k.split("/")[2] for k in first.stats if k.startswith("news/sources/")}
    learned = Boilerplate.from_json(blocks)
    assert learned.pages == LEARN_AFTER and any("newsletter" in text for text in learned.examples)

    # the second crawl reads them: nothing to learn, every new story extracted without the box
    assert "news/boilerplate/learned" not in second.stats
    assert second.stats["news/boilerplate/applied"] == 3
    bodies = dict(_rows(db_path, "SELECT url, body FROM articles"))
    for story in newest:
        body = bodies[base.rstrip("/") + story["path"]]
        assert BOX not in body
        assert body == "\n\n".join(story["paragraphs"])
    # the first crawl's stories read before the blocks were learned keep the box; those read with them do not
    first_read = LEARN_AFTER + 3
    assert sum(BOX in body for body in bodies.values()) == first_read - first.stats.get("news/boilerplate/applied", 0)
