"""Stories split over several pages: part 1 at `/story/`, part N at `/story/N/` (WordPress
`<!--nextpage-->`, most CMSs) or `/story?page=N`, linked from the story's own page links.

The crawl stores one article: the first page's metadata, the parts' bodies joined in order.
Parts are fetched one after another (a part may link the next one only) through the engine's
downloader, so robots.txt, retries, redirects and throttling apply as to any request.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.extract import Article, Rejection
from crawler.extract.decode import byte_scannable
from crawler.stats import inc
from crawler.urls import canonical_url

HREF = re.compile(r"""<(?:a|link)\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
PAGE_PARAMS = ("page", "pg")  # ?page=N, ?pg=N; WordPress plain permalinks: ?p=ID&page=N
# what every part link has (part_number's necessary condition): a last path segment of digits, or a
# page parameter. A news page carries hundreds of links (menus, tags, related posts) and this
# cheap test keeps all but a few from the full check, which joins and canonicalises the URL.
MAY_BE_PART = re.compile(r"(?:^|/)\d+/?(?:[?#]|$)|[?&](?:page|pg)=\d")

# How a link to part 2 is written in a page's bytes (a last path segment `2`, absolute, rooted or
# relative, or a `page`/`pg` parameter): a page with none of these opens no multi-page story, and
# its text is neither decoded nor scanned link by link here. Each is a literal-led search, about
# 30 µs on a 100 KB page. Not looked for: an href whose `2` is written as an HTML entity or after
# spaces inside the quotes.
_PART_TWO_SPELLINGS = tuple(re.compile(pattern) for pattern in (
    rb"""/2/?[\s"'#?]""", rb'''"2/?["#?]''', rb"""'2/?['#?]""", rb"page=", rb"pg="))


def may_link_part_two(body: bytes, encoding: str = "utf-8") -> bool:
    """False when no link of the page can be part 2 of a story (`part_links` would find none).
    A page in an encoding that does not write ASCII as ASCII (UTF-16) is always looked at."""
    return not byte_scannable(encoding) or any(spelling.search(body) for spelling in _PART_TWO_SPELLINGS)


# runs a step of crawler.prepare by name (crawler.workers.TASKS): in a worker process or in process
Step = Callable[..., Awaitable["Article | Rejection"]]


def part_number(url: str, story: str) -> int | None:
    """N (2 or more) when `url` is part N of the story at `story`: `story/N/`, `story/N`, or the
    story's URL with `page=N` (or `pg=N`) added to its query. None otherwise."""
    link, base = urlsplit(canonical_url(url)), urlsplit(canonical_url(story))
    if (link.scheme, link.netloc) != (base.scheme, base.netloc) or base.path in ("", "/") and not base.query:
        return None
    if link.query == base.query:
        prefix = base.path.rstrip("/") + "/"
        rest = link.path[len(prefix):].rstrip("/") if link.path.startswith(prefix) else ""
        number = rest
    else:
        if link.path != base.path:
            return None
        extra = parse_qsl(link.query, keep_blank_values=True)
        for pair in parse_qsl(base.query, keep_blank_values=True):
            if pair not in extra:
                return None
            extra.remove(pair)
        if len(extra) != 1 or extra[0][0] not in PAGE_PARAMS:
            return None
        number = extra[0][1]
    # no leading zero: /2020/07/ links the day archive /2020/07/02/, not a part
    if number.isdigit() and number == str(int(number)) and int(number) >= 2:
        return int(number)
    return None


def part_links(html: str, page_url: str, story: str) -> dict[int, str]:
    """The story's parts that `html` (fetched from `page_url`) links to: {N: URL}."""
    parts: dict[int, str] = {}
    for double, single in HREF.findall(html):
        href = htmllib.unescape(double or single).strip()
        if not href or href.startswith(("#", "mailto:", "javascript:")) or not MAY_BE_PART.search(href):
            continue
        url = urljoin(page_url, href)
        number = part_number(url, story)
        if number is not None:
            parts.setdefault(number, url)
    return parts


def _opening(body: str) -> str:
    return " ".join(body.split("\n\n", 1)[0].split()).lower()


class StoryParts:
    """Prepares a page and, when it opens a multi-page story, reads its further parts and
    prepares the story once, joined (crawler.prepare.prepare_story).

    `step(name, *args)` runs a crawler.prepare step (worker pool or in process);
    `download(request)` is the engine's downloader."""

    def __init__(self, step: Step, download: Callable[[scrapy.Request], Awaitable[Response]],
                 stats, max_parts: int, logger) -> None:
        self.step, self.download, self.stats = step, download, stats
        self.max_parts, self.logger = max_parts, logger

    async def article(self, response: Response, hints: dict, now, source: str | None,
                      urgent: bool = False) -> Article | Rejection:
        """The page's prepared article, with the bodies of its further parts joined in order; an
        `urgent` page (a likely listing, whose links the crawl waits for) is prepared first."""
        parts = part_links(response.text, response.url, response.url) \
            if isinstance(response, TextResponse) and may_link_part_two(response.body, response.encoding) else {}
        if 2 not in parts:
            return await self.step("prepare", response.body, response.url, hints, now, urgent=urgent)
        page_hints = {**hints, "min_body_chars": 1}  # the whole story must be long enough, not each part
        first = await self.step("extract_page", response.body, response.url, page_hints, now)
        if not isinstance(first, Article):
            return first
        read, bodies, number = [first], [first.body], 2
        while number in parts:
            if number > self.max_parts:
                inc(self.stats, "multipage/parts_capped", source)
                self.logger.warning("%s: parts after %d not fetched (NEWS_MAX_STORY_PARTS)", response.url, self.max_parts)
                break
            url = parts[number]
            part = await self._part(url, response.url, page_hints, now)
            if isinstance(part, Rejection):
                inc(self.stats, "multipage/part_failed", source)
                self.logger.warning("%s: part %d (%s) failed: %s", response.url, number, url, part.detail)
                return Rejection(response.url, "part_failed", f"part {number} ({url}): {part.detail}", source,
                                 response.status)
            article, page = part
            if article is None or article.body in bodies or _opening(article.body) == _opening(first.body):
                break  # the same page again (a server that ignores the part number): not a part
            read.append(article)
            bodies.append(article.body)
            inc(self.stats, "multipage/parts", source)
            for more, link in part_links(page.text, page.url, response.url).items():
                parts.setdefault(more, link)
            number += 1
        if len(read) > 1:
            inc(self.stats, "multipage/stories", source)
        return await self.step("prepare_story", read, hints, now)

    async def _part(self, url: str, story: str, hints: dict, now) -> Rejection | tuple[Article | None, TextResponse]:
        """One further part: its article (None when it is not a new page), or why it failed. It is
        read as a page of the story at `story`: its own URL (`?page=2`) would pass for a listing's."""
        try:
            response = await self.download(scrapy.Request(url, meta={"story_part": True}))
        except Exception as exc:  # IgnoreRequest (robots.txt), timeouts, connection errors
            return Rejection(url, "part_failed", f"{type(exc).__name__}: {exc}"[:300])
        if response.status != 200 or not isinstance(response, TextResponse):
            return Rejection(url, "part_failed", f"HTTP {response.status}")
        if canonical_url(response.url) != canonical_url(url):  # /story/9/ past the end redirects to /story/
            return None, response
        part = await self.step("extract_page", response.body, story, hints, now)
        if not isinstance(part, Article):
            return Rejection(url, "part_failed", f"{part.reason}: {part.detail}")
        return part, response
