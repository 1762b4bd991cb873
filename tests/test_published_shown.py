"""Publish-date rules of issue #17: which of the story's declared days the page shows its readers."""

from __future__ import annotations

import json

import lxml.html

from crawler.extract.metadata import extract_metadata

BODY = "<p>" + "The orchard kept its oldest trees through the dry summer and the frost after it. " * 6 + "</p>"
URL = "https://orchards.example/guides/keeping-old-trees/"


def published(head: str = "", body: str = "") -> str | None:
    """The published instant `extract_metadata` gives, as ISO text."""
    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    moment = extract_metadata(tree, {}, url=URL).values.get("published_at")
    return moment.isoformat() if moment else None


def ld(**dates: str) -> str:
    node = {"@context": "https://schema.org", "@type": "Article", "headline": "Keeping old trees", **dates}
    return f'<script type="application/ld+json">{json.dumps(node)}</script>'


LD = ld(datePublished="2021-03-02T09:15:00+00:00", dateModified="2025-06-10T14:40:00+00:00")


def test_json_ld_alone_and_a_header_showing_only_its_update_day_give_that_day():
    body = ('<article><h1>Keeping old trees</h1><div class="byline"><span>By Ann Lee</span> '
            '<span>Updated June 10, 2025</span></div>' + BODY + '</article>')
    assert published(LD, body) == "2025-06-10T14:40:00+00:00"
    bare = body.replace("Updated June 10, 2025", "June 10, 2025")  # shown without a label
    assert published(LD, bare) == "2025-06-10T14:40:00+00:00"


def test_microdata_alone_counts_as_declared_not_shown():
    head = '<meta property="article:modified_time" content="2025-06-10T14:40:00+00:00">'
    body = ('<article itemscope itemtype="https://schema.org/BlogPosting"><h1>Keeping old trees</h1>'
            '<meta itemprop="datePublished" content="2021-03-02T09:15:00+00:00">'
            '<div class="byline"><span>Updated <time datetime="2025-06-10">June 10, 2025</time></span></div>'
            + BODY + '</article>')
    assert published(head, body) == "2025-06-10T14:40:00+00:00"


def test_a_published_meta_tag_keeps_the_declared_day():
    head = LD + '<meta property="article:published_time" content="2021-03-02T09:15:00+00:00">'
    body = ('<article><h1>Keeping old trees</h1><div class="byline"><span>Updated June 10, 2025</span></div>'
            + BODY + '</article>')
    assert published(head, body) == "2021-03-02T09:15:00+00:00"


def test_the_declared_day_shown_anywhere_in_the_header_keeps_it():
    body = ('<article><h1>Keeping old trees</h1><div class="byline"><span>Published March 2, 2021</span> '
            '<span>Updated June 10, 2025</span></div>' + BODY + '</article>')
    assert published(LD, body) == "2021-03-02T09:15:00+00:00"


def test_a_published_day_in_the_address_keeps_the_declared_day():
    body = ('<article><h1>Keeping old trees</h1><div class="byline"><span>Updated June 10, 2025</span></div>'
            + BODY + '</article>')
    tree = lxml.html.document_fromstring(f"<html><head>{LD}</head><body>{body}</body></html>")
    meta = extract_metadata(tree, {}, url="https://orchards.example/2021/03/02/keeping-old-trees/")
    assert meta.values["published_at"].isoformat() == "2021-03-02T09:15:00+00:00"


def test_no_date_shown_keeps_the_declared_day():
    body = '<article><h1>Keeping old trees</h1><div class="byline">By Ann Lee</div>' + BODY + '</article>'
    assert published(LD, body) == "2021-03-02T09:15:00+00:00"


def test_a_headline_outside_any_h1_anchors_the_date_written_under_it():
    head = '<title>Grafting pears</title><meta property="og:title" content="Grafting pears">'
    body = ('<div class="title"><span>The Orchard Log</span></div><table><tr><td><fieldset>'
            '<legend>Grafting pears</legend> 20 December 2025 <div class="body">' + BODY * 3 +
            '<h1>Step one</h1>' + BODY + '</div></fieldset></td></tr></table>')
    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    meta = extract_metadata(tree, {}, url=URL)
    assert meta.values["published_at"].isoformat() == "2025-12-20T00:00:00"
    assert meta.provenance["published_at"] == "html+naive"  # read under the headline, not guessed


def test_a_line_led_by_a_publishing_label_under_the_story_dates_it_when_nothing_else_does():
    share = ('<div class="addtoany_share_save_container"><a class="a2a_button_email" href="#"></a></div>'
             '<div style="text-align:right;">Post time: 01-04-2024</div><hr>')
    # a long story (the line is far below the headline's few text pieces) whose page declares
    # only its update, with a picture uploaded long before it: the update does not stand in
    head = '<meta property="article:modified_time" content="2025-12-23T08:00:00+00:00">'
    picture = '<img src="https://orchards.example/wp-content/uploads/2023/12/old-trees.jpg">'
    body = f'<div class="blog-detail"><h1>Keeping old trees</h1>{picture}{BODY * 3}{share}</div>'
    assert published(head, body) == "2024-01-04T00:00:00"
    assert published(head, body.replace("Post time", "Views")) is None
    # a declared date comes first
    assert published(LD, body) == "2021-03-02T09:15:00+00:00"
    # labels in the languages the cue words know, the date in the piece or in the next one
    for line, day in [("Veröffentlicht am 3. März 2024", "2024-03-03"), ("Publicado el 14 de marzo de 2024", "2024-03-14"),
                      ("نشر بتاريخ: الثلاثاء 28 تموز 2020", "2020-07-28"),
                      ("<b>Опубликовано:</b> <span>14 марта 2024</span>", "2024-03-14"),
                      ('<i class="icon-clock"></i>Posted on <b>March 3, 2024</b>', "2024-03-03")]:
        assert published(head, body.replace("Post time: 01-04-2024", line)) == day + "T00:00:00", line
    # an update label is no publishing one
    assert published(head, body.replace("Post time: 01-04-2024", "Aktualisiert am 3. März 2024")) is None


def test_a_utility_class_with_an_arbitrary_value_names_no_sidebar():
    # Tailwind sets the layout's widths on the page's section: "[--sidebar-width:18rem]" is no sidebar
    body = ('<section class="page-section [--sidebar-width:18rem] [--content-width:53rem]"><div class="flex">'
            '<h1>Keeping old trees</h1><div class="md:text-right"><span>Published on Oct 21, 2025</span>'
            '<span>Updated on Mar 9, 2026</span></div></div>' + BODY + '</section>'
            '<div class="pt-10 border-t"><div class="group flex"><div class="text-brand-gray">'
            '<a href="/blog/other/">Another story on clouds</a><span>Published on Mar 1, 2026</span></div></div></div>')
    tree = lxml.html.document_fromstring(f"<html><head></head><body>{body}</body></html>")
    meta = extract_metadata(tree, {}, url=URL)
    assert meta.values["published_at"].isoformat() == "2025-10-21T00:00:00"
    assert meta.provenance["published_at"].startswith("html")  # read in the header, not htmldate's guess
