"""URL canonicalisation and the pure parts of the pipelines."""

from __future__ import annotations

import pytest

from crawler.extract import Article, Rejection, content_hash
from crawler.items import CrawledArticle
from crawler.pipelines.errors import InvalidArticle, Rejected
from crawler.pipelines.normalise import NormalisePipeline, clean_body
from crawler.pipelines.validate import ValidatePipeline
from crawler.urls import canonical_url, site_name_of


@pytest.mark.parametrize("raw, canonical", [
    ("HTTP://Example.COM:80/a/?utm_source=x&id=3#frag", "http://example.com/a/?id=3"),
    ("https://example.com:443/a?fbclid=1&gclid=2&mc_cid=3", "https://example.com/a"),
    ("http://127.0.0.1:8089/2021/03/14/%D8%A8%D8%BA/", "http://127.0.0.1:8089/2021/03/14/%d8%a8%d8%ba/"),
    ("http://example.com/2021/03/14/بغ/", "http://example.com/2021/03/14/%d8%a8%d8%ba/"),
    ("http://example.com", "http://example.com/"),
    ("http://example.com/?p=20", "http://example.com/?p=20"),
])
def test_canonical_url(raw, canonical):
    assert canonical_url(raw) == canonical


def test_site_name_keeps_a_non_default_port():
    assert site_name_of("http://127.0.0.1:8089/") == "127.0.0.1:8089"
    assert site_name_of("https://News.Example/") == "news.example"


def test_validate_turns_rejections_into_drops_with_their_reason():
    with pytest.raises(Rejected) as caught:
        ValidatePipeline().process_item(Rejection("http://s/x", "not_html", "application/pdf"))
    assert (caught.value.reason, caught.value.detail) == ("not_html", "application/pdf")
    with pytest.raises(InvalidArticle):
        ValidatePipeline().process_item(Article(url="http://s/x", title=" ", body="text"))


def test_normalise_cleans_whitespace_dates_names_and_hash():
    item = CrawledArticle(url="HTTP://S.example/a?utm_medium=x", title=" A\n title ", body="one  \n\n\n two\nthree",
                          authors=["Jane  Doe", "jane doe", "Omar"], published_at="2020-07-28 15:16:00+0300")
    item = NormalisePipeline().process_item(item)
    assert item.url == "http://s.example/a"
    assert item.title == "A title"
    assert item.body == "one\n\ntwo\n\nthree" == clean_body(item.body)
    assert item.authors == ["Jane Doe", "Omar"]
    assert item.published_at == "2020-07-28T15:16:00+03:00"
    assert item.content_hash == content_hash("one\n\ntwo\n\nthree")


def test_clean_body_squashes_every_run_of_inline_whitespace():
    import random
    import re

    rng = random.Random(7)
    for _ in range(2000):
        body = "".join(rng.choice("ab \t\r\f\v\n\xa0") for _ in range(rng.randint(0, 40)))
        # the plain definition clean_body speeds up: each run of inline whitespace -> one space
        lines = (line.strip() for line in re.sub(r"[ \t\r\f\v]+", " ", body).split("\n"))
        assert clean_body(body) == "\n\n".join(line for line in lines if line), repr(body)
