"""Author extraction rules, one small page per rule (see crawler/extract/authors.py)."""

from __future__ import annotations

import lxml.html

from crawler.extract.authors import clean_author
from crawler.extract.metadata import extract_metadata

BODY = "<p>" + "The river rose again overnight and the ferry stayed in port. " * 6 + "</p>"


def authors(head: str = "", body: str = "", url: str = "https://news.example/story/") -> list[str] | None:
    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    return extract_metadata(tree, {}, url=url).values.get("authors")


# --- bylines outside the article's own container --------------------------------------------------

def test_byline_in_a_hero_banner_beside_the_headline():
    body = ('<div class="hero-banner hero-banner-popup"><h1>Story</h1>'
            '<address class="hero__author-info">by <a class="author-name">Tracy Parker</a></address></div>'
            + BODY)
    assert authors(body=body) == ["Tracy Parker"]


def test_byline_in_a_sidebar_or_aside_when_nothing_else_names_one():
    body = ('<h1>Story</h1>' + BODY + '<aside class="story-aside"><p class="post-author">Written by Ana Ruiz</p>'
            '</aside>')
    assert authors(body=body) == ["Ana Ruiz"]
    sidebar = ('<h1>Story</h1>' + BODY + '<div class="story_sidebar"><div class="author-name">Joakim Berg</div>'
               '</div>')
    assert authors(body=sidebar) == ["Joakim Berg"]


def test_names_in_menus_related_posts_and_the_site_footer_stay_out():
    menu = ('<ul class="sub-menu"><li class="dropdown-menu-header">By Role</li>'
            '<li><a href="/author/jdoe/">Hong Kong Actuary</a></li></ul><h1>Story</h1>' + BODY)
    assert authors(body=menu) is None
    related = ('<h1>Story</h1>' + BODY + '<div class="related-posts"><span class="byline">by Meg Ward</span></div>'
               '<div class="footer"><a class="author" href="/about">Site Builder Agency</a></div>')
    assert authors(body=related) is None


def test_a_state_flag_or_a_position_is_no_chrome_name():
    body = ('<div class="banner hasSlider"><h1>Story</h1><div class="author-info">Rachel Mason</div></div>'
            + BODY)
    assert authors(body=body) == ["Rachel Mason"]
    below = ('<div class="post-section under-menu"><h1>Story</h1><span><a href="/search?q=Mia">by Mia Weeden'
             '</a></span></div>' + BODY)
    assert authors(body=below) == ["Mia Weeden"]


def test_a_trademark_is_a_brand_not_a_name():
    body = '<h1>Story</h1>' + BODY + '<div class="widget"><div class="byline">Websites by CivicPlus®</div></div>'
    assert authors(body=body) is None


# --- the visible byline against the declared authors ------------------------------------------------

LD_AUTHOR = ('<script type="application/ld+json">{"@type": "BlogPosting", "headline": "Story",'
             '"author": {"@type": "Person", "name": "%s"}}</script>')


def test_a_by_line_naming_another_person_beats_the_declared_account():
    body = '<article><h1>Story</h1><p>By: Paula Fenwick</p>' + BODY + '</article>'
    assert authors(LD_AUTHOR % "Luke Daly", body) == ["Paula Fenwick"]
    meta = '<meta name="author" content="KatieS">'
    assert authors(meta, body) == ["Paula Fenwick"]


def test_the_declared_author_stays_when_the_byline_agrees_or_is_no_person():
    agrees = '<article><h1>Story</h1><p class="byline">By Luke Daly and Acme</p>' + BODY + '</article>'
    assert authors(LD_AUTHOR % "Luke Daly", agrees) == ["Luke Daly"]
    section = '<article><h1>Story</h1><p class="byline">By Topic</p>' + BODY + '</article>'
    assert authors(LD_AUTHOR % "Luke Daly", section) == ["Luke Daly"]
    box = ('<article><h1>Story</h1>' + BODY + '<div class="author-box">Brian Stone, CFP. Brian advises '
           'families on their savings.</div></article>')
    assert authors(LD_AUTHOR % "Erica Need", box) == ["Erica Need"]  # an author box is no "By" line


def test_co_authors_the_declared_data_left_out_are_added():
    body = ('<article><h1>Story</h1><p class="byline">By Dr Mara Vale, Dr Dieter Voss and Erik Veld</p>'
            + BODY + '</article>')
    assert authors(LD_AUTHOR % "Mara Vale", body) == ["Dr Mara Vale", "Dr Dieter Voss", "Erik Veld"]


