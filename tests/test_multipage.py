"""Multi-page stories (crawler/spiders/multipage.py): which links are parts, and a crawl of a
generated site whose stories continue at /story/2/ (linked page by page) and at ?page=N."""

from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import run_crawl, write_site
from crawler import neardup
from crawler.devserver import base_url, serve_site
from crawler.spiders.multipage import may_link_part_two, part_links, part_number

STORY = "http://news.example/2024/05/02/river-report/"


@pytest.mark.parametrize("url, number", [
    (STORY + "2/", 2), (STORY + "3", 3), (STORY + "12/", 12),
    ("http://news.example/story?page=2", None),  # another story's query
    ("http://news.example/2024/05/02/river-report/?page=2", 2),
    (STORY + "1/", None), (STORY + "02/", None), (STORY + "2/extra/", None), (STORY + "page/2/", None),
    ("http://other.example/2024/05/02/river-report/2/", None),
    ("http://news.example/2024/05/02/river-report-2/", None),
])
def test_part_number(url, number):
    assert part_number(url, STORY) == number


def test_part_number_of_query_urls_and_home():
    assert part_number("http://h/?p=39&page=2", "http://h/?p=39") == 2  # WordPress plain permalinks
    assert part_number("http://h/?page=2&p=39", "http://h/?p=39") == 2
    assert part_number("http://h/?p=40&page=2", "http://h/?p=39") is None
    assert part_number("http://h/news.php?id=5&pg=3", "http://h/news.php?id=5") == 3
    assert part_number("http://h/?p=39&paged=2", "http://h/?p=39") is None  # listing pagination
    assert part_number("http://h/2/", "http://h/") is None  # a home page has no parts
    assert part_number("http://h/2020/07/02/", "http://h/2020/07/") is None  # a day archive


def test_part_links_reads_anchors_and_link_rel_next():
    html = (f'<link rel="next" href="{STORY}2/"><a href="3/">3</a><a href=\'{STORY}4/\'>4</a>'
            '<a href="/2024/05/02/other/2/">x</a><a href="#comments">c</a>')
    assert part_links(html, STORY, STORY) == {2: STORY + "2/", 3: STORY + "3/", 4: STORY + "4/"}


@pytest.mark.parametrize("href", [
    STORY + "2/", STORY + "2", "2/", "2", "./2/#more", "/2024/05/02/river-report/2/?", "?page=2",
    "?p=39&amp;page=2", "?pg=2", "'2/'",
])
def test_a_page_linking_part_two_is_always_read_for_parts(href):
    """The byte-level look-out (`may_link_part_two`) lets through every page that links part 2,
    however the link is spelled, and lets the page's other links alone skip the link scan."""
    quote = "'" if href.startswith("'") else '"'
    href = href.strip("'")
    html = f"<html><body><a href={quote}{href}{quote}>2</a></body></html>"
    story = "http://news.example/?p=39" if "p=39" in href else STORY
    assert 2 in part_links(html, story, story)
    assert may_link_part_two(html.encode())
    assert may_link_part_two(html.encode("utf-16"), "utf-16")


def test_a_page_without_a_part_two_link_is_not_scanned():
    html = ('<a href="/2024/05/02/other/">x</a><a href="/tag/river/" class="c2">t</a><img width="20" height="12" '
            'src="/i/2024/05/02.jpg"><a href="/2024/05/02/river-report/3/">3</a><a href="#comments">c</a>')
    assert not may_link_part_two(html.encode()) and 2 not in part_links(html, STORY, STORY)


def page(title: str, paragraphs: list[str], pager: str = "", canonical: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f"<!doctype html><html><head><title>{title} | Gulf Courier</title>{link}"
            '<meta property="article:published_time" content="2024-05-02T08:00:00+03:00">'
            '<meta name="author" content="Sara Nouri"></head><body><header><a href="/">Gulf Courier</a></header>'
            f'<article><h1>{title}</h1><p class="byline">By Sara Nouri</p>{body}'
            f'<nav class="pagination">{pager}</nav></article><footer>About us</footer></body></html>')


