"""One vocabulary and one set of DOM helpers for every extraction step: whitespace squashed one
way (no-break spaces kept), class/id tokens split one way, and one chrome-word list that the body's
pruning and the metadata's chrome rule both read (the body leaving out layout words and "sidebar")."""

from __future__ import annotations

import lxml.html

from crawler.extract import extract_article
from crawler.extract.dom import class_words, marker, squash, token_words
from crawler.extract.evidence import chrome_token
from crawler.extract.prune import BODY_CHROME_WORDS, prune
from crawler.extract.vocabulary import CHROME_WORDS, LAYOUT_WORDS

STORY = " ".join(["The reservoir council met the farmers on the border road to agree on the season's water."] * 3)


def test_squash_keeps_no_break_spaces_and_squashes_ascii_whitespace():
    assert squash("  10\u00a0km \t of\n\nroad ") == "10\u00a0km of road"
    assert squash(None) == "" and squash("") == ""


def test_class_tokens_split_into_words_one_way():
    assert token_words("relatedPosts_list") == ["related", "posts", "list"]
    assert token_words("md:sidebar--left") == ["md", "sidebar", "left"]
    element = lxml.html.fromstring('<div class="content-sidebar-wrap share_box" id="mainShare"></div>')
    assert marker(element) == "content-sidebar-wrap share_box mainShare"
    assert class_words(element) == {"content", "sidebar", "wrap", "share", "box", "main"}


def test_one_chrome_word_list_for_metadata_and_body():
    # layout words name devices, not roles; "sidebar" names layouts around the story as often
    assert BODY_CHROME_WORDS == CHROME_WORDS - set(LAYOUT_WORDS) - {"sidebar"}
    assert chrome_token("author-bio") and chrome_token("newsletter-cta")  # words the body list brought
    assert not chrome_token("content-sidebar-wrap")


def test_pruning_keeps_the_wrapper_named_for_its_sidebar_and_drops_chrome_by_its_words():
    html = (f'<html><body><div class="content-sidebar-wrap"><main><article><h1>Council agrees water plan</h1>'
            f'<p>{STORY}</p></article></main><div class="newsletter-box"><p>Subscribe today</p></div>'
            f'<div class="author-bio"><p>Jane writes about water.</p></div></div></body></html>')
    tree = lxml.html.fromstring(html)
    assert prune(tree) == 2
    assert tree.xpath("//div[@class='content-sidebar-wrap']//article")
    assert not tree.xpath("//*[@class='author-bio' or @class='newsletter-box']")


def test_a_story_in_a_sidebar_named_wrapper_is_extracted():
    body = "".join(f"<p>{STORY} ({i})</p>" for i in range(4))
    html = (f'<html><head><title>Council agrees water plan</title></head><body><div class="content-sidebar-wrap">'
            f'<div class="entry-content"><h1>Council agrees water plan</h1>{body}</div>'
            f'<aside class="sidebar"><p>Popular posts</p></aside></div></body></html>')
    record = extract_article(html, "https://example.org/2024/05/01/water-plan/")
    assert record, record
    assert record.body.count(STORY) == 4 and "Popular posts" not in record.body
