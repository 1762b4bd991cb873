"""crawler.prepare: one pure function from a fetched page to the record the pipelines store."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timezone

from crawler import neardup
from crawler.extract import Article, Rejection, content_hash, extract_article
from crawler.items import CrawledArticle
from crawler.pipelines.normalise import NormalisePipeline
from crawler.prepare import extract_page, prepare, prepare_story
from tests.conftest import ROOT

PARAGRAPH = "<p>Engineers finished repairs on the dam after three years of work on its gates and walls.</p>"


def page(published: str = "2025-06-01T09:00:00+03:00", text: str = PARAGRAPH * 4) -> str:
    return (f"<html><head><title>Dam repairs finished</title><meta property='og:type' content='article'>"
            f"<meta property='article:published_time' content='{published}'></head><body><article>"
            f"<h1>Dam repairs finished</h1>{text}</article></body></html>")


JULY = datetime(2025, 7, 1, tzinfo=timezone.utc)


def test_the_same_page_and_time_give_the_same_record():
    first, second = prepare(page(), "https://S.example/dam?utm_source=x", {}, JULY), \
        prepare(page(), "https://S.example/dam?utm_source=x", {}, JULY)
    assert first.to_dict() == second.to_dict() and first.minhash_bands == second.minhash_bands
    assert first.url == "https://s.example/dam" and first.normalised
    assert first.fetched_at == "2025-07-01T00:00:00+00:00"
    assert first.content_hash == content_hash(first.body)
    assert first.minhash_bands == neardup.bands(neardup.signature(first.body))


def test_dates_are_judged_at_the_fetch_time_not_by_a_clock():
    # fetched before the date it states: that date is no publication date (a future one) ...
    early = prepare(page(), "https://s.example/dam", {}, datetime(2025, 5, 1, tzinfo=timezone.utc))
    # ... fetched after it, it is
    late = prepare(page(), "https://s.example/dam", {}, JULY)
    assert early.published_at != "2025-06-01T09:00:00+03:00"
    assert late.published_at == "2025-06-01T09:00:00+03:00"
    assert extract_article(page(), "https://s.example/dam", now=JULY).published_at == late.published_at
    assert extract_article(page(), "https://s.example/dam", fetched_at="2025-05-01T00:00:00+00:00"
                           ).published_at == early.published_at


def test_the_since_rule_is_prepares():
    old = prepare(page(), "https://s.example/dam", {"since": date(2025, 6, 2)}, JULY)
    assert isinstance(old, Rejection) and old.reason == "before_since"
    assert old.detail == "published 2025-06-01T09:00:00+03:00, before 2025-06-02"
    assert isinstance(prepare(page(), "https://s.example/dam", {"since": date(2025, 6, 1)}, JULY), CrawledArticle)


def test_a_story_in_parts_is_prepared_once_joined():
    one = extract_page(page(), "https://s.example/dam/", {"min_body_chars": 1}, JULY)
    text = "".join(f"<p>The second page tells how gate {n} was rebuilt, stone by stone, by hand.</p>" for n in range(3))
    two = extract_page(page(text=text), "https://s.example/dam/", {"min_body_chars": 1}, JULY)
    assert not isinstance(one, CrawledArticle) and not isinstance(two, CrawledArticle)  # parts are not signed
    bodies = one.body, two.body
    story = prepare_story([one, two], {"min_body_chars": 200}, JULY)
    assert story.body == "\n\n".join(bodies) and "gate 2 was rebuilt" in story.body
    assert story.content_hash == content_hash(story.body)
    assert story.minhash_bands == neardup.bands(neardup.signature(story.body))
    short = prepare_story([extract_page(page(), "https://s.example/dam/", {"min_body_chars": 1}, JULY)],
                          {"min_body_chars": 5000}, JULY)
    assert isinstance(short, Rejection) and short.reason == "too_short"


def test_the_normalise_pipeline_normalises_only_items_not_prepared():
    prepared = prepare(page(), "https://s.example/dam", {}, JULY)
    prepared.title = "left  as  it  is"  # a prepared item passes unchanged
    assert NormalisePipeline().process_item(prepared).title == "left  as  it  is"
    raw = Article(url="HTTP://S.example/a?utm_medium=x", title=" A\n title ", body="one  \n\n\n two")
    item = NormalisePipeline().process_item(raw)  # as another spider might yield it
    assert (item.url, item.title, item.body, item.normalised) == ("http://s.example/a", "A title", "one\n\ntwo", True)


def test_prepare_imports_nothing_of_scrapy_or_twisted():
    code = ("import sys, crawler.prepare, crawler.parsers.al_rafidain; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted')); "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