def prose(story: int, part: int, count: int = 3) -> list[str]:
    return [f"Story {story}, part {part}, paragraph {k}: the water authority in Basra said on Thursday that "
            f"the level of the Shatt al-Arab had fallen by {story * 10 + part + k} centimetres since March, and "
            f"that farmers in the southern districts should expect shorter irrigation turns this summer."
            for k in range(count)]


@pytest.fixture(scope="module")
def multipage_site(tmp_path_factory):
    """A home page linking four stories: one in three parts at /news/river/2/ and /3/, each part
    linking only the next ("Next page"); one in two parts at ?page=2; one on a single page; one
    whose part 2 is a 404."""
    root = tmp_path_factory.mktemp("multipage-site")
    files = {
        "index.html": "<html><head><title>Gulf Courier</title></head><body><h1>Latest</h1><ul>"
                      '<li><a href="/news/river/">River</a></li><li><a href="/news/port.html">Port</a></li>'
                      '<li><a href="/news/market/">Market</a></li><li><a href="/news/broken/">Broken</a></li>'
                      "</ul></body></html>",
        "news/river/index.html": page("The river report", prose(1, 1), '<a href="/news/river/2/">Next page</a>',
                                      "__BASE__/news/river/"),
        "news/river/2/index.html": page("The river report", prose(1, 2),
                                        '<a href="/news/river/">Previous</a> <a href="/news/river/3/">Next page</a>',
                                        "__BASE__/news/river/2/"),
        "news/river/3/index.html": page("The river report", prose(1, 3, 2), '<a href="/news/river/2/">Previous</a>',
                                        "__BASE__/news/river/3/"),
        "news/port.html": page("Port traffic doubles", prose(2, 1),
                               '<span>1</span> <a href="/news/port.html?page=2">2</a>'),
        "news/port-2.html": page("Port traffic doubles", prose(2, 2), '<a href="/news/port.html">1</a> <span>2</span>'),
        "news/market/index.html": page("Market prices steady", prose(3, 1, 4)),
        "news/broken/index.html": page("A story whose second page is gone", prose(4, 1),
                                       '<a href="/news/broken/2/">Next page</a>'),
        "_routes.json": json.dumps({"/news/port.html?page=2": {"file": "news/port-2.html"}}),
    }
    server = serve_site(write_site(root, files))
    yield base_url(server)
    server.shutdown()


def test_crawl_joins_the_parts_of_each_story_in_order_and_never_stores_a_part_alone(multipage_site, tmp_path):
    db_path = tmp_path / "news.db"
    result = run_crawl(multipage_site, db_path)
    assert result.returncode == 0 and "Traceback" not in result.log, result.log[-3000:]
    with sqlite3.connect(db_path) as conn:
        rows = dict(conn.execute("SELECT url, body FROM articles"))
    base = multipage_site.rstrip("/")
    assert sorted(rows) == [f"{base}/news/market/", f"{base}/news/port.html", f"{base}/news/river/"]
    assert rows[f"{base}/news/river/"] == "\n\n".join(prose(1, 1) + prose(1, 2) + prose(1, 3, 2))
    assert rows[f"{base}/news/port.html"] == "\n\n".join(prose(2, 1) + prose(2, 2))
    assert rows[f"{base}/news/market/"] == "\n\n".join(prose(3, 1, 4))
    # the near-duplicate signature is of the whole story, not of part 1 (the worker signs part 1)
    with sqlite3.connect(db_path) as conn:
        bands = sorted(conn.execute("SELECT band, hash FROM minhash_bands JOIN articles a ON a.id = article_id "
                                    "WHERE a.url = ?", (f"{base}/news/river/",)).fetchall())
    assert bands == sorted(neardup.bands(neardup.signature(rows[f"{base}/news/river/"])))
    stats = result.stats
    assert stats["news/multipage/stories"] == 2 and stats["news/multipage/parts"] == 3
    # a story missing a part is not stored incomplete: a rejects row, retried by the next run
    assert stats["news/multipage/part_failed"] == 1 and stats["news/rejected/part_failed"] == 1
    with sqlite3.connect(db_path) as conn:
        (detail,) = conn.execute("SELECT detail FROM rejects WHERE url = ? AND reason = 'part_failed'",
                                 (f"{base}/news/broken/",)).fetchone()
    assert detail == f"part 2 ({base}/news/broken/2/): HTTP 404"
