"""The faster ways extraction reads a page (issue #19) answer as the slower ones they replaced:
class queries from one list of classed elements as libxml2's `contains(@class)`, the control-
character test on UTF-8 bytes as the regular expression, the engagement scan from its first
letters as the whole expression, pruning that skips what lies below a removed block removes
and keeps what pruning every element did, and so does stripping a site's learned boilerplate."""

from __future__ import annotations

import random
import re

import lxml.html

from crawler.extract.article import _CONTROL_CHARS, _has_control_chars, _parse
from crawler.extract.boilerplate import (BLOCK_TAGS, CONFIG, Boilerplate, LearnConfig, _links_share,
                                         _structure_key, _text_key, learn_boilerplate, normal_text,
                                         strip_boilerplate)
from crawler.extract.dom import html_parser
from crawler.extract.evidence import Page
from crawler.extract.language import detect_language
from crawler.extract.prose import NOT_TEXT, prose_and_paragraphs, prose_run
from crawler.extract.prune import prune, remove
from crawler.extract.tidy import _ENGAGEMENT_SCAN, ENGAGEMENT

FRAGMENTS = ("cat-links", "tags-links", "taxonomy-category", "site-title", "post", "a")
CLASSES = ("cat-links", "entry cat-links", "tags-links x", "wp-block-site-title", "site-title", "post",
           "taxonomy-category", "menu", "", None)


def _nested_page(seed: int) -> str:
    """A page of nested blocks and links, classes drawn from CLASSES (some nested in their like)."""
    rng = random.Random(seed)

    def block(depth: int) -> str:
        names = rng.choice(CLASSES)
        attribute = f' class="{names}"' if names is not None else ""
        inner = "".join(block(depth + 1) if depth < 4 and rng.random() < 0.5 else
                        f'<a href="/t/{rng.randrange(99)}" class="{rng.choice(CLASSES) or ""}">t{rng.randrange(99)}</a>'
                        for _ in range(rng.randrange(1, 4)))
        return f"<div{attribute}>{inner}<!-- note --></div>"

    return f"<html><head><title>x</title></head><body>{''.join(block(0) for _ in range(4))}</body></html>"


def test_class_queries_answer_as_contains_in_xpath():
    for seed in range(40):
        tree = lxml.html.document_fromstring(_nested_page(seed), parser=html_parser())
        page = Page(tree, "https://news.example/a")
        for fragment in FRAGMENTS:
            assert page.links_in_class(fragment) == tree.xpath(f'//*[contains(@class, "{fragment}")]//a')
            assert page.with_class(fragment) == tree.xpath(f'//*[contains(@class, "{fragment}")]')
        assert page.with_class("wp-block-site-title", "site-title") == tree.xpath(
            '//*[contains(@class, "wp-block-site-title") or contains(@class, "site-title")]')


def test_control_characters_found_in_bytes_as_the_expression_finds_them():
    for point in [*range(0x300), 0x7ff, 0x800, 0xfeff, 0xd800, 0x10000, 0x10ffff]:
        text = f"ab{chr(point)}é"
        assert _has_control_chars(text) == bool(_CONTROL_CHARS.search(text)), hex(point)


def test_engagement_scan_finds_what_the_whole_expression_finds():
    texts = ["Leave a comment below and follow us on Mastodon!", "PIN IT and share this with a friend",
             "Join our newsletter, sign up for the mailing list", "cleave a reply; rate the recipe",
             "Nothing to see here", "Tag us, subscribe to my feed", "Ein ſubscribe to our list"]
    for text in texts:
        assert [m.span() for m in _ENGAGEMENT_SCAN.finditer(text)] == [m.span() for m in ENGAGEMENT.finditer(text)]


def test_language_words_lower_cased_at_once_or_one_by_one_alike():
    english = "the council and the farmers of the valley met on the road to agree that it is time " * 3
    assert detect_language(english) == "en"
    # "İ" lower-cases to two characters and "Σ" by what follows it: such texts are counted word by word
    turkish = "İstanbul'da the council and the farmers met on the road that is for the people " * 3
    assert detect_language(turkish) == "en"
    assert detect_language("ΟΔΟΣ'Α και η πόλη της Αθήνας είναι μεγάλη " * 5) == "el"