# --- what the byline's text holds besides names ---------------------------------------------------

def test_a_role_after_the_name_goes_with_its_and_and_the_employer_after_it():
    assert clean_author("Danielle Pardo, Head of Marketing and Community Development") == ["Danielle Pardo"]
    assert clean_author("Daniel Burt, Senior Director, Content & Marketing, Acme and Beta Institute") == [
        "Daniel Burt"]
    assert clean_author("Rui Mao, Heba Ledo, Manoel Cortes & Suparn Pal") == [
        "Rui Mao", "Heba Ledo", "Manoel Cortes", "Suparn Pal"]


def test_a_short_lead_in_before_written_by():
    assert clean_author("This post was written by Dana Pell, Head of Marketing") == ["Dana Pell"]
    assert clean_author("This blog post was authored by Jake Dunn") == ["Jake Dunn"]
    assert clean_author("Article written by: Omar Haddad") == ["Omar Haddad"]
    body = '<article><h1>Story</h1><p>The statement was posted by John Smith on Monday.</p>' + BODY + '</article>'
    assert authors(body=body) is None  # a sentence of the story, not a byline


def test_category_links_after_by_are_no_authors():
    body = ('<article><h1>Story</h1><div class="meta"><span>By</span><span>'
            '<a href="/checklists/" rel="tag">Wedding Checklists</a><a href="/planning/" rel="category tag">'
            'Planning</a></span><a href="/author/nm/" rel="author">Niamh Mallon</a></div>' + BODY + '</article>')
    assert authors(body=body) == ["Niamh Mallon"]


def test_a_team_byline_gives_way_to_a_person_further_on():
    body = ('<article><h1>Story</h1><a href="/author/team">By Team Lumen</a>' + BODY
            + '<p class="author-line">Written by Paulo Giordano</p></article>')
    assert authors(body=body) == ["Paulo Giordano"]
    spotlight = ('<article><h1>Story</h1><a href="/author/team">By Team Lumen</a>' + BODY
                 + '<div class="author-wrapper">Author Spotlight</div></article>')
    assert authors(body=spotlight) == ["Team Lumen"]


def test_labels_before_the_name_in_the_next_element():
    contributors = ('<article><h1>Story</h1><div class="tags"><div><strong>Contributors:</strong> Janet Lowry'
                    '</div></div>' + BODY + '</article>')
    assert authors(body=contributors) == ["Janet Lowry"]
    written = ('<article><h1>Story</h1>' + BODY + '<section><h2>Article written by:</h2><div><img src="/d.jpg">'
               '<h3>Dora Mantilla, MD, FOMA</h3></div></section></article>')
    assert authors(body=written) == ["Dora Mantilla"]


def test_a_date_before_the_name_and_on_behalf_of_after_it():
    assert clean_author("Dec. 19, 2025 · Nils Mattson on behalf of Vision Doc group") == ["Nils Mattson"]
    body = ('<section><h1>Story</h1><div class="publish-date-author">Dec. 19, 2025 · Nils Mattson on behalf of '
            'the Docs group</div>' + BODY + '</section>')
    assert authors(body=body) == ["Nils Mattson"]


# --- a one-person site ------------------------------------------------------------------------------

def test_a_person_named_site_on_their_own_host_is_its_author():
    home = '<header><a class="title" href="/">Owen Brannigan</a></header><h1>Story</h1>' + BODY
    assert authors(body=home, url="https://owen.blogland.example/posts/story") == ["Owen Brannigan"]
    home = '<header><a href="/">Kristoffer Almann</a></header><h1>Story</h1>' + BODY
    assert authors(body=home, url="https://www.almann.example/articles/story") == ["Kristoffer Almann"]


def test_a_brand_is_no_site_owner():
    for name, url in (("Levine Music", "https://levinemusic.example/blog/x"),
                      ("Google Cloud", "https://cloud.google.example/learn/x"),
                      ("Ecovac US", "https://ecovac.example/blog/x"),
                      ("ECOVACS Robotics", "https://ecovacs.example/blog/x")):
        head = f'<meta property="og:site_name" content="{name}">'
        home = f'<header><a href="/">{name}</a></header><h1>Story</h1>'
        assert authors(head, home + BODY, url=url) is None, name
    head = '<meta property="og:site_name" content="Greenhouse Conservatory">'  # a declared name alone
    assert authors(head, "<h1>Story</h1>" + BODY, url="https://greenhouse.example/conservatory/x") is None


