"""Write fixtures/sites/gulf-wire/: a small non-WordPress news site (JSON-LD NewsArticle, a Google
News sitemap, an RSS feed, reader comments and share bars to prune, and a few bad pages).
Deterministic; re-run after changing it and review the diff."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "sites" / "gulf-wire"

STORIES = [
    ("2025/03/01/port-expansion-opens-new-container-terminal", "Port expansion opens new container terminal",
     "Mariam Al-Sayed", "2025-03-01T09:30:00+04:00", None, "Business", ["ports", "shipping"], True, [
        "The country's largest port opened a new container terminal on Saturday, adding capacity for two million containers a year.",
        "Officials said the terminal, built over three years, would shorten waiting times for ships that now queue for days in peak season.",
        "Shipping lines have already booked slots for the first month, according to the port authority, which expects traffic to rise by a fifth.",
        "The expansion is part of a wider plan to turn the coast into a regional logistics hub linking Asia, Africa and Europe.",
    ]),
    ("2025/03/02/desalination-plant-to-supply-half-a-million-homes", "Desalination plant to supply half a million homes",
     "Khalid Rahman and Sara Haddad", "2025-03-02T14:05:00+04:00", "2025-03-03T08:00:00+04:00", "Environment",
     ["water", "energy"], True, [
        "A solar-powered desalination plant will supply drinking water to half a million homes when it opens next year, the utility said.",
        "The plant uses reverse osmosis and will draw its power from a neighbouring solar park, cutting the emissions of water production.",
        "Update: the utility corrected the opening date on Monday; the plant will open in the second quarter rather than the first.",
        "Engineers said brine from the plant would be diluted before it returns to the sea, to protect coral reefs near the outlet.",
    ]),
    ("2025/03/03/central-bank-holds-interest-rates-steady", "Central bank holds interest rates steady",
     "Omar Farouk", "2025-03-03T16:45:00+04:00", None, "Economy", ["banking", "rates"], True, [
        "The central bank kept its main interest rate unchanged on Monday, citing stable inflation and steady growth in lending.",
        "Analysts had expected the decision, which follows a similar move by the US Federal Reserve last week.",
        "The bank said it would keep watching housing prices, which rose by nine percent last year in the capital.",
    ]),
    ("2025/03/04/falcon-festival-draws-record-crowds", "Falcon festival draws record crowds",
     "Layla Nasser", "2025-03-04T11:20:00+04:00", None, "Culture", ["heritage", "festivals"], False, [
        "More than forty thousand visitors came to the annual falcon festival this weekend, a record for the event.",
        "Breeders from across the region showed birds in speed and beauty contests, and children learned to handle young falcons.",
        "Organisers said next year's festival would move to a larger site on the edge of the desert to make room for more visitors.",
    ]),
]

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | Gulf Wire</title>
<meta name="description" content="{description}">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Gulf Wire">
<meta property="og:image" content="__BASE__/img/{slug_tail}.jpg">
<link rel="canonical" href="__BASE__/{path}.html">
<link rel="alternate" type="application/rss+xml" title="Gulf Wire" href="__BASE__/rss.xml">
<script type="application/ld+json">{jsonld}</script>
</head>
<body>
<header class="masthead"><a href="__BASE__/">Gulf Wire</a>
<nav><a href="__BASE__/section/business/">Business</a> <a href="__BASE__/section/culture/">Culture</a></nav></header>
<main>
<article class="story">
<h1 class="story-title">{title}</h1>
<p class="byline">By {author} · <time datetime="{published}">{published_day}</time></p>
<div class="share-buttons"><a href="https://twitter.com/share">Share on X</a> <a href="https://facebook.com/sharer">Share on Facebook</a></div>
<div class="story-body">
{paragraphs}
</div>
<aside class="related-posts"><h2>Related stories</h2><ul>
<li><a href="__BASE__/{related}.html">Read next: more from Gulf Wire</a></li></ul></aside>
</article>
{comments}
</main>
<footer class="site-footer"><p>© 2025 Gulf Wire. All rights reserved.</p><a href="__BASE__/about.html">About us</a></footer>
</body>
</html>
"""

COMMENTS = """<section id="comments" class="comments-area">
<h2 class="comments-title">2 comments</h2>
<ol class="comment-list">
<li class="comment"><article class="comment-body"><b class="fn">Ahmed K.</b> <time datetime="2025-03-05T10:00:00+04:00">March 5, 2025</time>
<div class="comment-content"><p>Great news for the economy, finally some progress on this.</p></div></article></li>
<li class="comment"><article class="comment-body"><b class="fn">Noura</b> <time datetime="2025-03-06T12:00:00+04:00">March 6, 2025</time>
<div class="comment-content"><p>I hope they think about the environment too before building more.</p></div></article></li>
</ol>
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form id="commentform" class="comment-form"><p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
<p class="comment-form-cookies-consent"><input type="checkbox"> Save my name, email, and website in this browser for the next time I comment.</p>
<p class="form-submit"><input type="submit" value="Post Comment"></p></form></div>
</section>"""


