"""Rules about page structure from issue #17: articles not rejected by their URL alone, a body far
shorter than the story read again, 12-hour clocks, and a naive time given the offset the page
states elsewhere for the same instant. Small synthetic pages written for these tests."""

from __future__ import annotations

from crawler.extract import extract_article
from crawler.extract.dates import parse_datetime, parse_human

STORY = " ".join(["The reservoir council met the farmers on the border road to agree on the season's water."] * 4)


def _page(body: str, head: str = "", body_class: str = "") -> str:
    return (f'<html><head><title>Council agrees water plan</title>{head}</head><body class="{body_class}">'
            f'<main><article><h1>Council agrees water plan</h1>{body}</article></main></body></html>')


def test_an_article_with_page_1_in_its_query_is_read():
    html = _page("".join(f"<p>{STORY}</p>" for _ in range(4)),
                 head='<meta property="article:published_time" content="2024-05-01T10:00:00+03:00">')
    record = extract_article(html, "https://example.org/news_view.html?idx=123&page=1")
    assert record, record
    assert record.title == "Council agrees water plan"


def test_a_story_at_the_home_url_on_a_singular_template_is_read_and_a_listing_is_not():
    story = _page("".join(f"<p>{STORY}</p>" for _ in range(4)), body_class="home wp-singular page page-id-8")
    assert extract_article(story, "https://example.org/")
    teasers = "".join(f'<article><h2><a href="/s{i}">Story {i}</a></h2><p>{STORY}</p></article>' for i in range(5))
    listing = f'<html><head><title>Example</title></head><body class="home blog"><main>{teasers}</main></body></html>'
    rejected = extract_article(listing, "https://example.org/")
    assert not rejected and rejected.reason == "not_article"


def test_twelve_hour_clocks_are_read_with_their_afternoon():
    assert parse_datetime("2023-04-28 3:48 PM").hour == 15
    assert parse_datetime("2023-04-28 12:10 am").hour == 0
    assert parse_human("Posted 2023-04-28 3:48 pm").hour == 15
    assert parse_human("April 28, 2023 at 3:48 p.m.").hour == 15


def test_a_naive_time_takes_the_offset_the_page_states_for_the_same_instant():
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Council agrees water plan",'
            ' "datePublished": "2023-04-28T19:20:36"}</script>')
    body = '<p><time datetime="2023-04-28T19:20:36+02:00">28 April 2023</time></p>' + "".join(
        f"<p>{STORY}</p>" for _ in range(3))
    record = extract_article(_page(body, head=head), "https://example.org/news/council-water")
    assert record.published_at == "2023-04-28T19:20:36+02:00"