def _pruned(html: str, extra: tuple[str, ...] = ()) -> tuple[int, str]:
    tree = lxml.html.document_fromstring(html, parser=html_parser())
    removed = prune(tree, extra)
    return removed, lxml.html.tostring(tree, encoding="unicode")


def test_pruning_removes_outer_blocks_once_and_reads_on_after_them():
    prose = "The council met the farmers on the border road to agree on the season's water at last. " * 2
    html = ("<html><body><article><p>" + prose + "</p>"
            '<div class="sharedaddy"><div id="comments"><div class="elementor-widget">x</div></div>'
            '<div style="display:none"><p>' + prose + "</p></div></div>tail"
            '<div class="elementor-widget-text"><p>kept</p></div>'
            '<div class="accordion" style="display: none"><p>' + prose + "</p></div>"
            "</article></body></html>")
    removed, out = _pruned(html)
    assert removed == 1  # the share block: the comments inside it go with it, not counted again
    assert "sharedaddy" not in out and 'id="comments"' not in out
    assert "tail" in out  # the text after a removed block stays
    assert 'class="elementor-wdgt-text"' in out  # layout words after it are still neutralised
    assert 'class="accordion"' in out and "display" not in out  # a hidden block after it is still shown
    # XPath selectors read classes the walk rewrites: then every element is walked, as before
    removed, out = _pruned(html, ("article > div.elementor-wdgt-text",))
    assert removed == 2 and "kept" not in out


def test_prune_leaves_unmatched_pages_as_they_were():
    html = '<html><body><main><p class="lead">One paragraph</p><!-- c --><?pi x?></main></body></html>'
    removed, out = _pruned(html)
    assert removed == 0 and re.search(r'<p class="lead">One paragraph</p>', out)


def _strip_every_block(tree, learned: Boilerplate, config=CONFIG) -> int:
    """The rule as first written: every block read, nested ones too, and the page's paragraph
    weights taken up front; the outermost matching blocks removed."""
    root = tree.find("body") if tree.find("body") is not None else tree
    _, weights, total = prose_and_paragraphs(root)
    doomed = []
    for element in root.iter(*BLOCK_TAGS):
        if any(a.tag in NOT_TEXT for a in element.iterancestors()):
            continue
        text = normal_text(element.text_content())
        if not config.min_chars <= len(text) <= config.max_chars:
            continue
        own = prose_run(element.text_content()) if element.tag == "p" else 0
        if total and weights.get(element, 0) + own > config.max_prose_share * total:
            continue
        structure = _structure_key(element)
        dense = structure is not None and _links_share(element, len(text)) >= config.link_density
        if _text_key(text) in learned.texts or (dense and structure in learned.structures):
            doomed.append(element)
    marked = set(doomed)
    outermost = [e for e in doomed if not any(a in marked for a in e.iterancestors())]
    for element in outermost:
        remove(element)
    return len(outermost)


def _boxy_page(rng: random.Random) -> str:
    """A story page with boxes a site repeats (some nested, some hidden in a <noscript>, some
    link lists, one as long as a short story), long texts in Latin and Arabic digits, and a
    story container it may repeat."""
    story = " ".join(rng.choice(("council", "river", "harvest", "border", "market", "١٢٣", "2025", "ß"))
                     for _ in range(rng.randrange(40, 900)))
    boxes = [
        '<div class="newsletter"><p>Sign up for our newsletter to get the 5 top stories every day.</p></div>',
        '<aside class="related posts"><ul>' + "".join(f'<li><a href="/s/{rng.randrange(99)}">Story '
                                                      f'{rng.randrange(99)} of the week here</a></li>' for _ in range(4))
        + "</ul></aside>",
        "<noscript><div class='newsletter'><p>Sign up for our newsletter to get the 5 top stories every day.</p>"
        "</div></noscript>",
        '<section class="promo"><div class="newsletter"><p>Sign up for our newsletter to get the 5 top stories '
        'every day.</p></div><p>Subscribe to the print edition for 12 months today</p></section>',
        f"<div class='long'>{'x ' * rng.choice((1400, 1600, 2100))}{'٣' * rng.randrange(0, 300)}</div>",
        "<div class='tiny'>Straße ßßßßßß</div>",  # 13 characters, 21 once casefolded
        "<div class='copy'><p>" + "The same long paragraph every page of the site carries in full. " * 12 + "</p></div>",
    ]
    chosen = "".join(rng.sample(boxes, rng.randrange(1, len(boxes) + 1)))
    return (f"<html><body><div class='story'><p>{story}</p>{chosen}<p>{story[:200]}</p></div>"
            f"<footer class='site'>{chosen}</footer></body></html>")


