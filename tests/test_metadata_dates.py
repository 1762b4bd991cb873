"""Publish-date rules one by one (issue #5): update labels, today widgets, stamps, stand-ins."""

from __future__ import annotations

import lxml.html

from crawler.extract.evidence import Page
from crawler.extract.metadata import extract_metadata
from crawler.extract.published import find_dates, header_dates, header_text_date

BODY = "<p>" + "The river rose again overnight and the ferry stayed in port. " * 6 + "</p>"
URL = "https://news.example/guides/best-ferries/"


def page(head: str = "", body: str = "") -> Page:
    return Page(lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>"), URL)


def dates(head: str = "", body: str = "") -> tuple[str | None, str | None, str | None]:
    """(published day, its provenance, modified day) as `extract_metadata` gives them."""
    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    meta = extract_metadata(tree, {}, url=URL)
    published, modified = meta.values.get("published_at"), meta.values.get("modified_at")
    return (published.date().isoformat() if published else None, meta.provenance.get("published_at"),
            modified.date().isoformat() if modified else None)


def test_the_elements_own_update_label_beats_its_class_name():
    body = ('<article><h1>Best ferries</h1><div class="date-time"><time class="published-date" '
            'datetime="2025-04-10T06:00">Updated April 10, 2025</time></div>' + BODY + '</article>')
    published, modified = header_dates(page("", body))
    assert not published and modified[0].moment.date().isoformat() == "2025-04-10"
    body = ('<article><h1>Best ferries</h1><span class="post-date"><span class="desktop">Last Updated</span> '
            '<span class="mobile">on</span> <span class="date">Feb 27, 2025</span></span>' + BODY + '</article>')
    published, modified = header_dates(page("", body))
    assert not published and modified


def test_a_bare_time_in_a_wrapper_named_changed_is_a_modified_date():
    body = ('<article><h1>Best ferries</h1><div class="field field--name-changed"><time class="datetime" '
            'datetime="2025-02-12T14:36:23-05:00">February 12, 2025</time></div>' + BODY + '</article>')
    published, modified = header_dates(page("", body))
    assert not published and modified[0].moment.isoformat() == "2025-02-12T14:36:23-05:00"


def test_a_todays_date_widget_is_no_story_date():
    body = ('<div class="block-date"><p id="todays-date-custom"><strong>Friday</strong>, December 19, 2025</p></div>'
            '<article><h1>Taxes explained</h1><p>12.12.2025</p>' + BODY + '</article>')
    assert dates(body=body)[0] == "2025-12-12"


def test_a_month_name_is_no_label_so_the_update_label_before_it_counts():
    body = ('<article><h1>Best cheap laptops</h1><div class="byline"><div>Updated <time>January 16, 2025</time>'
            '</div></div><p>Written by Ann Lee</p>' + BODY + '</article>')
    here = page("", body)
    assert header_text_date(here, here.tree.find(".//h1")) is None
    body = body.replace("Updated ", "Last updated</div><div>on ")  # the label two pieces before
    here = page("", body)
    assert header_text_date(here, here.tree.find(".//h1")) is None
    here = page("", body.replace("Last updated", "Posted"))
    assert header_text_date(here, here.tree.find(".//h1")).moment.date().isoformat() == "2025-01-16"


def test_a_bare_iso_day_under_the_headline_is_read():
    body = '<article><h1>How robots map a room</h1><h5><span>2024-11-06</span></h5>' + BODY + '</article>'
    assert dates(body=body)[:2] == ("2024-11-06", "html+naive")


def test_a_save_stamp_written_twice_with_two_offsets_gives_way_to_the_header_day():
    head = ('<meta name="DC.date" content="2024-07-05T14:20:08Z">'
            '<meta property="og:updated_time" content="2024-07-05T14:20:08-04:00">')
    body = ('<main><section class="title-bar"><time class="title-bar__date" datetime="2024-03-01 05:00:00">'
            'March 1, 2024</time></section><h1>Healthy eating tips</h1>' + BODY + '</main>')
    assert dates(head, body)[0] == "2024-03-01"


def test_equal_jsonld_stamps_give_way_to_an_older_day_by_the_headline():
    head = ('<script type="application/ld+json">{"@type": "Article", "headline": "Cleaning prices",'
            '"datePublished": "Nov 05, 2025", "dateModified": "Nov 05, 2025"}</script>')
    body = '<article><h1>Cleaning prices</h1><div class="meta"><p>January 31, 2024</p></div>' + BODY + '</article>'
    assert dates(head, body)[0] == "2024-01-31"


def test_a_day_shown_by_the_headline_wins_over_declared_stamps_equal_or_not():
    """One rule for a stale CMS stamp: the header's own day wins when the metadata gives it neither
    as published nor as modified, whether the two declared stamps are equal (a last-saved stamp)
    or not; a shown day one day off the stamp is the same day in another zone and keeps it."""
    for modified in ("2025-11-05T10:00:00+00:00", "2025-11-20T10:00:00+00:00"):
        head = ('<script type="application/ld+json">{"@type": "Article", "headline": "Cleaning prices",'
                f'"datePublished": "2025-11-05T10:00:00+00:00", "dateModified": "{modified}"}}</script>')
        body = '<article><h1>Cleaning prices</h1><div class="meta"><p>January 31, 2024</p></div>' + BODY + '</article>'
        assert dates(head, body)[:2] == ("2024-01-31", "html+naive")
        assert dates(head, body.replace("January 31, 2024", "November 4, 2025"))[:2] == ("2025-11-05", "jsonld")


def test_a_json_ld_creation_stamp_gives_way_to_the_day_the_page_shows():
    """dateCreated (without datePublished) is the CMS's record of the node, stamped again when a
    site moves: the day written under the headline comes first; with none, the stamp is still read
    last (htmldate's guess)."""
    head = ('<script type="application/ld+json">{"@type": "Article", "headline": "Fitness protocol",'
            '"dateCreated": "2023-08-25T09:00:00+00:00"}</script>')
    body = '<article><h1>Fitness protocol</h1><p class="date">November 2, 2022</p>' + BODY + '</article>'
    assert dates(head, body)[:2] == ("2022-11-02", "html+naive")
    assert dates(head, '<article><h1>Fitness protocol</h1>' + BODY + '</article>')[:2] == ("2023-08-25", "detected+naive")


def test_an_update_day_stands_in_for_the_published_day_when_nothing_is_older():
    body = ('<article><h1>Best tutors</h1><span class="whitespace-nowrap">Updated: <span class="font-medium">'
            'December 31, 2024</span></span>' + BODY + '</article>')
    assert dates(body=body)[0] == "2024-12-31"


def test_no_published_day_when_the_storys_own_picture_is_older_than_its_update():
    head = ('<meta property="og:image" content="https://cams.example/wp-content/uploads/2019/08/cameras.jpg">'
            '<meta property="article:modified_time" content="2025-02-27T19:16:59+00:00">')
    body = ('<article><h1>Best security cameras</h1><span class="post-date">Last Updated on '
            '<span class="date">Feb 27, 2025</span></span>' + BODY + '</article>')
    published, _, modified = dates(head, body)
    assert published is None and modified == "2025-02-27"


def test_a_picture_readied_the_month_before_says_nothing_about_the_storys_age():
    head = '<meta property="og:image" content="https://cams.example/wp-content/uploads/2025/01/cameras.jpg">'
    body = ('<article><h1>Best security cameras</h1><span class="post-date">Last Updated on '
            '<span class="date">Feb 27, 2025</span></span>' + BODY + '</article>')
    assert dates(head, body)[0] == "2025-02-27"


def test_the_stand_in_is_the_update_day_the_metadata_confirms():
    head = ('<script type="application/ld+json">{"@type": "Article", "headline": "Best programs",'
            '"dateModified": "2025-12-11 00:00:00"}</script>')
    body = ('<article><h1>Best programs</h1><div><span>Updated on December 11, 2025</span></div>' + BODY +
            '<div class="cards"><p class="card-date">Updated October 17, 2025</p></div></article>')
    assert dates(head, body)[0] == "2025-12-11"


def test_a_guess_on_the_modified_day_is_not_taken_for_the_published_day():
    head = '<meta property="article:modified_time" content="2024-03-19T14:01:40+00:00">'
    body = '<article><h1>Coffee</h1><p>Page reviewed 2024-03-19.</p>' + BODY + '</article>'
    published, modified = find_dates(page(head, body), {})
    assert published is None or published.moment.date().isoformat() != "2024-03-19"
    assert modified.moment.date().isoformat() == "2024-03-19"


def test_header_dates_come_from_elements_before_the_story_whatever_comments_sit_between():
    """The walk over elements only (comments skipped, cues remembered) finds what the story's
    header shows: microdata on any element, a dated class on a short box, a <time>; an unlabelled
    date below the story's first long paragraph is not the story's."""
    body = ('<!-- masthead --><article><h1>Best ferries</h1><!-- byline --><h6 itemprop="datePublished" '
            'content="2025-03-01T08:00:00+03:00">March 1</h6><!-- x --><span class="entry-date">'
            'Updated March 4, 2025</span>' + BODY + '<!-- after --><p class="meta-time">April 9, 2025</p>'
            '<time datetime="2025-04-10">April 10</time></article>')
    for _ in range(2):  # the second time from remembered class cues
        published, modified = header_dates(page("", body))
        assert [d.moment.isoformat() for d in published] == ["2025-03-01T08:00:00+03:00"]
        assert [d.moment.date().isoformat() for d in modified] == ["2025-03-04"]
    shown, _ = header_dates(page('<meta itemprop="datePublished" content="2025-02-01">', body), shown=True)
    assert [d.moment.isoformat() for d in shown] == ["2025-03-01T08:00:00+03:00"]


def test_a_day_only_update_stamp_of_the_published_day_keeps_both_meta_tags():
    # Drupal writes its update as the bare day ("- 00:00"): on the published day that is no
    # update before the story, so the published instant is kept with its time
    head = ('<meta property="og:updated_time" content="Thu, 09/25/2025 - 00:00">'
            '<meta property="article:published_time" content="Thu, 09/25/2025 - 11:38">')
    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body><h1>Best ferries</h1>{BODY}</body></html>")
    meta = extract_metadata(tree, {}, url=URL)
    assert meta.values["published_at"].isoformat() == "2025-09-25T11:38:00"
    assert meta.provenance["published_at"].startswith("meta")
    # an update stamped a day before the story still discredits the pair
    earlier = head.replace("09/25/2025 - 00:00", "09/24/2025 - 00:00")
    assert not (dates(earlier, f"<h1>Best ferries</h1>{BODY}")[1] or "").startswith("meta")


def test_a_meta_tag_named_published_dates_the_story():
    assert dates('<meta name="published" content="July 17, 2025">', BODY)[:2] == ("2025-07-17", "meta+naive")
