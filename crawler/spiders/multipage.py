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

from crawler.extract import Article, Rejection, content_hash
from crawler.workers import sign
from crawler.stats import inc
from crawler.urls import canonical_url

HREF = re.compile(r"""<(?:a|link)\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
PAGE_PARAMS = ("page", "pg")  # ?page=N, ?pg=N; WordPress plain permalinks: ?p=ID&page=N

Extract = Callable[[bytes, str, dict], Awaitable["Article | Rejection"]]


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
        if not href or href.startswith(("#", "mailto:", "javascript:")):
            continue
        url = urljoin(page_url, href)
        number = part_number(url, story)
        if number is not None:
            parts.setdefault(number, url)
    return parts


def _opening(body: str) -> str:
    return " ".join(body.split("\n\n", 1)[0].split()).lower()


class StoryParts:
    """Extracts a page and, when it opens a multi-page story, its further parts, joined.

    `extract(body, url, kwargs)` is the spider's extraction (worker pool or in process);
    `download(request)` its engine's downloader."""

    def __init__(self, extract: Extract, download: Callable[[scrapy.Request], Awaitable[Response]],
                 stats, max_parts: int, logger) -> None:
        self.extract, self.download, self.stats = extract, download, stats
        self.max_parts, self.logger = max_parts, logger

    async def article(self, response: Response, kwargs: dict, source: str | None) -> Article | Rejection:
        """The page's article, with the bodies of its further parts appended in order."""
        parts = part_links(response.text, response.url, response.url) if isinstance(response, TextResponse) else {}
        if 2 not in parts:
            return await self.extract(response.body, response.url, kwargs)
        minimum = kwargs.get("min_body_chars", 0)
        first = await self.extract(response.body, response.url, {**kwargs, "min_body_chars": 1})
        if not isinstance(first, Article):
            return first
        bodies, number = [first.body], 2
        while number in parts:
            if number > self.max_parts:
                inc(self.stats, "multipage/parts_capped", source)
                self.logger.warning("%s: parts after %d not fetched (NEWS_MAX_STORY_PARTS)", response.url, self.max_parts)
                break
            url = parts[number]
            part = await self._part(url, response.url, kwargs)
            if isinstance(part, Rejection):
                inc(self.stats, "multipage/part_failed", source)
                self.logger.warning("%s: part %d (%s) failed: %s", response.url, number, url, part.detail)
                return Rejection(response.url, "part_failed", f"part {number} ({url}): {part.detail}", source,
                                 response.status)
            text, page = part
            if text is None or text in bodies or _opening(text) == _opening(first.body):
                break  # the same page again (a server that ignores the part number): not a part
            bodies.append(text)
            inc(self.stats, "multipage/parts", source)
            for more, link in part_links(page.text, page.url, response.url).items():
                parts.setdefault(more, link)
            number += 1
        if len(bodies) > 1:
            first.body = "\n\n".join(bodies)
            first.content_hash = content_hash(first.body)
            if first.minhash is not None:  # the worker signed part 1 alone: sign the whole story
                sign(first)
            inc(self.stats, "multipage/stories", source)
        if len(first.body) < minimum:
            return Rejection(response.url, "too_short", f"body of {len(first.body)} characters (minimum {minimum})",
                             source, response.status)
        return first

    async def _part(self, url: str, story: str, kwargs: dict) -> Rejection | tuple[str | None, TextResponse]:
        """One further part: its body (None when it is not a new page), or why it failed. It is read
        as a page of the story at `story`: its own URL (`?page=2`) would pass for a listing's."""
        try:
            response = await self.download(scrapy.Request(url, meta={"story_part": True}))
        except Exception as exc:  # IgnoreRequest (robots.txt), timeouts, connection errors
            return Rejection(url, "part_failed", f"{type(exc).__name__}: {exc}"[:300])
        if response.status != 200 or not isinstance(response, TextResponse):
            return Rejection(url, "part_failed", f"HTTP {response.status}")
        if canonical_url(response.url) != canonical_url(url):  # /story/9/ past the end redirects to /story/
            return None, response
        part = await self.extract(response.body, story, {**kwargs, "min_body_chars": 1})
        if not isinstance(part, Article):
            return Rejection(url, "part_failed", f"{part.reason}: {part.detail}")
        return part.body, response