def story_page(index: int) -> str:
    path, title, author, published, modified, section, tags, comments, paragraphs = STORIES[index]
    names = [n.strip() for n in author.split(" and ")]
    jsonld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Gulf Wire", "url": "__BASE__/"},
            {"@type": "NewsArticle", "headline": title, "datePublished": published,
             "dateModified": modified or published, "articleSection": section, "keywords": ", ".join(tags),
             "author": [{"@type": "Person", "name": n} for n in names],
             "publisher": {"@type": "Organization", "name": "Gulf Wire"},
             "mainEntityOfPage": f"__BASE__/{path}.html"},
        ],
    }
    related = STORIES[(index + 1) % len(STORIES)][0]
    return TEMPLATE.format(
        title=title, description=paragraphs[0], slug_tail=path.rsplit("/", 1)[-1], path=path,
        jsonld=json.dumps(jsonld), author=author, published=published, published_day=published[:10],
        paragraphs="\n".join(f"<p>{p}</p>" for p in paragraphs), related=related,
        comments=COMMENTS if comments else "",
    )


def home_page() -> str:
    teasers = "\n".join(
        f'<article class="teaser"><h2><a href="__BASE__/{s[0]}.html">{s[1]}</a></h2><p>{s[8][0]}</p></article>'
        for s in STORIES
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Gulf Wire – news from the Gulf</title>
<meta property="og:type" content="website">
<link rel="alternate" type="application/rss+xml" title="Gulf Wire" href="__BASE__/rss.xml"></head>
<body><header><h1>Gulf Wire</h1></header><main>
{teasers}
<article class="teaser"><h2><a href="__BASE__/2025/03/05/annual-report.html">Annual report (PDF)</a></h2></article>
<article class="teaser"><h2><a href="__BASE__/2025/03/06/deleted-story.html">A story that was taken down</a></h2></article>
<article class="teaser"><h2><a href="__BASE__/2025/03/07/garbled.html">A page with broken bytes</a></h2></article>
<article class="teaser"><h2><a href="__BASE__/2025/03/08/server-error.html">A page that fails</a></h2></article>
<nav class="pagination"><a href="__BASE__/private/secret.html">Staff only</a> <a href="__BASE__/section/culture/">Culture</a> <a href="https://elsewhere.example/">Partner site</a></nav>
</main><footer><a href="__BASE__/about.html">About us</a></footer></body></html>
"""


def news_sitemap(stories) -> str:
    urls = "\n".join(
        f"""<url><loc>__BASE__/{s[0]}.html</loc><news:news><news:publication><news:name>Gulf Wire</news:name>
<news:language>en</news:language></news:publication><news:publication_date>{s[3]}</news:publication_date>
<news:title>{s[1]}</news:title></news:news></url>"""
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>
"""


def rss() -> str:
    items = "\n".join(
        f"<item><title>{s[1]}</title><link>__BASE__/{s[0]}.html</link>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(s[3]))}</pubDate></item>"
        for s in STORIES[:2]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Gulf Wire</title><link>__BASE__/</link><description>News</description>
{items}
</channel></rss>
"""


def write(path: str, content: str | bytes, headers: dict | None = None) -> None:
    target = ROOT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if headers:
        target.with_name(target.name + ".headers.json").write_text(json.dumps(headers, indent=1) + "\n")


def main() -> None:
    write("robots.txt", "User-agent: *\nDisallow: /private/\nSitemap: __BASE__/sitemap-index.xml\n")
    # Three of the four stories are in sitemaps (one gzipped); the last is found through the home page only.
    write("sitemap-index.xml", """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>__BASE__/news-sitemap.xml</loc></sitemap>
<sitemap><loc>__BASE__/sitemap-archive.xml.gz</loc></sitemap>
</sitemapindex>
""")
    write("news-sitemap.xml", news_sitemap(STORIES[:2]))
    # gzip with a fixed mtime so the file is byte-identical on every run
    archive = gzip.compress(news_sitemap(STORIES[2:3]).encode("utf-8"), mtime=0)
    write("sitemap-archive.xml.gz", archive, {"Content-Type": "application/gzip"})
    write("rss.xml", rss(), {"Content-Type": "application/rss+xml; charset=utf-8"})
    write("index.html", home_page())
    for index, story in enumerate(STORIES):
        write(f"{story[0]}.html", story_page(index))
    write("section/culture/index.html", home_page().replace("<h1>Gulf Wire</h1>", "<h1>Culture</h1>"))
    write("about.html", "<!DOCTYPE html><html lang='en'><head><title>About us | Gulf Wire</title></head>"
          "<body><h1>About us</h1><p>Gulf Wire is an independent news service.</p></body></html>")
    write("2025/03/05/annual-report.html", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
          {"Content-Type": "application/pdf"})
    write("2025/03/07/garbled.html", bytes(range(256)) * 8, {"Content-Type": "text/html"})
    write("2025/03/08/server-error.html", "<html><body>Internal error</body></html>",
          {"Status": 500, "Content-Type": "text/html; charset=utf-8"})
    write("private/secret.html", "<html><body><h1>Not for crawlers</h1></body></html>")


if __name__ == "__main__":
    main()
