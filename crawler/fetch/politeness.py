"""Per-host politeness held by our own downloader middleware: at most CONCURRENT_REQUESTS_PER_DOMAIN
requests in flight to a host (host:port) and at least the host's delay between two of its requests
(DOWNLOAD_DELAY, or robots.txt Crawl-delay capped at NEWS_MAX_CRAWL_DELAY), robots.txt requests,
404s, retries and redirects included. Scrapy 2.19's own per-domain limit does not hold under the
asyncio reactor (#16: 9 in flight with the limit at 2), so this middleware admits each request.

On a shared Redis frontier (NEWS_REDIS_URL) the same limits hold across all workers of a crawl
(crawler.frontier.hostlimits: leased slots, the host's next allowed time, the Crawl-delay any worker
read). A request waits in `process_request` (a coroutine: the reactor goes on) until admitted, and
gives its slot back when its response or error comes. The download slot Scrapy keeps per domain
still applies its delay after admission, so AUTOTHROTTLE goes on adjusting it as before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.crawlsources import sources_of

logger = logging.getLogger(__name__)

FULL_POLL_SECONDS = 0.05  # how often a worker asks Redis again when a host's shared slots are all taken


@dataclass
class HostState:
    """One host on this worker: requests in flight, the earliest start of the next one, and a lock
    that lets requests in one at a time, in the order they came (asyncio.Lock is first come, first served)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    freed: asyncio.Event = field(default_factory=asyncio.Event)
    in_flight: int = 0
    next_at: float = 0.0


class HostLimiter:
    """Admission per host on one worker: at most `limit` in flight, `delay_of(host)` seconds between
    two starts. `shared(host)`, when given, is awaited last before admission (the cross-worker gate)."""

    def __init__(self, limit: int, delay_of: Callable[[str], float]) -> None:
        self.limit = max(1, limit)
        self.delay_of = delay_of
        self.hosts: dict[str, HostState] = {}

    async def acquire(self, host: str, shared: Callable[[str], Awaitable[None]] | None = None) -> int:
        """Wait for the host's turn; returns the host's count in flight with this request."""
        state = self.hosts.get(host)
        if state is None:
            state = self.hosts[host] = HostState()
        async with state.lock:
            while state.in_flight >= self.limit:
                state.freed.clear()
                await state.freed.wait()
            wait = state.next_at - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if shared is not None:
                await shared(host)
            state.in_flight += 1
            state.next_at = time.monotonic() + self.delay_of(host)
            return state.in_flight

    def release(self, host: str) -> None:
        state = self.hosts[host]
        state.in_flight -= 1
        state.freed.set()


