"""Metadata rules one by one: names, titles, dates and their provenance (fixtures cover whole pages)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import lxml.html
import pytest

from crawler.extract import extract_article
from crawler.extract.authors import Site, clean_author, split_names
from crawler.extract.dates import is_future, parse_datetime, parse_human
from crawler.extract.evidence import Page, chrome_token
from crawler.extract.language import detect_language
from crawler.extract.metadata import extract_metadata
from crawler.extract.published import find_dates
from crawler.extract.titles import clean_title, strip_site_name

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
BODY = "<p>" + "The river rose again overnight and the ferry stayed in port. " * 6 + "</p>"


def page(head: str = "", body: str = "", url: str = "https://news.example/2024/01/02/story/") -> Page:
    return Page(lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>"), url)


def metadata(head: str = "", body: str = "", url: str = "https://news.example/story/", **hints):
    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    return extract_metadata(tree, hints, url=url)


# --- names ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, names", [
    ("By Jane Doe", ["Jane Doe"]),
    ("Written by: Jane Doe and Omar Haddad", ["Jane Doe", "Omar Haddad"]),
    ("Jane Doe, Omar Haddad & Li Wei", ["Jane Doe", "Omar Haddad", "Li Wei"]),
    ("Genevieve Carlton, Ph.D.", ["Genevieve Carlton"]),
    ("Tracy Parker, Dietitian", ["Tracy Parker"]),
    ("Keith Barry Senior Autos Reporter", ["Keith Barry"]),
    ("David Jackson - FullStack Editorial Team", ["David Jackson"]),
    ("Benjamin Preston, Updated by Jon Linkov", ["Benjamin Preston"]),
    ("By Jane Doe | March 3, 2025", ["Jane Doe"]),
    ("View all posts by Jane Doe", ["Jane Doe"]),
    ("View all of News Desk's posts.", ["News Desk"]),
    ("['Sergio Martínez']", ["Sergio Martínez"]),
    ("jane@example.com", []),
    ("https://example.com/jane", []),
    ("Staff Writer", []),
    ("Share on Facebook", []),
    ("admin", []),
])
def test_clean_author(raw, names):
    assert clean_author(raw) == names


def test_site_and_its_team_are_no_authors_but_a_person_named_like_the_site_is():
    site = Site(declared=frozenset({"greenleafgardencentre"}), hosts=frozenset({"greenleaf", "ricksteves"}))
    assert clean_author("Greenleaf Garden Centre", site) == []
    assert clean_author("Greenleaf Editorial Team", site) == []
    assert clean_author("Greenleaf", site) == []
    assert clean_author("Rick Steves", site) == ["Rick Steves"]


def test_lower_case_names_only_from_declared_sources():
    assert clean_author("kirstin boatto", strict=False) == ["kirstin boatto"]
    assert clean_author("kirstin boatto") == []
    assert clean_author("jsmith", strict=False) == []
    assert clean_author("jsmith", strict=False, login=True) == ["jsmith"]


def test_split_names_drops_credentials_and_roles_after_the_first_name():
    assert split_names("Dylan Bailey, MS, RD, FAND") == ["Dylan Bailey"]
    assert split_names("Lance Ryan (Content Manager)") == ["Lance Ryan"]
    assert split_names("JWU") == ["JWU"]


def test_commenters_are_never_authors():
    body = ('<article><h1>Story</h1>' + BODY + '</article>'
            '<div id="comments" class="comments-area"><span class="comment-author vcard">'
            '<b class="fn">Peter Quill</b></span> <a rel="author" href="/u/p">Peter Quill</a></div>')
    assert metadata(body=body).values.get("authors") is None


def test_jsonld_person_by_reference_beats_meta_author():
    head = ('<meta name="author" content="Newsroom">'
            '<script type="application/ld+json">{"@graph": ['
            '{"@type": "Article", "headline": "Story", "author": {"@id": "#p1"}},'
            '{"@type": "Person", "@id": "#p1", "name": "Maryam Al-Sayed"}]}</script>')
    meta = metadata(head, "<h1>Story</h1>" + BODY)
    assert meta.values["authors"] == ["Maryam Al-Sayed"]
    assert meta.provenance["authors"] == "jsonld"


def test_organisation_author_only_without_a_person():
    head = ('<script type="application/ld+json">{"@type": "Article", "headline": "Story",'
            '"author": {"@type": "Organization", "name": "Harbour Research Group"}}</script>')
    assert metadata(head, "<h1>Story</h1>" + BODY).values["authors"] == ["Harbour Research Group"]
    byline = '<h1>Story</h1><p class="byline">By Jane Doe</p>' + BODY
    assert metadata(head, byline).values["authors"] == ["Jane Doe"]


# --- titles ---------------------------------------------------------------------------------------

def test_site_name_is_cut_from_either_end():
    assert strip_site_name("Ferry times change – Harbour Light", {"harbourlight"}) == "Ferry times change"
    assert strip_site_name("Harbour Light | Ferry times change", {"harbourlight"}) == "Ferry times change"
    assert strip_site_name("Python: the basics", {"python"}) == "Python: the basics"


def test_pipe_sections_and_entities():
    assert clean_title("Meditation and the brain | Opinion", set()) == "Meditation and the brain"
    assert clean_title("Data tools for 2026 | Python, SQL &#x26; AI", set()) == "Data tools for 2026"


def test_title_keeps_curly_quotes_and_prefers_the_article_h1():
    head = '<title>Why it’s late &#8211; Harbour Light</title><meta property="og:site_name" content="Harbour Light">'
    body = '<div class="site-branding"><h1><a href="/">Harbour Light</a></h1></div><article><h1>Why it’s late</h1>' + BODY
    meta = metadata(head, body)
    assert meta.values["title"] == "Why it’s late"
    assert meta.provenance["title"] == "html"


def test_an_unrelated_h1_loses_to_the_declared_title():
    head = '<meta property="og:title" content="Advent of Code, week two">'
    body = "<article><h1>Day 7</h1>" + BODY + "<h1>Day 8</h1></article>"
    assert metadata(head, body).values["title"] == "Advent of Code, week two"


# --- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2020-07-28T15:16:00+03:00", "2020-07-28T15:16:00+03:00"),
    ("2025-12-02 08:30:10 -0600", "2025-12-02T08:30:10-06:00"),
    ("2025-09-04T13:12:36.000Z", "2025-09-04T13:12:36+00:00"),
    ("Tue, 28 Jul 2020 12:16:00 GMT", "2020-07-28T12:16:00+00:00"),
    ("2024-09-06", "2024-09-06T00:00:00"),
])
def test_parse_datetime_keeps_the_offset(text, expected):
    assert parse_datetime(text).isoformat() == expected


@pytest.mark.parametrize("text, expected", [
    ("July 28, 2020", "2020-07-28"), ("Jul 28th 2020, 3:16 pm", "2020-07-28"), ("28 Juli 2020", "2020-07-28"),
    ("Thu, 09/25/2025 - 11:38", "2025-09-25"), ("28.07.2020", "2020-07-28"), ("Posted on 2020/07/28", "2020-07-28"),
])
def test_parse_human(text, expected):
    assert parse_human(text).date().isoformat() == expected


def test_future_is_never_a_date():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert is_future(now + timedelta(days=1), now)
    assert not is_future(datetime(2026, 1, 1, 10), now)  # naive: could be today somewhere


def test_jsonld_first_and_modified_only_when_later():
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "S",'
            '"datePublished": "2024-03-05T09:30:00+02:00", "dateModified": "2024-03-05T09:30:00+02:00"}</script>'
            '<meta property="article:published_time" content="2024-03-01T00:00:00+00:00">')
    published, modified = find_dates(page(head, BODY), {})
    assert (published.moment.isoformat(), published.origin) == ("2024-03-05T09:30:00+02:00", "jsonld")
    assert modified is None


def test_a_source_whose_modified_precedes_published_is_ignored():
    head = ('<script type="application/ld+json">{"@type": "Article", "datePublished": "2025-06-12",'
            '"dateModified": "2025-06-10"}</script><meta property="article:published_time" content="2022-11-02T10:00:00Z">')
    published, _ = find_dates(page(head, BODY), {})
    assert published.moment.date().isoformat() == "2022-11-02"


def test_naive_dates_take_the_source_timezone_or_are_marked():
    head = '<script type="application/ld+json">{"@type": "Article", "datePublished": "2024-05-12 10:30:00"}</script>'
    published, _ = find_dates(page(head, BODY), {"timezone": "Asia/Baghdad"})
    assert published.moment.isoformat() == "2024-05-12T10:30:00+03:00"
    published, _ = find_dates(page(head, BODY), {})
    assert published.origin == "jsonld+naive"


def test_hints_rank_after_page_metadata_and_keep_the_page_offset():
    hints = {"published_at": "2020-07-28T12:16:00+00:00", "origin": "wp-rest"}
    body = '<article><h1>S</h1><time class="entry-date published" datetime="2020-07-28T15:16:00+03:00">x</time>' + BODY
    published, _ = find_dates(page("", body), hints)
    assert (published.moment.isoformat(), published.origin) == ("2020-07-28T15:16:00+03:00", "wp-rest")


def test_comment_and_body_dates_never_beat_the_header():
    body = ('<article><h1>Story</h1><div class="entry-meta"><time datetime="2020-07-28T15:16:00+03:00">'
            'July 28, 2020</time></div><p>Editing Date: 7/28/28 15:16</p>' + BODY + '</article>'
            '<ol class="comment-list"><li class="comment"><time datetime="2020-07-27T08:00:00+03:00">x</time></li></ol>')
    meta = metadata(body=body)
    assert meta.values["published_at"].isoformat() == "2020-07-28T15:16:00+03:00"
    assert meta.provenance["published_at"] == "html"


def test_updated_label_is_modified_not_published():
    body = ('<article><h1>Story</h1><div class="meta">Published <time datetime="2023-01-05">Jan 5, 2023</time>'
            ' · Updated <time datetime="2024-02-01">Feb 1, 2024</time></div>' + BODY + '</article>')
    published, modified = find_dates(page("", body), {})
    assert published.moment.date().isoformat() == "2023-01-05"
    assert modified.moment.date().isoformat() == "2024-02-01"


def test_seed_page_keeps_its_published_instant():
    case = PAGES / "tigris-daily" / "seed-twentytwentyone"
    if not case.exists():
        pytest.skip("seed fixture not present")
    record = extract_article((case / "response.html").read_bytes(),
                             "http://127.0.0.1:8089/2020/07/28/in-diyala-the-first-security-meeting-between-the-army-and-the-peshmerga/",
                             content_type="text/html; charset=UTF-8")
    assert record.published_at == "2020-07-28T15:16:00+03:00"


# --- the rest -------------------------------------------------------------------------------------

def test_chrome_tokens_are_words_not_substrings():
    assert chrome_token("related-posts") and chrome_token("primary-sidebar") and chrome_token("widget_text")
    assert not chrome_token("aux-sidebar-style-border")
    assert not chrome_token("elementor-widget-heading")
    assert not chrome_token("category-language-learning-recommendation")


def test_language_detection_overrides_a_declared_language_in_another_script():
    assert detect_language("افتتاح جسر جديد على نهر دجلة في بغداد بعد سنوات من العمل") == "ar"
    assert detect_language("The council said that the bridge would be ready in the spring and that the work on it was on time, as planned") == "en"
    head = '<title>افتتاح جسر جديد</title>'
    body = "<h1>افتتاح جسر جديد على نهر دجلة</h1><p>" + "افتتح اليوم جسر جديد على نهر دجلة في بغداد. " * 5 + "</p>"
    tree = lxml.html.document_fromstring(f'<html lang="en-US"><head>{head}</head><body>{body}</body></html>')
    meta = extract_metadata(tree, {}, url="https://news.example/a")
    assert (meta.values["language"], meta.provenance["language"]) == ("ar", "detected")


def test_wordpress_block_theme_terms():
    body = ('<article><h1>S</h1>' + BODY +
            '<div class="taxonomy-category wp-block-post-terms"><a href="/category/iraq/" rel="tag">Iraq</a></div>'
            '<div class="taxonomy-post_tag wp-block-post-terms"><a href="/tag/dams/" rel="tag">dams</a></div></article>')
    meta = metadata(body=body)
    assert meta.values["categories"] == ["Iraq"]
    assert meta.values["tags"] == ["dams"]


def test_ambiguous_numeric_date_takes_the_reading_the_page_confirms():
    body = '<article><h1>Wine styles</h1><div class="blog-date">03/10/2023</div>' + BODY + '</article>'
    confirmed = page("", body, url="https://wine.example/blog/2023/october/03/wine-styles/")
    assert find_dates(confirmed, {})[0].moment.date().isoformat() == "2023-10-03"
    unconfirmed = page("", body, url="https://wine.example/blog/wine-styles/")
    assert find_dates(unconfirmed, {})[0].moment.date().isoformat() == "2023-03-10"
