"""A deterministic WordPress-like news site of N article pages, to be served statically.

    .venv/bin/python bench/throughput/make_site.py 2000 bench/out/site-2000 [--base http://127.0.0.1:18089/]

Each article page is 60-120 KB of classic-theme WordPress: header and mega menu, a story with a
byline, figures, subheads and a pull quote, a Jetpack share bar (`.sharedaddy`) and related posts
(`#jp-relatedposts`), 5-30 reader comments (`#comments ol.comment-list`, some threaded), the
"Leave a Reply" form (`#respond`), sidebar widgets, a footer, and per-page inline block CSS.
Metadata: `og:type` article, `article:published_time` and a JSON-LD NewsArticle (headline,
datePublished, dateModified, author). Story text comes from a seeded sentence generator, so no two
bodies are alike. Also written: the home page and `/page/N/` (20 teasers each, paginated),
category, tag and author listings, About/Contact/Privacy pages, `robots.txt` naming
`sitemap_index.xml` (a Yoast-style index of `post-sitemap*.xml`, 1000 URLs each), and
`manifest.jsonl` (one line per article: path, URL, title, date, author, first body sentence, first
comment) for the checks in bench.py. Links are absolute, on --base: the pages must be served there.

With `--shape listing` the same pages are reachable only through listings, as on a site with
no sitemap and no feed: no `sitemap_index.xml`, no `Sitemap:` line in robots.txt, the home page and
`/page/N/` linked by "Older posts" / "Newer posts" only (`the_posts_navigation()`, no page
numbers), and of the category and tag archives the pages link, the categories and every other tag
exist while the other tags answer 404 (a term with no posts left, a removed archive).

The same N, base, seed and shape give the same bytes. Paths are `/YYYY/MM/DD/slug/index.html`.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

VERSION = 1  # bump when the output changes: cached sites are rebuilt
PER_PAGE = 20  # teasers per listing page (WordPress' default is 10; news themes often show 20)
PER_SITEMAP = 1000  # Yoast's sitemap size
SITEMAP, LISTING = "sitemap", "listing"
SHAPES = (SITEMAP, LISTING)
TZ = timezone(timedelta(hours=3))
SITE_NAME = "The Riverside Courier"
PAGE_BYTES = (60_000, 120_000)

FIRST = ("Amira Omar Lena Yusuf Daniel Sara Karim Hana Tomas Mariam Ali Nadia Farid Leila Jonas Rania "
         "Samir Dalia Hassan Ines Peter Zainab Bilal Noor Kamal Salma Ibrahim Maya Rashid Layla Victor "
         "Huda Adnan Clara Tariq Yasmin Ahmed Elif Sami Mona").split()
LAST = ("Haddad Khalil Rahman Petrov Nasser Saleh Mansour Novak Aziz Barzani Hamdan Kovacs Sultan Faraj "
        "Darwish Osman Jabari Lindqvist Qasim Hussein Wagner Ebrahim Nouri Karimi Sabri Rostami Mendez "
        "Talabani Obeidi Sorensen Bakr Amin Shukri Fischer Hakimi Zaki").split()
PLACES = ("Riverside Northbridge Al-Mansour Eastgate Harbour_District Old_Town Karrada Westfield "
          "Ashford Zakho Hillcrest Dora Port_Saeed Greenvale Kadhimiya Lakeshore Marina Ainkawa "
          "Southmoor Bab_al-Sharqi Stonebridge Qala Midvale Sadr Ferryside Palm_Grove").split()
PLACES = [p.replace("_", " ") for p in PLACES]
ORGS = ["the city council", "the port authority", "the regional water board", "the health ministry",
        "the electricity directorate", "the chamber of commerce", "the teachers' union",
        "the provincial government", "the transport department", "the central bank",
        "the agriculture ministry", "the university senate", "the planning commission",
        "the oil ministry", "the municipal court", "the housing fund", "the farmers' cooperative",
        "the environment agency", "the customs service", "the national statistics office"]
ROLES = ["head", "spokesperson", "deputy director", "chief engineer", "treasurer", "chair",
         "senior adviser", "legal counsel", "director general", "press officer"]
TOPICS = {
    "Economy": ["the budget", "import tariffs", "fuel subsidies", "the new trade corridor", "bank lending",
                "public sector wages", "the currency auction", "small business loans"],
    "Water": ["the reservoir", "irrigation canals", "the desalination plant", "water tariffs",
              "the river embankment", "groundwater wells", "the sewage network"],
    "Energy": ["the power grid", "summer blackouts", "the gas pipeline", "solar farms",
               "the refinery expansion", "private generators", "electricity meters"],
    "Politics": ["the coalition talks", "the election law", "the provincial vote", "the cabinet reshuffle",
                 "the no-confidence motion", "the draft constitution amendment"],
    "Health": ["the children's hospital", "vaccination clinics", "drug prices", "the ambulance service",
               "the nursing shortage", "rural health centres"],
    "Transport": ["the ring road", "the airport terminal", "bus fares", "the railway line",
                  "the new bridge", "port congestion", "traffic cameras"],
    "Education": ["school buildings", "exam results", "university fees", "teacher salaries",
                  "the school meals programme", "vocational colleges"],
    "Environment": ["dust storms", "date palm groves", "the marshes", "air quality", "the heatwave",
                    "river pollution", "tree planting"],
    "Culture": ["the book fair", "the national museum", "the film festival", "heritage houses",
                "the old souk restoration", "the music academy"],
    "Sport": ["the football league", "the new stadium", "the youth tournament", "the marathon",
              "the national team coach", "ticket prices"],
}
CATEGORIES = list(TOPICS)
TAGS = sorted({w for nouns in TOPICS.values() for n in nouns for w in re.findall(r"[a-z]{5,}", n)})[:40]
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = ("January February March April May June July August September October November "
          "December").split()
ACTIONS = ["approved", "delayed", "rejected", "expanded", "suspended", "audited", "questioned",
           "defended", "cut", "extended", "reviewed", "announced"]
OUTCOMES = ["would be finished before {month}", "needed another {money}", "had fallen behind schedule",
            "was already under way in {place}", "would need parliament's approval",
            "could be cancelled if prices kept rising", "had been promised for years",
            "would create about {num} jobs", "was the subject of an inquiry"]
SENTENCES = [
    "{Person}, {role} of {org}, said on {weekday} that {thing} {outcome}.",
    "The decision affects about {num} households in {place} and the villages around it.",
    "Officials in {place} estimate that {thing} costs roughly {money} a year to run.",
    "\u201c{Quote},\u201d {person} told reporters outside the governorate building.",
    "Residents of {place} have complained for months about {thing}, according to a survey of {num} people.",
    "{Org} {action} the plan for {thing} after a meeting that lasted until late on {weekday}.",
    "Figures published in {month} showed a rise of {pct} percent compared with the same period last year.",
    "Critics, among them {person} of {org}, say {thing} {outcome}.",
    "In {place}, shopkeepers said they had seen {num} fewer customers since {month}.",
    "The ministry did not answer questions about {thing} by the time of publication.",
    "{Person} said the figures for {place} were {pct} percent lower than the official estimate.",
    "A similar proposal for {thing} was {action} in {year}, when {org} last looked at the issue.",
    "Engineers working on {thing} near {place} said the work {outcome}.",
    "\u201c{Quote},\u201d said {person}, who has lived in {place} for {small} years.",
    "The {ordinal} phase covers {num} square metres between {place} and {place2}.",
    "According to {org}, {pct} percent of the money for {thing} has already been spent.",
    "Local deputies from {place} asked {org} to publish the contracts for {thing}.",
    "On {weekday}, a delegation from {place2} visited {place} to discuss {thing}.",
    "Several families in {place} said they learned about {thing} from social media rather than officials.",
    "{Org} said a report on {thing} would be presented in {month}.",
    "The last time {thing} was debated, in {year}, the session ended without a vote.",
    "Prices in the markets of {place} rose by {pct} percent in {month}, traders said.",
    "{Person} of {org} described {thing} as \u201c{adjective} but necessary\u201d.",
    "The project in {place2} {outcome}, a source at {org} said, asking not to be named.",
]
QUOTES = ["We have waited too long for {thing}", "Nobody asked the people of {place} what they need",
          "This is the most {adjective} decision we have taken in years",
          "The money for {thing} is there, the will is not", "We will finish {thing} before {month}",
          "Every family in {place} will feel the difference", "The numbers do not add up",
          "It is a question of trust between {org} and citizens"]
ADJECTIVES = ["difficult", "expensive", "overdue", "ambitious", "controversial", "modest", "urgent",
              "unpopular", "careful", "historic"]
ORDINALS = ["first", "second", "third", "fourth", "final"]
COMMENT_LINES = ["Thank you for this report.", "This is exactly what we see every day in {place}.",
                 "Who will pay for {thing} in the end?", "I disagree with {person} on this.",
                 "Same story every summer.", "Does anyone know when {thing} will actually start?",
                 "Great article, please follow up in {month}.", "My family in {place} says the opposite.",
                 "The numbers from {org} were never reliable.", "Finally someone writes about {thing}!",
                 "I worked on {thing} for {small} years and nothing changed.", "Share this with everyone."]
HEADLINES = ["{Place}: {org_short} {action} {thing}", "{Thing} {action} as {place} waits",
             "{Org_short} {action} {thing} after {weekday} meeting",
             "What the row over {thing} means for {place}", "{Place} residents question {thing}",
             "{Thing}: {num} families in {place} affected", "Inside the fight over {thing} in {place}"]


@dataclass
class Post:
    """One article: what its page, the listings, the sitemaps and the manifest say about it."""

    number: int
    title: str
    slug: str
    published: datetime
    modified: datetime
    author: str
    category: str
    tags: list[str]
    paragraphs: list[str] = field(default_factory=list)

    @property
    def url_path(self) -> str:
        return f"/{self.published:%Y/%m/%d}/{self.slug}/"


class Writer:
    """Plausible news sentences from a seeded random generator."""

    def __init__(self, rng: random.Random, topic: str) -> None:
        self.rng, self.topic = rng, topic
        self.place = rng.choice(PLACES)  # the story's own place and actors recur, as in real copy
        self.people = [self.person() for _ in range(3)]

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def fill(self, template: str) -> str:
        rng = self.rng
        values = {
            "person": rng.choice(self.people), "role": rng.choice(ROLES), "org": rng.choice(ORGS),
            "place": self.place if rng.random() < 0.6 else rng.choice(PLACES), "place2": rng.choice(PLACES),
            "thing": rng.choice(TOPICS[self.topic]), "weekday": rng.choice(WEEKDAYS),
            "month": rng.choice(MONTHS), "num": f"{rng.randint(12, 48_000):,}", "pct": str(rng.randint(2, 64)),
            "money": f"{rng.randint(2, 900)} {rng.choice(['million', 'billion'])} dinars",
            "action": rng.choice(ACTIONS), "year": str(rng.randint(2009, 2022)), "small": str(rng.randint(3, 30)),
            "adjective": rng.choice(ADJECTIVES), "ordinal": rng.choice(ORDINALS),
        }
        values["outcome"] = rng.choice(OUTCOMES).format(**values)
        values["org_short"] = values["org"].removeprefix("the ").capitalize()
        values["quote"] = rng.choice(QUOTES).format(**values)
        for key in ("person", "org", "place", "thing", "quote", "org_short"):
            values[key.capitalize()] = values[key][:1].upper() + values[key][1:]
        return template.format(**values)

    def paragraph(self) -> str:
        return " ".join(self.fill(self.rng.choice(SENTENCES)) for _ in range(self.rng.randint(3, 6)))

    def headline(self) -> str:
        return self.fill(self.rng.choice(HEADLINES))

    def comment(self) -> str:
        return " ".join(self.fill(self.rng.choice(COMMENT_LINES)) for _ in range(self.rng.randint(1, 4)))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70].rstrip("-")


def make_posts(count: int, seed: int) -> list[Post]:
    """The site's articles, newest first; slugs made unique the WordPress way (-2, -3, ...)."""
    authors = [f"{FIRST[i * 3 % len(FIRST)]} {LAST[i * 5 % len(LAST)]}" for i in range(12)]
    when = datetime(2024, 6, 30, 18, 40, tzinfo=TZ)
    posts, seen = [], set()
    for number in range(count):
        rng = random.Random(f"{seed}:post:{number}")
        category = rng.choice(CATEGORIES)
        writer = Writer(rng, category)
        title = writer.headline()
        slug = base = slugify(title)
        suffix = 2
        while slug in seen:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        seen.add(slug)
        when -= timedelta(minutes=rng.randint(40, 400))
        modified = when + timedelta(minutes=rng.choice([0, 0, 15, 90, 600]))
        post = Post(count - number, title, slug, when, modified, rng.choice(authors), category,
                    sorted(rng.sample(TAGS, rng.randint(2, 5))))
        post.paragraphs = [writer.paragraph() for _ in range(rng.randint(9, 18))]
        posts.append(post)
    return posts


