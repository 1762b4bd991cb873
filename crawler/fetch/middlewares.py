"""Middlewares: Retry-After on 429/503, redirect loops, DEPTH_LIMIT cuts counted per source,
per-source download counts, and meta refresh looked for in bytes first (per-host limits and
Crawl-delay: crawler.fetch.politeness)."""

from __future__ import annotations

import asyncio
import logging
import time
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.spidermiddlewares.depth import DepthMiddleware
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from crawler.extract.decode import byte_scannable
from crawler.fetch.failures import RedirectLoop, failure_reason
from crawler.stats import inc

logger = logging.getLogger(__name__)


class SourceDepthMiddleware(DepthMiddleware):
    """Scrapy's DepthMiddleware, with every request it cuts also counted for its source
    (`news/cut/depth`, `news/sources/<name>/cut/depth`), so a crawl's completeness can say so."""

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        processed = super().get_processed_request(request, response)
        if processed is None:
            inc(self.stats, "cut/depth", request.meta.get("site"))
        return processed


# Scrapy reads a meta refresh in the first 4096 characters of the decoded page: in a charset
# `byte_scannable` accepts, they lie within the first 4 x 4096 bytes
_REFRESH_SCAN_BYTES = 4 * 4096


class BytesFirstMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, which decodes every HTML page to look for a refresh in
    its first 4096 characters. A page whose first bytes do not hold the word `refresh` has
    none, and is left undecoded (the crawl sends pages to its workers as bytes); any other page
    goes through Scrapy's own reading, so the redirects are the same."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if isinstance(response, HtmlResponse) and byte_scannable(response.encoding) and \
                b"refresh" not in response.body[:_REFRESH_SCAN_BYTES].lower():
            return response
        return super().process_response(request, response)


def retry_after_seconds(value: bytes | None, now: float | None = None) -> float | None:
    """Seconds asked by a Retry-After header (delta-seconds or an HTTP date); None if absent/invalid."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (now if now is not None else time.time()))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting as long as a 429/503 `Retry-After` asks (up to NEWS_MAX_RETRY_AFTER)."""

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("NEWS_MAX_RETRY_AFTER")

    async def process_response(self, request: Request, response: Response, spider=None):
        wait = retry_after_seconds(response.headers.get(b"Retry-After")) if response.status in (429, 503) else None
        if wait is not None and not request.meta.get("dont_retry"):
            if wait > self.max_wait:
                logger.info("Retry-After %.0fs on %s is beyond NEWS_MAX_RETRY_AFTER: not retried", wait, request.url)
                return response
            logger.debug("HTTP %s with Retry-After %.1fs: waiting before retrying %s", response.status, wait, request.url)
            await asyncio.sleep(wait)
        return super().process_response(request, response)


class RedirectLoopMiddleware:
    """Stops a redirect that leads back into its own chain, as a `redirect loop` (a reject reason),
    instead of letting the duplicate filter drop the page without a word."""

    def process_response(self, request: Request, response: Response, spider=None):
        location = response.headers.get(b"Location")
        if 300 <= response.status < 400 and location:
            target = response.urljoin(location.decode("latin-1"))
            chain = set(request.meta.get("redirect_urls", [])) | {request.url}
            if target in chain:
                raise RedirectLoop(f"redirect loop: {request.url} -> {target}")
        return response


class SourceStatsMiddleware:
    """Counts each source's own downloads (`news/sources/<name>/requests`, `…/responses/<status>`,
    `…/errors/<reason>`), by the request's `meta["site"]`: Scrapy's `downloader/…` counters are
    crawl-wide, so in a crawl of several sources they cannot say whose a 500 was. Every attempt
    counts (retries too), as in Scrapy's own counters."""

    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler) -> "SourceStatsMiddleware":
        return cls(crawler.stats)

    def process_request(self, request: Request, spider=None):
        inc(self.stats, "requests", request.meta.get("site"))
        return None

    def process_response(self, request: Request, response: Response, spider=None):
        inc(self.stats, f"responses/{response.status}", request.meta.get("site"))
        return response

    def process_exception(self, request: Request, exception: BaseException, spider=None):
        inc(self.stats, f"errors/{failure_reason(Failure(exception))}", request.meta.get("site"))
        return None
