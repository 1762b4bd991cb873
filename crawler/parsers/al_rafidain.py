"""The parser of the al-rafidain source (fixtures/sites/al-rafidain, sources.toml).

Since its 2025 redesign, the site's story pages open with a section kicker, the headline and a
credits block ("كتب:" writer, "تصوير:" photographer, "تحرير:" editor) inside the story's
`<article>`, and show the lead picture as a `<figure class="lead">` without `og:image`. The
generic extraction then reads the kicker, headline and credits into the body and finds no
image. This parser takes the body from the story's own paragraphs (`.story-body`) and the image
from the lead figure. Pages in the older layout (no `.story-body`) keep the generic result.
"""

from __future__ import annotations

from urllib.parse import urljoin

from crawler.extract import Article
from crawler.parsers import Page


class AlRafidainParser:
    """Body and lead image of al-rafidain's 2025 layout."""

    def body(self, page: Page, article: Article) -> str | None:
        paragraphs = (" ".join(p.text_content().split()) for p in page.css("article .story-body > p"))
        return "\n\n".join(p for p in paragraphs if p) or None

    def image(self, page: Page, article: Article) -> str | None:
        sources = page.xpath('//article//figure[contains(concat(" ", @class, " "), " lead ")]//img/@src')
        return urljoin(page.url, sources[0].strip()) if sources and sources[0].strip() else None
