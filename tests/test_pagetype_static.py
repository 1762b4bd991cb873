"""WordPress pages (issue #17): a page is a story when it carries a story's own evidence (an
Article in JSON-LD, `article:published_time`, a page of running prose), not by `og:type` alone,
which SEO plugins print as "article" on every page, landing pages included. Small pages written
for these tests."""

from __future__ import annotations

from crawler.extract import extract_article

PARAGRAPH = ("A sound screening routine at the counter keeps unqualified drivers out of the fleet and "
             "the vehicles in good order for the next customer who walks in. ")
YOAST_HEAD = ('<meta property="og:type" content="article">'
              '<meta property="article:modified_time" content="2024-08-21T01:36:40+00:00">'
              '<link rel="stylesheet" href="/wp-content/themes/x/style.css">')
PAGE_CLASSES = "page-template-default page page-id-23918 page-child wp-singular"


def _page(body: str, head: str = YOAST_HEAD) -> str:
    return (f"<html><head><title>Vehicle rentals</title>{head}</head><body class=\"{PAGE_CLASSES}\">"
            f"<main><h1>Vehicle rentals</h1>{body}</main></body></html>")


def test_a_landing_page_with_og_type_article_and_one_paragraph_stays_a_static_page():
    body = f"<p>{PARAGRAPH}</p><p>Request our free guide:</p><ul>" + "".join(
        f"<li>Rental step {i}: the counter, the keys and the papers</li>" for i in range(5)) + "</ul>"
    rejected = extract_article(_page(body), "https://insure.example/programs/vehicle-rentals/")
    assert not rejected and rejected.reason == "not_article" and rejected.detail == "static page template"


def test_a_page_dated_as_an_article_or_holding_a_story_is_read():
    body = "".join(f"<p>Part {i}. {PARAGRAPH}</p>" for i in range(2))
    dated = YOAST_HEAD + '<meta property="article:published_time" content="2024-03-02T09:00:00+00:00">'
    record = extract_article(_page(body, dated), "https://insure.example/programs/vehicle-rentals/")
    assert record and record.published_at == "2024-03-02T09:00:00+00:00"
    story = "".join(f"<p>Part {i}. {PARAGRAPH}</p>" for i in range(8))
    assert extract_article(_page(story), "https://insure.example/programs/vehicle-rentals/")
