"""Boilerplate learned from a whole site (crawler/extract/boilerplate.py), measured on whole sites.

The generated sites' pages are extracted as generated (HTML in, record out: extraction is pure);
the recorded site's pages are fetched from its server on 127.0.0.1. The blocks a site repeats are
learned from its pages, and every story is extracted with and without them and
compared with its truth by the dev set's metric (4-token shingles): precision must go up where a
site repeats blocks inside its stories, recall never down, on every page. Sites: two generated
ones shaped like real news sites (a classic CMS theme with a newsletter box, a consent
placeholder, a "MORE:" strip, photo credits and an author box inside the story; a div-built
theme with a "read more" strip whose links change from page to page) and the recorded WordPress
site (fixtures/sites/tigris-daily), whose stories carry no repeated blocks: nothing may be lost.
"""

from __future__ import annotations

import json
import random
import statistics
import urllib.request
from html import escape

import pytest

from conftest import SITES
from crawler.evaluation import shingles
from crawler.extract import extract_article
from crawler.extract.boilerplate import Boilerplate, learn_boilerplate, strip_boilerplate
from crawler.extract.article import _parse

WORDS = ("council river harvest border market railway school hospital election budget drought festival museum "
         "court university farmers engineers contract bridge airport province villagers agreement reservoir "
         "electricity pipeline exports wheat season officials residents traders teachers governor").split()


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 20))).capitalize() + "."


def _story(rng: random.Random, index: int) -> dict:
    return {"title": f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} report {index}",
            "paragraphs": [" ".join(_sentence(rng) for _ in range(3)) for _ in range(rng.randint(4, 7))]}


def classic_site(count: int = 12, seed: int = 3) -> tuple[dict[str, bytes], dict[str, str]]:
    """(path -> HTML, path -> truth body): a CMS theme that puts its boxes inside the story."""
    rng = random.Random(seed)
    stories = [_story(rng, i) for i in range(count)]
    pages, truth = {}, {}
    for i, story in enumerate(stories):
        path = f"/2024/05/{i + 1:02d}/story-{i}/"
        paragraphs = [f"<p>{escape(p)}</p>" for p in story["paragraphs"]]
        more = "".join(f'<li><a href="/2024/05/{j + 1:02d}/story-{j}/">{escape(stories[j]["title"])}</a></li>'
                       for j in range(count) if j != i)[:600]
        boxes = [
            '<div class="inline-box"><h3>Get the morning briefing</h3><p>Sign up for our free newsletter and get '
            'the day\'s top stories from the region delivered to your inbox every morning.</p>'
            '<p><a href="/newsletter">Sign up now</a></p></div>',
            '<div class="embed-placeholder"><p>This content is not available because you have not accepted '
            'cookies for third-party embeds. Change your consent settings to see it.</p></div>',
            f'<p><strong>MORE:</strong></p><ul>{more}</ul>',
        ]
        body = (paragraphs[:2] + [boxes[0]] + paragraphs[2:3] + [boxes[1]] + paragraphs[3:]
                + ['<p class="credit">Photo credit: Northern Courier photo desk / staff photographer</p>', boxes[2],
                   '<div class="about-writer"><p>Layla Hassan covers regional politics and the economy for the '
                   'Northern Courier from the capital bureau.</p></div>'])
        pages[path] = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(story["title"])}</title>'
            f'<meta property="og:type" content="article"></head><body><header><a href="/">Northern Courier</a>'
            f'</header><main><article><h1>{escape(story["title"])}</h1><div class="story-text">{"".join(body)}'
            f'</div></article></main><footer><p>© Northern Courier</p></footer></body></html>').encode()
        truth[path] = "\n\n".join(story["paragraphs"])
    return pages, truth


def div_site(count: int = 10, seed: int = 5) -> tuple[dict[str, bytes], dict[str, str]]:
    """(path -> HTML, path -> truth body): a div-built theme with a "read more" strip of changing links
    set between the story's paragraphs, and a promo line."""
    rng = random.Random(seed)
    stories = [_story(rng, i) for i in range(count)]
    pages, truth = {}, {}
    for i, story in enumerate(stories):
        path = f"/news/{1000 + i}"
        others = [j for j in range(count) if j != i]
        rng.shuffle(others)
        strip = "".join(f'<div class="rm-item"><a href="/news/{1000 + j}">{escape(stories[j]["title"])} and what '
                        f'the {rng.choice(WORDS)} means for {rng.choice(WORDS)}</a></div>' for j in others[:3])
        paragraphs = [f'<div class="txt">{escape(p)}</div>' for p in story["paragraphs"]]
        body = (paragraphs[:3] + [f'<div class="readmore-strip"><span>Read more</span>{strip}</div>'] + paragraphs[3:]
                + ['<div class="promo-line">Support independent journalism from the valley: become a member '
                   'today from one dollar a month.</div>'])
        pages[path] = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(story["title"])} | Valley Post</title>'
            f'<meta property="og:type" content="article"></head><body><div class="top">Valley Post</div>'
            f'<div class="page"><h1>{escape(story["title"])}</h1><div class="content">{"".join(body)}</div></div>'
            f'</body></html>').encode()
        truth[path] = "\n\n".join(story["paragraphs"])
    return pages, truth


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def _score(truth: str, body: str) -> tuple[float, float]:
    want, got = shingles(truth), shingles(body)
    tp = sum((want & got).values())
    return (tp / sum(got.values()) if got else 0.0), (tp / sum(want.values()) if want else 1.0)