# --- page parts ------------------------------------------------------------------------------------

def e(text: str) -> str:
    return html.escape(text, quote=True)


def absolute(base: str, path: str) -> str:
    return base.rstrip("/") + path


def site_css(seed: int) -> str:
    """The theme's and block library's inline CSS, the same on every page (as on WordPress)."""
    rng = random.Random(f"{seed}:css")
    colors = ["black", "cyan-bluish-gray", "white", "pale-pink", "vivid-red", "luminous-vivid-orange",
              "luminous-vivid-amber", "light-green-cyan", "vivid-green-cyan", "pale-cyan-blue",
              "vivid-cyan-blue", "vivid-purple", "primary", "secondary", "foreground", "background"]
    rules = [f":root{{--wp--preset--color--{c}: #{rng.randrange(16**6):06x};}}" for c in colors]
    for c in colors:
        rules += [f".has-{c}-color{{color: var(--wp--preset--color--{c}) !important;}}",
                  f".has-{c}-background-color{{background-color: var(--wp--preset--color--{c}) !important;}}",
                  f".has-{c}-border-color{{border-color: var(--wp--preset--color--{c}) !important;}}"]
    for size in ("small", "medium", "large", "x-large", "xx-large"):
        rules.append(f".has-{size}-font-size{{font-size: var(--wp--preset--font-size--{size}) !important;}}")
    return "\n".join(rules)