def test_boilerplate_stripping_removes_what_reading_every_block_removes():
    rng = random.Random(7)
    pages = [_boxy_page(rng) for _ in range(60)]
    for learned in (learn_boilerplate(pages[:20]), learn_boilerplate(pages[:20], LearnConfig(min_share=0.05)),
                    Boilerplate(structures=frozenset({"aside.posts related#", "div.story#"}))):
        assert learned
        for html in pages:
            fast, slow = _parse(html), _parse(html)
            assert strip_boilerplate(fast, learned) == _strip_every_block(slow, learned)
            assert lxml.html.tostring(fast) == lxml.html.tostring(slow)


# --- authors: a byline string cleaned once, a byline block read once a page ------------------------

BYLINE_PIECES = ("By", "by", "Written by", "Jane Doe", "jane doe", "Omar Haddad", "Dr Mara Vale", "and", ",", "&",
                 "Senior Editor", "PhD", "March 3, 2025", "·", "|", "Edited by", "Team Acme", "Acme", "admin",
                 "jsmith", "5 min read", "Wellness &amp; Prevention", "Manufacturer", "View all posts by Li Wei")


def _byline_strings(rng: random.Random, count: int) -> list[str]:
    return [" ".join(rng.choice(BYLINE_PIECES) for _ in range(rng.randrange(1, 6))) for _ in range(count)]


def test_cleaned_names_are_remembered_as_cleaning_gives_them():
    from crawler.extract.authors import Site, _clean_author, clean_author

    rng = random.Random(3)
    sites = (Site(), Site(frozenset({"acme"}), frozenset({"acme", "acmecom"})))
    for raw in _byline_strings(rng, 400) * 2:  # every string twice: the second reading is remembered
        site = rng.choice(sites)
        for strict, organisation, login in ((True, False, False), (False, False, False), (False, True, False),
                                            (False, False, True), (True, False, True)):
            names = clean_author(raw, site, strict=strict, organisation=organisation, login=login)
            assert names == _clean_author(raw, site, strict, organisation, login), (raw, strict, organisation, login)
            names.append("mutated")  # the caller's list is its own
    smart = lxml.html.fromstring("<p>By Jane Doe</p>").xpath("//p/text()")[0]
    assert clean_author(smart) == ["Jane Doe"]


def _byline_page(rng: random.Random) -> str:
    """A story with byline blocks of the kinds html_authors reads (marked or "By" lines, author
    links, a short parent, a label over a list, a facet link), some in chrome or a teaser."""
    def names() -> str:
        return rng.choice(("Jane Doe", "Omar Haddad", "Team Acme", "jsmith", "Li Wei and Bo Chen"))

    blocks = [
        f'<p class="byline">By <a href="/author/x">{names()}</a></p>',
        f'<div><span class="author-name">{names()}</span>, <a href="/author/y" rel="author">{names()}</a></div>',
        f'<div class="article-byline"><strong>Written by</strong><ul><li>{names()}</li><li>{names()}</li></ul></div>',
        f"<p>By {names()} | March 3, 2025</p>",
        '<a href="/shop/by-maker">By Manufacturer</a>',
        f'<span itemprop="author"><span itemprop="name">{names()}</span></span>',
        f'<aside class="sidebar"><p class="byline">By {names()}</p></aside>',
        f'<div class="related-posts"><article><h3>Other</h3><p class="byline">By {names()}</p></article></div>',
        f'<p class="byline">Edited by {names()}, by {names()}</p>',
    ]
    chosen = "".join(rng.sample(blocks, rng.randrange(1, len(blocks) + 1)))
    return (f"<html><body><header class='site-header'>{rng.choice(blocks)}</header><article><h1>Story</h1>"
            f"{chosen}<p>{'The river rose again overnight. ' * 8}</p></article></body></html>")