def _measure(fetched: dict[str, bytes], truth: dict[str, str]) -> dict:
    """Learn from the site's pages, extract each with and without; per-page (P, R) both ways."""
    learned = learn_boilerplate(fetched.values())
    plain, cleaned = {}, {}
    for url, raw in fetched.items():
        before = extract_article(raw, url)
        after = extract_article(raw, url, boilerplate=learned.to_json())
        assert before and after, (url, before, after)
        plain[url], cleaned[url] = _score(truth[url], before.body), _score(truth[url], after.body)
    return {"learned": learned, "plain": plain, "cleaned": cleaned,
            "P": (statistics.mean(p for p, _ in plain.values()), statistics.mean(p for p, _ in cleaned.values())),
            "R": (statistics.mean(r for _, r in plain.values()), statistics.mean(r for _, r in cleaned.values()))}


@pytest.fixture(scope="module")
def generated_sites():
    results = {}
    for name, make in (("classic", classic_site), ("divs", div_site)):
        pages, truth = make()
        base = f"https://{name}.example"
        results[name] = _measure({base + path: html for path, html in pages.items()},
                                 {base + path: text for path, text in truth.items()})
    return results


@pytest.mark.parametrize("site", ["classic", "divs"])
def test_learned_boilerplate_raises_precision_and_keeps_recall(generated_sites, site):
    result = generated_sites[site]
    (p_before, p_after), (r_before, r_after) = result["P"], result["R"]
    print(f"\n{site}: {len(result['plain'])} pages, learned {len(result['learned'].texts)} texts and "
          f"{len(result['learned'].structures)} structures; P {p_before:.4f} -> {p_after:.4f}, "
          f"R {r_before:.4f} -> {r_after:.4f}")
    assert result["learned"], "nothing learned from a site that repeats boxes in every story"
    assert p_after > p_before, f"precision {p_before:.4f} -> {p_after:.4f}"
    assert p_after >= 0.99, f"precision after learning {p_after:.4f}: repeated boxes left in the bodies"
    for url, (_, recall) in result["cleaned"].items():
        assert recall >= result["plain"][url][1], f"{url}: recall fell {result['plain'][url][1]:.4f} -> {recall:.4f}"


def test_recorded_wordpress_site_loses_nothing(site_server):
    """The recorded WordPress site repeats its comment form and theme parts, not story text."""
    base = site_server("tigris-daily").rstrip("/")
    truth = json.loads((SITES / "tigris-daily" / "truth.json").read_text("utf-8").replace("__BASE__", base))
    posts = {post["url"]: post["body_text"] for post in truth["posts"]}
    fetched = {url: _fetch(url) for url in posts}  # the recorded site as its server sends it
    result = _measure(fetched, posts)
    (p_before, p_after), (r_before, r_after) = result["P"], result["R"]
    print(f"\ntigris-daily: {len(posts)} posts, learned {len(result['learned'].texts)} texts; "
          f"P {p_before:.4f} -> {p_after:.4f}, R {r_before:.4f} -> {r_after:.4f}")
    assert result["learned"], "the theme's repeated parts (comment form, header, footer) were not learned"
    assert p_after >= p_before
    for url, (_, recall) in result["cleaned"].items():
        assert recall >= result["plain"][url][1], f"{url}: recall fell {result['plain'][url][1]:.4f} -> {recall:.4f}"


def test_learning_needs_enough_pages_and_round_trips_as_json():
    pages, _ = classic_site(count=5)
    assert not learn_boilerplate(list(pages.values())[:2])  # two pages: too few to call anything repeated
    learned = learn_boilerplate(pages.values())
    assert learned and Boilerplate.from_json(learned.to_json()) == learned
    assert any("newsletter" in example for example in learned.examples)


def test_a_block_holding_the_story_is_never_stripped():
    """Even when a site repeats the story's text (a copy on every page), the block holding the
    page's prose stays."""
    text = " ".join(["The reservoir council met the farmers on the border road to agree the season."] * 6)
    page = f"<html><body><div class='story'><p>{text}</p><p>{text}</p></div></body></html>"
    learned = learn_boilerplate([page] * 4)
    tree = _parse(page)
    strip_boilerplate(tree, learned)
    assert text in tree.text_content()


def test_site_learner_learns_once_after_enough_articles_and_the_store_keeps_it(tmp_path):
    from crawler.extract.boilerplate import SiteLearner
    from storage import Store

    pages, _ = classic_site(count=6)
    learner = SiteLearner(after=5)
    results = [learner.add(page) for page in list(pages.values())[:5]]
    assert results[:4] == [None] * 4 and results[4] and learner.hint == results[4]
    assert learner.add(list(pages.values())[5]) is None  # learned once per run
    with Store(tmp_path / "news.db", write=True) as store:
        assert store.boilerplate("northern-courier") is None
        store.save_boilerplate("northern-courier", learner.hint)
        assert Boilerplate.from_json(store.boilerplate("northern-courier")) == Boilerplate.from_json(learner.hint)
    with Store(tmp_path / "news.db") as store:  # kept across crawls
        assert SiteLearner(store.boilerplate("northern-courier")).hint == learner.hint