def block_support_css(rng: random.Random, size: int) -> str:
    """Per-page `core-block-supports-inline-css`: layout rules WordPress emits for each block."""
    rules, total, n = [], 0, 0
    while total < size:
        n += 1
        rule = (f".wp-container-core-group-is-layout-{n}{{flex-wrap:nowrap;gap:{rng.randint(0, 4)}."
                f"{rng.randint(0, 99)}rem;justify-content:{rng.choice(['flex-start', 'center', 'space-between'])};}}"
                f".wp-elements-{rng.getrandbits(64):016x} a:where(:not(.wp-element-button)){{color:"
                f"var(--wp--preset--color--{rng.choice(['primary', 'secondary', 'foreground'])});}}")
        rules.append(rule)
        total += len(rule) + 1
    return "\n".join(rules)


def head(base: str, title: str, canonical: str, css: str, extra: str = "", og_type: str = "website") -> str:
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} \u2013 {SITE_NAME}</title>
<meta name='robots' content='index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1' />
<link rel="canonical" href="{canonical}" />
<meta property="og:locale" content="en_US" />
<meta property="og:type" content="{og_type}" />
<meta property="og:title" content="{e(title)}" />
<meta property="og:url" content="{canonical}" />
<meta property="og:site_name" content="{SITE_NAME}" />
{extra}
<link rel='dns-prefetch' href='//stats.wp.com' />
<link rel="https://api.w.org/" href="{absolute(base, '/wp-json/')}" />
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{absolute(base, '/xmlrpc.php?rsd')}" />
<meta name="generator" content="WordPress 6.5.3" />
<link rel='stylesheet' id='wp-block-library-css' href='{absolute(base, '/wp-includes/css/dist/block-library/style.min.css?ver=6.5.3')}' media='all' />
<link rel='stylesheet' id='theme-style-css' href='{absolute(base, '/wp-content/themes/courier/style.css?ver=2.1.0')}' media='all' />
<style id='global-styles-inline-css'>
{css}
</style>
<script src="{absolute(base, '/wp-includes/js/jquery/jquery.min.js?ver=3.7.1')}" id="jquery-core-js"></script>
</head>
"""


def masthead(base: str) -> str:
    menu = []
    for category in CATEGORIES:
        sub = "".join(f'<li class="menu-item menu-item-type-taxonomy"><a href="{absolute(base, "/tag/" + tag + "/")}">'
                      f"{tag.capitalize()}</a></li>" for tag in TAGS[CATEGORIES.index(category)::len(CATEGORIES)][:4])
        menu.append(f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-has-children">'
                    f'<a href="{absolute(base, "/category/" + category.lower() + "/")}">{category}</a>'
                    f'<ul class="sub-menu">{sub}</ul></li>')
    return f"""<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div id="page" class="site">