def test_byline_blocks_read_once_a_page_give_what_a_fresh_reading_gives():
    from crawler.extract.authors import byline_correction, html_authors

    rng = random.Random(11)
    for _ in range(80):
        html = _byline_page(rng)
        shared = Page(_parse(html), "https://acme.example/2025/03/03/story/")
        h1 = shared.tree.find(".//h1")
        scope = shared.tree.find(".//article")
        readings = [dict(), dict(labelled=True), dict(lenient=True), dict(h1=h1), dict(scope=scope),
                    dict(scope=scope, labelled=True, h1=h1), dict(lenient=True, labelled=True)]
        rng.shuffle(readings)
        for kind in readings:
            fresh = Page(_parse(html), shared.url)
            fresh_kind = {k: (fresh.tree.find(".//h1") if k == "h1" else fresh.tree.find(".//article")
                              if k == "scope" else v) for k, v in kind.items()}
            found = html_authors(shared, **kind)
            assert found == html_authors(fresh, **fresh_kind), (html, kind)
            found.append("mutated")  # the caller's list is its own
        for declared in (["Jane Doe"], ["Acme"], []):
            fresh = Page(_parse(html), shared.url)
            assert byline_correction(shared, declared, scope) == byline_correction(
                fresh, declared, fresh.tree.find(".//article"))


def test_squash_without_a_long_whitespace_run_gives_what_the_expression_gives():
    from crawler.extract.dom import _SPACES, squash

    rng = random.Random(5)
    alphabet = ["a", "Z", "é", " ", " ", "\n", "\t", "\r", "\f", "\v", "\u00a0", "\u2003", "\x1c", "\x85", "\u3000"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        assert squash(text) == _SPACES.sub(" ", text).strip(), repr(text)
    assert squash(None) == "" and squash(" \u00a0x  y\u00a0 ") == "x y"


def test_clean_body_skips_the_substitution_only_where_it_would_change_nothing():
    from crawler.prepare import _INLINE_SPACE_TO_SQUASH, clean_body

    rng = random.Random(9)
    alphabet = ["a", "é", " ", " ", "\n", "\n", "\t", "\r", "\f", "\v", "\u00a0", "\x85"]
    for _ in range(20000):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 14)))
        slow = "\n\n".join(p for p in (p.strip() for p in _INLINE_SPACE_TO_SQUASH.sub(" ", body).split("\n")) if p)
        assert clean_body(body) == slow, repr(body)


MARKS = ("author", "byline", "author-bio", "author_image", "entry-author", "site-footer", "footer", "comments",
         "related-posts", "sidebar", "hentry", "post-footer", "entry-meta", "widget", "menu", "x", " ", "")


def _marked_page(seed: int) -> str:
    """Nested blocks of many tags, with classes and ids drawn from MARKS (or none), some text."""
    rng = random.Random(seed)
    tags = ("div", "span", "a", "p", "footer", "article", "aside", "nav", "section", "header", "figcaption")

    def block(depth: int) -> str:
        tag = rng.choice(tags)
        attrs = "".join(f' {name}="{rng.choice(MARKS)}"' for name in ("class", "id") if rng.random() < 0.6)
        if tag == "a" and rng.random() < 0.5:
            attrs += f' href="/{rng.choice(("author", "tag", "shop"))}/x"'
        inner = "".join(block(depth + 1) if depth < 4 and rng.random() < 0.5 else
                        rng.choice(("By Jane Doe", "Written by Omar", "text", "<!-- c -->", ""))
                        for _ in range(rng.randrange(1, 4)))
        return f"<{tag}{attrs}>{inner}</{tag}>"

    return f"<html><body>{''.join(block(0) for _ in range(5))}</body></html>"