class PolitenessMiddleware:
    """Admits each download by its host's limits (see the module); counts the requests that had to
    wait (`news/politeness/delayed`, `news/politeness/delayed_seconds`), the most in flight to one
    host on this worker (`news/politeness/max_in_flight`), and on Redis its calls
    (`news/politeness/redis_calls`) and slots whose lease ran out while held (`news/politeness/slots_lost`)."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler, self.stats = crawler, crawler.stats
        self.base_delay = max(0.0, settings.getfloat("DOWNLOAD_DELAY"))
        self.max_crawl_delay = settings.getfloat("NEWS_MAX_CRAWL_DELAY")
        self.limiter = HostLimiter(settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"), self.delay_of)
        self.robots_delays: dict[str, float] = {}  # host:port -> robots.txt Crawl-delay (uncapped)
        self.held: dict[Request, tuple[str, str]] = {}  # admitted request -> (host, shared slot token)
        self.redis_url = settings.get("NEWS_REDIS_URL")
        self.shared: Any = None  # crawler.frontier.hostlimits.SharedHostLimits on a Redis crawl
        self.renewer: asyncio.Task | None = None
        self.pending: set[asyncio.Task] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> "PolitenessMiddleware":
        middleware = cls(crawler)
        crawler.signals.connect(middleware.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # --- delays ----------------------------------------------------------------------------

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Crawl-delay of robots.txt as RobotsTxtMiddleware read it (ROBOTSTXT_OBEY)."""
        delay = robotparser.crawl_delay(self.crawler.settings.get("USER_AGENT"))
        if delay:
            self.robots_delays[urlparse_cached(request).netloc] = float(delay)

    def crawl_delay(self, host: str) -> float:
        """The host's robots.txt Crawl-delay, capped at NEWS_MAX_CRAWL_DELAY; 0 when none. With
        ROBOTSTXT_OBEY off the spider reads robots.txt itself, into the crawl's sources component."""
        delay = self.robots_delays.get(host) or sources_of(self.crawler).crawl_delay(host)
        return min(float(delay), self.max_crawl_delay)

    def delay_of(self, host: str) -> float:
        """Seconds between two request starts to the host."""
        return max(self.base_delay, self.crawl_delay(host))

    # --- the shared gate (Redis) ------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        if not self.redis_url:
            return
        from crawler.frontier.hostlimits import SharedHostLimits  # the optional 'redis' extra

        settings = self.crawler.settings
        self.shared = SharedHostLimits(self.redis_url, spider, self.limiter.limit,
                                       settings.getfloat("NEWS_REDIS_LEASE_SECONDS"), self.base_delay,
                                       self.max_crawl_delay)
        self.renewer = asyncio.ensure_future(self._renew())

    async def spider_closed(self, spider: Spider) -> None:
        if self.shared is None:
            return
        if self.renewer is not None:
            self.renewer.cancel()
        if self.pending:
            await asyncio.gather(*self.pending, return_exceptions=True)
        self.stats.set_value("news/politeness/redis_calls", self.shared.calls)
        await self.shared.close()

    async def _renew(self) -> None:
        """Extend the leases of the slots this worker holds (a killed worker's slots come back)."""
        while True:
            await asyncio.sleep(self.shared.lease_seconds / 3)
            tokens = [token for _, token in self.held.values()]
            try:
                lost = await self.shared.renew(tokens)
            except Exception as exc:  # Redis away for a moment: the next round tries again
                logger.warning("politeness: could not renew host slots in Redis (%s)", exc)
                continue
            if lost:
                self.stats.inc_value("news/politeness/slots_lost", lost)

    async def _shared_turn(self, host: str, token: str) -> None:
        """Wait until Redis admits `token` to the host across all workers."""
        while True:
            try:
                wait = await self.shared.try_acquire(host, token, self.crawl_delay(host))
            except Exception as exc:  # Redis away for a moment: wait, ask again
                logger.warning("politeness: Redis call failed (%s); retrying", exc)
                self.stats.inc_value("news/politeness/redis_errors")
                wait = 1.0
            if wait == 0:
                return
            await asyncio.sleep(wait if wait > 0 else FULL_POLL_SECONDS)

    # --- the middleware ---------------------------------------------------------------------

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        parts = urlparse_cached(request)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None
        host = parts.netloc
        token = self.shared.token(host) if self.shared is not None else ""
        shared = (lambda h: self._shared_turn(h, token)) if self.shared is not None else None
        started = time.monotonic()
        in_flight = await self.limiter.acquire(host, shared)
        self.held[request] = (host, token)
        waited = time.monotonic() - started
        if waited > 0.001:
            self.stats.inc_value("news/politeness/delayed")
            self.stats.inc_value("news/politeness/delayed_seconds", round(waited, 3))
        self.stats.max_value("news/politeness/max_in_flight", in_flight)
        return None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: BaseException, spider: Spider | None = None) -> None:
        self._release(request)
        return None

    def _release(self, request: Request) -> None:
        """The request's slot back (a response that never passed process_request, e.g. from the
        HTTP cache, held none)."""
        held = self.held.pop(request, None)
        if held is None:
            return
        host, token = held
        if self.shared is None:
            self.limiter.release(host)
            return
        task = asyncio.ensure_future(self._release_shared(host, token))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _release_shared(self, host: str, token: str) -> None:
        """Free the Redis slot first, then the local one: the next request of this worker for the
        host does not find its own slot still taken."""
        try:
            await self.shared.release(host, token)
        except Exception as exc:  # its lease runs out instead
            logger.warning("politeness: could not free a host slot in Redis (%s)", exc)
        finally:
            self.limiter.release(host)