<header id="masthead" class="site-header" role="banner">
<div class="site-branding"><p class="site-title"><a href="{absolute(base, '/')}" rel="home">{SITE_NAME}</a></p>
<p class="site-description">News from the river towns, since 1998</p></div>
<nav id="site-navigation" class="main-navigation" aria-label="Primary menu">
<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
<ul id="primary-menu" class="menu nav-menu">{''.join(menu)}</ul></nav>
<form role="search" method="get" class="search-form" action="{absolute(base, '/')}"><label>
<span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" /></label>
<input type="submit" class="search-submit" value="Search" /></form>
</header>
<div id="content" class="site-content">
"""


def sidebar(base: str, recent: list[Post]) -> str:
    recent_items = "".join(f'<li><a href="{absolute(base, p.url_path)}">{e(p.title)}</a></li>' for p in recent)
    categories = "".join(f'<li class="cat-item"><a href="{absolute(base, "/category/" + c.lower() + "/")}">{c}</a></li>'
                         for c in CATEGORIES)
    months = "".join(f"<option value='{absolute(base, f'/2024/{m:02d}/')}'> {MONTHS[m - 1]} 2024 </option>"
                     for m in range(6, 0, -1))
    tags = "".join(f'<a href="{absolute(base, "/tag/" + t + "/")}" class="tag-cloud-link" '
                   f'style="font-size: {8 + (i * 7) % 14}pt;">{t}</a>\n' for i, t in enumerate(TAGS))
    return f"""<aside id="secondary" class="widget-area" role="complementary">
<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{absolute(base, '/')}">
<input type="search" class="search-field" name="s" /><input type="submit" class="search-submit" value="Search" /></form></section>
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent_items}</ul></section>
<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>{categories}</ul></section>
<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2>
<label class="screen-reader-text" for="archives-dropdown-2">Archives</label>
<select id="archives-dropdown-2" name="archive-dropdown"><option value="">Select Month</option>{months}</select></section>
<section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2><div class="tagcloud">{tags}</div></section>
<section id="blog_subscription-2" class="widget widget_blog_subscription jetpack_subscription_widget"><h2 class="widget-title">Subscribe by email</h2>
<form action="#" method="post" accept-charset="utf-8" id="subscribe-blog-blog_subscription-2"><p>Enter your email address to receive notifications of new posts by email.</p>
<p id="subscribe-email"><input type="email" name="email" required="required" value="" placeholder="Email Address" /></p>
<p id="subscribe-submit"><button type="submit" name="jetpack_subscriptions_widget">Subscribe</button></p></form></section>
</aside>
"""


def footer(base: str) -> str:
    links = "".join(f'<li class="menu-item"><a href="{absolute(base, "/" + slug + "/")}">{label}</a></li>'
                    for slug, label in UTILITY_PAGES)
    return f"""</div><!-- #content -->