def test_kinds_and_byline_candidates_from_remembered_class_strings_as_read_each_time():
    from crawler.extract.authors import AUTHOR_HREF, AUTHORISH, BY_TEXT, NOT_IN, WRITTEN_BY, _candidates, _not_byline
    from crawler.extract.dom import marker, tokens
    from crawler.extract.evidence import ARTICLE_FOOTER, chrome_token
    from crawler.extract.vocabulary import CHROME_TAGS_IN_ARTICLE

    def kind_read(element) -> str:  # Page._kind as first written
        tag = element.tag if isinstance(element.tag, str) else ""
        names = tokens(element)
        if tag in CHROME_TAGS_IN_ARTICLE or any(chrome_token(t) for t in names):
            return "article" if any(ARTICLE_FOOTER.search(t) for t in names) else "chrome"
        if tag == "footer" or any(t.lower() in ("footer", "site-footer") for t in names):
            return "article" if any(ARTICLE_FOOTER.search(t) for t in names) else "footer"
        return "article" if tag == "article" or "hentry" in names else ""

    def candidates_read(scope) -> list:  # _candidates as first written
        found = []
        for element in scope.iter(lxml.etree.Element):
            tag, get, cue, text = element.tag, element.get, marker(element), element.text
            if tag in NOT_IN:
                continue
            if (get("itemprop") == "author" or "author" in (get("rel") or "").split()
                    or (cue and AUTHORISH.search(cue) and not _not_byline(cue))
                    or (tag == "a" and AUTHOR_HREF.search(get("href") or ""))
                    or (text and not text.isspace() and (BY_TEXT.match(text := text.strip()) or WRITTEN_BY.match(text)))):
                found.append(element)
        return found

    seen = 0
    for seed in range(60):
        tree = _parse(_marked_page(seed))
        page = Page(tree, "https://acme.example/story/")
        for element in tree.iter():
            assert page._kind(element) == kind_read(element), lxml.html.tostring(element)[:200]
        found = _candidates(tree)
        assert found == candidates_read(tree)
        seen += len(found)
    assert seen > 100


def test_script_only_detection_names_what_full_detection_names_in_another_script():
    from crawler.extract.language import script_of
    from crawler.extract.metadata import _language, Meta

    rng = random.Random(13)
    words = ("the", "and", "council", "der", "und", "le", "et", "de", "que", "het", "2025", "مجلس", "في", "и",
             "совет", "ії", "δήμος", "東京", "です", "ニュース", "서울", "नगर", "İstanbul", "ΣΟΦΙΑ", "پچ", "ہے")
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(0, 60)))
        full = detect_language(text)
        assert detect_language(text, scripts_only=True) == (full if full and script_of(full) != "latin" else None)
        lang = rng.choice(("en", "en-US", "ar", "fr_FR", "", "ru", "zz"))
        tree = _parse(f'<html lang="{lang}"><body><p>{text}</p></body></html>')
        meta = Meta()
        _language(Page(tree, "https://acme.example/"), meta, {}, None)
        declared = lang.replace("_", "-").split("-")[0].lower()
        expected = full if full and (not declared or script_of(full) != script_of(declared)) else declared or None
        assert meta.values.get("language") == expected, (lang, text)


def test_shingles_and_number_features_joined_as_bytes_as_encoded_strings():
    from crawler import neardup

    def features_read(text: str, params=neardup.DEFAULT) -> set[bytes]:  # as first written
        text = neardup.clean(text)
        words = neardup._WORD.findall(text.casefold())
        if not words:
            return set()
        if len(words) <= params.shingle:
            found = {" ".join(words).encode()}
        else:
            found = set(map(str.encode, map(" ".join, zip(*(words[i:] for i in range(params.shingle))))))
        for number in {n.replace(",", "") for n in neardup._NUMBER.findall(text)}:
            found.update(f"#{number}#{copy}".encode() for copy in range(params.number_weight))
        return found

    rng = random.Random(17)
    pieces = ("Council", "ﬁnal", "Straße", "İzmir", "مجلس", "東京", "1,250", "3.5", "42", "x_y", "—", ".", "\n\n", "ǅ")
    params = (neardup.DEFAULT, neardup.Params(shingle=2, number_weight=3), neardup.Params(shingle=6, number_weight=12))
    for _ in range(3000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randrange(0, 30)))
        for p in params:
            assert neardup.features(text, p) == features_read(text, p), repr(text)