def test_the_site_owner_only_when_the_page_names_no_one():
    body = ('<header><a href="/">Owen Brannigan</a></header><article><h1>Story</h1><p class="byline">By Maya Lund'
            '</p>' + BODY + '</article>')
    assert authors(body=body, url="https://owen.blogland.example/posts/story") == ["Maya Lund"]


def test_an_authors_label_over_a_list_names_every_item():
    body = ('<article><h1>Story</h1><div class="details"><h6>Author(s)</h6><ul><li><a href="/library/?a=1">'
            'John A. Alder</a></li><li><a href="/library/?a=2">David C. Mow</a></li></ul></div>' + BODY + '</article>')
    assert authors(body=body) == ["John A. Alder", "David C. Mow"]


def test_a_written_by_sentence_names_the_author_but_does_not_overrule_the_declared_one():
    body = ('<article><h1>Story</h1><p><em>This post was written by <a href="/providers/2838/vm">Vera Mendel, MD'
            '</a>, gastroenterologist, Parkview Clinic.</em></p>' + BODY + '</article>')
    assert authors(body=body) == ["Vera Mendel"]
    declared = '<meta name="author" content="Method Studio">'
    body = ('<article><h1>Story</h1>' + BODY + '<p><strong>This blog post was authored by Jake Dunn, Managing '
            'Principal, Method Studio.</strong></p></article>')
    assert authors(declared, body) == ["Method Studio"]


def test_a_lower_case_role_after_the_name_takes_the_employer_with_it():
    assert clean_author("Vera Mendel, MD, gastroenterologist, Parkview Clinic") == ["Vera Mendel"]
    assert clean_author("Ana Li, Bo Chen, and Cy Diaz") == ["Ana Li", "Bo Chen", "Cy Diaz"]


# --- an unmarked line under the headline -----------------------------------------------------------

def test_a_date_and_a_name_under_the_headline():
    for line in ("<p>Aaron Rickard | Senior Writer | July 2, 2025</p>",
                 "<p>Aaron Rickard · 5 min read · Jul 2, 2025</p>",
                 "<div><span>2025-12-17</span><span>·</span><a title='T'>Trond Tegner</a></div>",
                 "<p>Dec 26, 2025 <span>&bull;</span> <img src='/a.png'> Mahua Dass in <a href='/pm'>Sections</a></p>"):
        body = f"<main><header><h1>Story</h1>{line}</header>{BODY}</main>"
        assert authors(body=body) is not None and len(authors(body=body)) == 1, line
    assert authors(body=f"<main><header><h1>Story</h1><p>Aaron Rickard | Senior Writer | July 2, 2025</p></header>"
                        f"{BODY}</main>") == ["Aaron Rickard"]


def test_no_name_from_a_headline_line_without_a_date_or_with_a_section():
    for line in ("<p>Aaron Rickard | Senior Writer</p>", "<p>Business | July 2, 2025</p>",
                 "<p>Home | Blog | Health Tips</p>", "<p>Business · Tech · July 2, 2025</p>"):
        assert authors(body=f"<main><h1>Story</h1>{line}{BODY}</main>") is None, line


# --- no name from a section or a browsing link ------------------------------------------------------

def test_a_section_in_the_byline_slot_is_no_name():
    body = '<article><h1>Story</h1><section class="byline">March 20, 2023 | Wellness &amp; Prevention</section>'
    assert authors(body=body + BODY + '</article>') is None
    assert clean_author("Ana Li & Bo Chen") == ["Ana Li", "Bo Chen"]


def test_by_facet_links_are_no_bylines():
    body = ('<div class="browse"><a href="/browse-by-category/">By Category</a><a href="/browse-by-maker/">'
            'By Manufacturer</a></div><h1>Story</h1>' + BODY)
    assert authors(body=body) is None
    assert authors(body='<h1>Story</h1><a href="/author/clay/">By Clayton</a>' + BODY) == ["Clayton"]


def test_every_author_link_of_one_byline_block_up_to_an_editor():
    body = ('<article><h1>Story</h1><div class="article-byline"><strong>Written by</strong><br><strong>'
            '<a href="/authors/adrian-ruiz">Adrian Ruiz</a></strong>, 4+ years covering hardware<br><strong>'
            '<a href="/authors/joan-nell">Joan Nell</a></strong>, senior editor and E Ink enthusiast. Edited by '
            '<a href="/authors/kris-zag">Kris Zag</a></div>' + BODY + '</article>')
    assert authors(body=body) == ["Adrian Ruiz", "Joan Nell"]