<footer id="colophon" class="site-footer" role="contentinfo">
<nav class="footer-navigation" aria-label="Footer menu"><ul class="footer-menu">{links}</ul></nav>
<div class="site-info">&copy; 2024 {SITE_NAME}. Proudly powered by <a href="https://wordpress.org/">WordPress</a>.</div>
</footer></div><!-- #page -->
<script id="jetpack-stats-js-before">_stq = window._stq || [];_stq.push([ "view", {{"v":"ext","blog":"212345678","post":"0","tz":"3","srv":"courier.local"}} ]);</script>
<script src="{absolute(base, '/wp-content/themes/courier/js/navigation.js?ver=2.1.0')}" id="courier-navigation-js"></script>
<script src="https://stats.wp.com/e-202424.js" id="jetpack-stats-js" defer data-wp-strategy="defer"></script>
</body>
</html>
"""


UTILITY_PAGES = [("about", "About us"), ("contact", "Contact"), ("privacy-policy", "Privacy Policy")]

SHARE_SERVICES = [("twitter", "X"), ("facebook", "Facebook"), ("whatsapp", "WhatsApp"), ("telegram", "Telegram"),
                  ("email", "Email"), ("print", "Print")]


def share_bar(base: str, post: Post) -> str:
    url = absolute(base, post.url_path)
    buttons = "".join(
        f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{key}-{post.number}" '
        f'class="share-{key} sd-button share-icon" href="{url}?share={key}&amp;nb=1" target="_blank" '
        f'title="Click to share on {label}"><svg class="sd-icon" viewBox="0 0 24 24" aria-hidden="true">'
        f'<path d="M{(i * 3) % 24} 4.5l7.5 7.5-7.5 7.5V15H2V9h{8 + i}z"/></svg><span>{label}</span></a></li>'
        for i, (key, label) in enumerate(SHARE_SERVICES))
    return (f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social '
            f'sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>'
            f'{buttons}<li class="share-end"></li></ul></div></div></div>'
            f'<div class="sharedaddy sd-block sd-like jetpack-likes-widget-wrapper" id="like-post-wrapper-212345678-'
            f'{post.number}" data-src="https://widgets.wp.com/likes/#blog_id=212345678&amp;post_id={post.number}">'
            f'<h3 class="sd-title">Like this:</h3><div class="likes-widget-placeholder post-likes-widget-placeholder">'
            f'<span class="button"><span>Like</span></span> <span class="loading">Loading...</span></div></div>')


def related(base: str, posts: list[Post]) -> str:
    items = "".join(
        f'<div class="jp-relatedposts-post jp-relatedposts-post{i} jp-relatedposts-post-thumbs" data-post-id="{p.number}" '
        f'data-post-format="false"><a class="jp-relatedposts-post-a" href="{absolute(base, p.url_path)}" '
        f'title="{e(p.title)}" rel="nofollow"><img class="jp-relatedposts-post-img" loading="lazy" '
        f'src="{absolute(base, f"/wp-content/uploads/2024/05/photo-{p.number}-350x200.jpg")}" width="350" height="200" alt="" /></a>'
        f'<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{absolute(base, p.url_path)}" '
        f'rel="nofollow">{e(p.title)}</a></h4><p class="jp-relatedposts-post-excerpt">{e(p.paragraphs[0][:140])}&hellip;</p>'
        f'<p class="jp-relatedposts-post-date">{p.published:%B %-d, %Y}</p>'
        f'<p class="jp-relatedposts-post-context">In &quot;{p.category}&quot;</p></div>'
        for i, p in enumerate(posts))
    return (f"<div id='jp-relatedposts' class='jp-relatedposts'><h3 class=\"jp-relatedposts-headline\"><em>Related</em>"
            f"</h3><div class=\"jp-relatedposts-items jp-relatedposts-items-visual\">{items}</div></div>")


def comments(base: str, post: Post, rng: random.Random, writer: Writer) -> tuple[str, str]:
    """The comment thread (5-30 comments, some replies nested) and the comment form; and the first comment."""
    count = rng.randint(5, 30)
    when = post.published + timedelta(minutes=rng.randint(10, 90))
    url = absolute(base, post.url_path)
    items, first, open_children = [], "", False
    for n in range(count):
        cid = post.number * 100 + n
        text = writer.comment()
        first = first or text
        when += timedelta(minutes=rng.randint(3, 300))
        depth = 2 if open_children else 1
        li = (f'<li id="comment-{cid}" class="comment {"even" if n % 2 else "odd"} thread-{"even" if n % 2 else "odd"} '
              f'depth-{depth}"><article id="div-comment-{cid}" class="comment-body"><footer class="comment-meta">'
              f'<div class="comment-author vcard"><img alt=\'\' src=\'https://secure.gravatar.com/avatar/'
              f'{rng.getrandbits(128):032x}?s=60&#038;d=mm&#038;r=g\' class=\'avatar avatar-60 photo\' height=\'60\' '
              f'width=\'60\' loading=\'lazy\' decoding=\'async\'/><b class="fn">{e(writer.person())}</b> '
              f'<span class="says">says:</span></div><div class="comment-metadata"><a href="{url}#comment-{cid}">'
              f'<time datetime="{when.isoformat()}">{when:%B %-d, %Y at %-I:%M %p}</time></a></div></footer>'
              f'<div class="comment-content"><p>{e(text)}</p></div><div class="reply"><a rel="nofollow" '
              f'class="comment-reply-link" href="{url}?replytocom={cid}#respond" data-commentid="{cid}" '
              f'data-postid="{post.number}" aria-label="Reply to this comment">Reply</a></div></article>')
        if open_children:
            items.append(li + "</li></ol></li>")  # a reply closes its parent's thread
            open_children = False
        elif rng.random() < 0.25 and n < count - 1:
            items.append(li + '<ol class="children">')
            open_children = True
        else:
            items.append(li + "</li>")
    if open_children:
        items.append("</ol></li>")
    thread = (f'<div id="comments" class="comments-area"><h2 class="comments-title">{count} thoughts on '
              f'&ldquo;<span>{e(post.title)}</span>&rdquo;</h2><ol class="comment-list">{"".join(items)}</ol>'
              f"{respond_form(base, post)}</div>")
    return thread, first


def respond_form(base: str, post: Post) -> str:
    return f"""<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply <small><a rel="nofollow" id="cancel-comment-reply-link" href="{absolute(base, post.url_path)}#respond" style="display:none;">Cancel reply</a></small></h3>
<form action="{absolute(base, '/wp-comments-post.php')}" method="post" id="commentform" class="comment-form" novalidate>
<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> <span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>
<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required="required"></textarea></p>
<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required="required" /></p>
<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" autocomplete="email" required="required" /></p>
<p class="comment-form-url"><label for="url">Website</label> <input id="url" name="url" type="url" value="" size="30" maxlength="200" autocomplete="url" /></p>
<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes" /> <label for="wp-comment-cookies-consent">Save my name, email, and website in this browser for the next time I comment.</label></p>
<p class="comment-subscription-form"><input type="checkbox" name="subscribe_comments" id="subscribe_comments" value="subscribe" style="width: auto;"/> <label class="subscribe-label" id="subscribe-label" for="subscribe_comments">Notify me of follow-up comments by email.</label></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /> <input type='hidden' name='comment_post_ID' value='{post.number}' id='comment_post_ID' />
<input type='hidden' name='comment_parent' id='comment_parent' value='0' /></p></form></div><!-- #respond -->"""


def body_html(base: str, post: Post, writer: Writer) -> str:
    """The story: paragraphs with a figure, subheads and a pull quote placed among them."""
    parts = []
    for i, paragraph in enumerate(post.paragraphs):
        if i == 2:
            parts.append(f'<figure class="wp-block-image size-large"><img decoding="async" width="1024" height="683" '
                         f'src="{absolute(base, f"/wp-content/uploads/{post.published:%Y/%m}/photo-{post.number}-1024x683.jpg")}" '
                         f'alt="" class="wp-image-{post.number * 7}"/><figcaption class="wp-element-caption">'
                         f'{e(writer.fill("Workers near {place} on {weekday}."))} Photo: {e(writer.person())}</figcaption></figure>')
        if i and i % 5 == 0:
            parts.append(f'<h2 class="wp-block-heading">{e(writer.fill("What {org} says about {thing}"))}</h2>')
        if i == 7:
            parts.append(f'<blockquote class="wp-block-quote"><p>{e(writer.fill("{Quote}."))}</p>'
                         f"<cite>{e(writer.person())}</cite></blockquote>")
        parts.append(f"<p>{e(paragraph)}</p>")
    return "\n".join(parts)


def article_page(base: str, post: Post, neighbours: tuple[Post | None, Post | None], recent: list[Post],
                 rel: list[Post], css: str, seed: int) -> tuple[str, str]:
    """An article page padded to its drawn size with per-page block CSS; and its first comment."""
    rng = random.Random(f"{seed}:page:{post.number}")
    writer = Writer(rng, post.category)
    url = absolute(base, post.url_path)
    author_url = absolute(base, f"/author/{slugify(post.author)}/")
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": post.title,
          "datePublished": post.published.isoformat(), "dateModified": post.modified.isoformat(),
          "author": [{"@type": "Person", "name": post.author, "url": author_url}],
          "publisher": {"@type": "Organization", "name": SITE_NAME, "logo": {"@type": "ImageObject",
                        "url": absolute(base, "/wp-content/uploads/logo.png")}},
          "mainEntityOfPage": {"@type": "WebPage", "@id": url}, "articleSection": [post.category],
          "keywords": post.tags, "inLanguage": "en-US",
          "image": absolute(base, f"/wp-content/uploads/{post.published:%Y/%m}/photo-{post.number}-1024x683.jpg")}
    extra = (f'<meta property="og:description" content="{e(post.paragraphs[0][:150])}" />\n'
             f'<meta property="article:published_time" content="{post.published.isoformat()}" />\n'
             f'<meta property="article:modified_time" content="{post.modified.isoformat()}" />\n'
             f'<meta name="author" content="{e(post.author)}" />\n'
             f'<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(ld)}</script>')
    thread, first_comment = comments(base, post, rng, writer)
    previous, following = neighbours
    nav = "".join(f'<div class="nav-{kind}"><a href="{absolute(base, p.url_path)}" rel="{kind[:4]}">'
                  f'<span class="meta-nav">{label}</span> <span class="post-title">{e(p.title)}</span></a></div>'
                  for kind, label, p in (("previous", "Previous", previous), ("next", "Next", following)) if p)
    tags = ", ".join(f'<a href="{absolute(base, "/tag/" + t + "/")}" rel="tag">{t}</a>' for t in post.tags)
    cat_url = absolute(base, "/category/" + post.category.lower() + "/")
    main = f"""<div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-{post.number}" class="post-{post.number} post type-post status-publish format-standard has-post-thumbnail hentry category-{post.category.lower()} {' '.join('tag-' + t for t in post.tags)}">
<header class="entry-header"><h1 class="entry-title">{e(post.title)}</h1>
<div class="entry-meta"><span class="posted-on">Posted on <a href="{url}" rel="bookmark"><time class="entry-date published" datetime="{post.published.isoformat()}">{post.published:%B %-d, %Y}</time><time class="updated" datetime="{post.modified.isoformat()}">{post.modified:%B %-d, %Y}</time></a></span>
<span class="byline"> by <span class="author vcard"><a class="url fn n" href="{author_url}">{e(post.author)}</a></span></span></div></header>
<div class="entry-content">
{body_html(base, post, writer)}
{share_bar(base, post)}
{related(base, rel)}
</div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="{cat_url}" rel="category tag">{post.category}</a></span><span class="tags-links">Tagged {tags}</span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links">{nav}</div></nav>
{thread}
</main></div>
"""
    classes = f"post-template-default single single-post postid-{post.number} single-format-standard wp-embed-responsive"
    page = [head(base, post.title, url, css, extra, og_type="article"), f'<body class="{classes}">\n',
            masthead(base), main, sidebar(base, recent), footer(base)]
    size = len("".join(page).encode())
    # 8-45 KB of per-page block CSS on top of the markup, within PAGE_BYTES
    target = min(max(size + rng.randint(8_000, 45_000), PAGE_BYTES[0]), PAGE_BYTES[1])
    padding = block_support_css(rng, max(0, target - size - 80))
    page.insert(1, f"<style id='core-block-supports-inline-css'>\n{padding}\n</style>\n")
    return "".join(page), first_comment


def teaser(base: str, post: Post) -> str:
    return (f'<article id="post-{post.number}" class="post-{post.number} post type-post status-publish hentry '
            f'category-{post.category.lower()}"><header class="entry-header"><h2 class="entry-title">'
            f'<a href="{absolute(base, post.url_path)}" rel="bookmark">{e(post.title)}</a></h2>'
            f'<div class="entry-meta"><time class="entry-date published" datetime="{post.published.isoformat()}">'
            f'{post.published:%B %-d, %Y}</time> by {e(post.author)}</div></header><div class="entry-summary">'
            f'<p>{e(post.paragraphs[0][:220])} [&hellip;]</p></div></article>')


def listing_page(base: str, path: str, heading: str, posts: list[Post], body_class: str, css: str,
                 recent: list[Post], pagination: str = "") -> str:
    url = absolute(base, path)
    main = (f'<div id="primary" class="content-area"><main id="main" class="site-main">'
            f'<header class="page-header"><h1 class="page-title">{e(heading)}</h1></header>'
            f'{"".join(teaser(base, p) for p in posts)}{pagination}</main></div>')
    return "".join([head(base, heading, url, css), f'<body class="{body_class}">\n', masthead(base), main,
                    sidebar(base, recent), footer(base)])


def pagination(base: str, page: int, pages: int) -> str:
    def href(n: int) -> str:
        return absolute(base, "/" if n == 1 else f"/page/{n}/")
    shown = sorted({1, 2, page - 1, page, page + 1, pages - 1, pages} & set(range(1, pages + 1)))
    links, last = [], 0
    for n in shown:
        if n - last > 1:
            links.append('<span class="page-numbers dots">&hellip;</span>')
        links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
                     else f'<a class="page-numbers" href="{href(n)}">{n}</a>')
        last = n
    if page > 1:
        links.insert(0, f'<a class="prev page-numbers" href="{href(page - 1)}">&laquo; Newer posts</a>')
    if page < pages:
        links.append(f'<a class="next page-numbers" href="{href(page + 1)}">Older posts &raquo;</a>')
    return (f'<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2>'
            f'<div class="nav-links">{"".join(links)}</div></nav>')


def older_newer(base: str, page: int, pages: int) -> str:
    """Classic `the_posts_navigation()`: "Older posts" / "Newer posts" only, no page numbers."""
    def href(n: int) -> str:
        return absolute(base, "/" if n == 1 else f"/page/{n}/")
    links = []
    if page < pages:
        links.append(f'<div class="nav-previous"><a href="{href(page + 1)}">Older posts</a></div>')
    if page > 1:
        links.append(f'<div class="nav-next"><a href="{href(page - 1)}">Newer posts</a></div>')
    return (f'<nav class="navigation posts-navigation" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2>'
            f'<div class="nav-links">{"".join(links)}</div></nav>')


def live_tags(shape: str) -> list[str]:
    """The tags whose archive page exists: all of them, or in the listing shape every other one."""
    return TAGS if shape == SITEMAP else TAGS[::2]


def sitemaps(base: str, posts: list[Post]) -> dict[str, str]:
    """sitemap_index.xml and its post-sitemap*.xml, Yoast style."""
    files, index = {}, []
    for start in range(0, len(posts), PER_SITEMAP):
        chunk = posts[start:start + PER_SITEMAP]
        name = "post-sitemap.xml" if start == 0 else f"post-sitemap{start // PER_SITEMAP + 1}.xml"
        urls = "".join(f"<url><loc>{absolute(base, p.url_path)}</loc><lastmod>{p.modified.isoformat()}</lastmod></url>\n"
                       for p in chunk)
        files[name] = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                       f"{urls}</urlset>\n")
        index.append(f"<sitemap><loc>{absolute(base, '/' + name)}</loc><lastmod>{chunk[0].modified.isoformat()}</lastmod></sitemap>")
    files["sitemap_index.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                  + "\n".join(index) + "\n</sitemapindex>\n")
    return files


def write(root: Path, path: str, text: str) -> None:
    target = root / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def stamp(count: int, base: str, seed: int, shape: str = SITEMAP) -> str:
    fields = {"version": VERSION, "pages": count, "base": base, "seed": seed}
    if shape != SITEMAP:  # sitemap sites built before shapes existed stay valid
        fields["shape"] = shape
    return json.dumps(fields)


def is_built(out: Path, count: int, base: str, seed: int = 1, shape: str = SITEMAP) -> bool:
    """True when OUT holds a complete site made by this generator with these parameters."""
    marker = out / ".complete"
    return marker.exists() and marker.read_text() == stamp(count, base, seed, shape)


def build(count: int, out: Path, base: str, seed: int = 1, shape: str = SITEMAP) -> None:
    """Write the whole site into OUT (emptied first), in SHAPE: `sitemap` or `listing` (see the module doc)."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}: one of {', '.join(SHAPES)}")
    base = base.rstrip("/") + "/"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    posts = make_posts(count, seed)
    css, recent = site_css(seed), posts[:8]
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as manifest:
        for i, post in enumerate(posts):
            rng = random.Random(f"{seed}:rel:{post.number}")
            rel = [posts[j] for j in rng.sample(range(len(posts)), min(3, len(posts))) if j != i][:3] if count > 1 else []
            neighbours = (posts[i + 1] if i + 1 < len(posts) else None, posts[i - 1] if i else None)
            page, first_comment = article_page(base, post, neighbours, recent, rel, css, seed)
            write(out, post.url_path, page)
            manifest.write(json.dumps({"path": post.url_path + "index.html", "url": absolute(base, post.url_path),
                                       "title": post.title, "published": post.published.isoformat(),
                                       "author": post.author, "body_first": post.paragraphs[0].split(". ")[0],
                                       "comment_first": first_comment}) + "\n")
    pages = max(1, -(-count // PER_PAGE))
    for n in range(1, pages + 1):
        path = "/" if n == 1 else f"/page/{n}/"
        classes = "home blog" + (f" paged paged-{n}" if n > 1 else "")
        write(out, path, listing_page(base, path, SITE_NAME if n == 1 else f"{SITE_NAME} \u2013 Page {n}",
                                      posts[(n - 1) * PER_PAGE:n * PER_PAGE], classes, css, recent,
                                      pagination(base, n, pages) if shape == SITEMAP else older_newer(base, n, pages)))
    groups = ([("category", c.lower(), c, [p for p in posts if p.category == c]) for c in CATEGORIES]
              + [("tag", t, t, [p for p in posts if t in p.tags]) for t in live_tags(shape)]
              + [("author", slugify(a), a, [p for p in posts if p.author == a]) for a in sorted({p.author for p in posts})])
    for kind, slug, label, members in groups:
        write(out, f"/{kind}/{slug}/", listing_page(base, f"/{kind}/{slug}/", f"{kind.capitalize()}: {label}",
                                                    members[:PER_PAGE], f"archive {kind} {kind}-{slug}", css, recent))
    for slug, label in UTILITY_PAGES:
        text = f"<p>{e(label)} of {SITE_NAME}. We are an independent newsroom covering the river towns.</p>"
        write(out, f"/{slug}/", "".join([head(base, label, absolute(base, f"/{slug}/"), css),
                                         '<body class="page-template-default page">\n', masthead(base),
                                         f'<main id="main"><h1>{label}</h1>{text}</main>', sidebar(base, recent),
                                         footer(base)]))
    robots = "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
    if shape == SITEMAP:
        for name, text in sitemaps(base, posts).items():
            write(out, "/" + name, text)
        robots += f"\nSitemap: {absolute(base, '/sitemap_index.xml')}\n"
    write(out, "/robots.txt", robots)
    (out / ".complete").write_text(stamp(count, base, seed, shape))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=int, help="number of article pages")
    parser.add_argument("out", type=Path, help="folder to write (emptied first)")
    parser.add_argument("--base", default="http://127.0.0.1:18089/", help="URL the site will be served at")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default=SITEMAP,
                        help="sitemap: sitemaps and numbered pagination; listing: no sitemap or feed, "
                             "\"Older posts\" links only, some tag archives 404")
    args = parser.parse_args()
    if args.pages < 1:
        sys.exit("pages must be at least 1")
    build(args.pages, args.out, args.base, args.seed, args.shape)
    print(f"{args.pages} articles ({args.shape} shape) written to {args.out} for {args.base}")


if __name__ == "__main__":
    main()
