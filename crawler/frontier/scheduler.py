"""FrontierScheduler: Scrapy's scheduler for a crawl shared by many workers through Redis.

Page requests go to the shared queue (deduplicated there) and come back under a lease: a worker
acknowledges a request once the engine is done with it (downloaded and its callback's output
processed, items through the pipelines; or failed for good), renews the leases of requests it
still holds, and puts back requests whose worker died. Discovery requests (robots.txt, the home
page, sitemaps, feeds, WordPress REST, archives) stay with the worker that seeded the crawl: their
callbacks share per-source state (robots read, REST pages pending, parked pages) that lives in
that worker. The seeding role is leased: the seeder's heartbeat goes on until its discovery is
done; when it runs out before (the seeder died), another worker takes the role and runs discovery
again from the spider's start (the page requests it finds were mostly queued already: the shared
duplicate filter drops them). Every Redis call runs in one thread of the worker's own, never on
the reactor thread; the engine sees only local deques.
"""

from __future__ import annotations

from collections import deque
import logging
import os
import queue
import socket
import threading
import time
import uuid

from scrapy import Request, Spider, signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.connection import get_redis
from twisted.internet import reactor, task, threads
from twisted.internet.defer import Deferred

from crawler.frontier.client import FrontierClient, Status
from crawler.frontier.records import crawl_finished, wait_for_writer
from crawler.frontier.state import attach_hints, restore_hints

logger = logging.getLogger(__name__)

LEASE_META = "frontier_lease"  # the Redis member of a leased request (stripped before a push)
POLL_SECONDS = 0.2  # how often the reactor looks for finished requests
TICK_SECONDS = 0.1  # the frontier thread's longest wait between rounds
PREFETCH = 2  # requests leased beyond CONCURRENT_REQUESTS, so the downloader never waits on Redis


def is_local(request: Request) -> bool:
    """Discovery requests, kept by the worker that seeded the crawl."""
    return bool(request.meta.get("discovery") or request.meta.get("home"))


class FrontierThread(threading.Thread):
    """Runs every Redis call of one worker: pushes and acks in the order the reactor sent them,
    leases to keep `capacity` requests held, lease renewal, requeueing of expired leases."""

    def __init__(self, client: FrontierClient, capacity: int, lease_seconds: float, scheduler: "FrontierScheduler") -> None:
        super().__init__(name="news-frontier", daemon=True)
        self.client, self.capacity, self.scheduler = client, capacity, scheduler
        self.renew_every = max(lease_seconds / 3, 0.2)
        self.commands: queue.SimpleQueue = queue.SimpleQueue()
        self.wake = threading.Event()
        self.held: set[bytes] = set()  # leased and not acknowledged
        self.active = False  # this worker has discovery work of its own (heartbeat in :active)
        self.seeder = False  # this worker holds the seeding role
        self.idle_seq = -1  # the reactor's command count when it last said it was idle
        self.stopping = False

    def send(self, *command) -> None:
        self.commands.put(command)
        self.wake.set()

    def run(self) -> None:
        next_renew = next_requeue = 0.0
        while True:
            try:
                done = self._drain()
                now = time.monotonic()
                if now >= next_renew:
                    lost = self.client.renew(sorted(self.held), self.active)
                    self.held.difference_update(lost)
                    self.scheduler.report("lease_lost", len(lost))
                    next_renew = now + self.renew_every
                if done:
                    return
                if now >= next_requeue:
                    self.scheduler.report("redelivered", self.client.requeue_expired())
                    if not self.seeder and not self.stopping and self.client.claim_seeder():
                        self.seeder = self.active = True  # the seeder died before its discovery was done
                        self.scheduler.took_over()
                    next_requeue = now + 1.0
                if not self.stopping and len(self.held) < self.capacity:
                    taken = self.client.lease(self.capacity - len(self.held))
                    if taken:
                        self.held.update(taken)
                        self.scheduler.deliver([(member, self.client.decode(member)) for member in taken])
                seq = self.idle_seq
                idle = seq >= 0 and not self.held and not self.active and self.commands.empty()
                self.scheduler.observed(self.client.status(idle), seq if idle else -1)
            except Exception as exc:  # Redis away for a moment: say so, and try again
                logger.warning("frontier: Redis call failed (%s); retrying", exc)
                self.scheduler.report("redis_errors", 1)
                time.sleep(1.0)
            self.wake.wait(TICK_SECONDS)
            self.wake.clear()

    def _drain(self) -> bool:
        """Carry out the reactor's commands in order; True once told to stop."""
        while True:
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                return False
            kind = command[0]
            if kind == "push":
                _, data, fingerprint, priority, replaces = command
                added = self.client.push(data, fingerprint, priority, replaces)
                self.held.discard(replaces)
                self.scheduler.report("pushed" if added else "duplicates", 1)
            elif kind == "ack":
                self.client.ack(command[1])
                self.held.difference_update(command[1])
            elif kind == "release":
                self.scheduler.report("released", self.client.release(command[1]))
                self.held.difference_update(command[1])
            elif kind == "discovered":  # the seeder has no discovery work left
                self.client.seeder_done(True)
                self.active = False
            elif kind == "resign":  # the seeder stops before its discovery is done: another takes over
                self.client.seeder_done(False)
                self.active = self.seeder = False
            elif kind == "idle":
                self.idle_seq = command[1]
            elif kind == "stop":
                self.stopping = True
                return True


class FrontierScheduler(BaseScheduler):
    """The scheduler of a worker on the shared Redis frontier (NEWS_REDIS_URL)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.url = settings.get("NEWS_REDIS_URL")
        self.lease_seconds = settings.getfloat("NEWS_REDIS_LEASE_SECONDS")
        self.capacity = settings.getint("CONCURRENT_REQUESTS") + PREFETCH
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.local: deque[Request] = deque()  # discovery requests of this worker
        self.ready: deque[tuple[bytes, Request]] = deque()  # leased, waiting for the downloader
        self.arriving: set[int] = set()  # ids of leased requests on their way in through engine.crawl
        self.started: dict[bytes, Request] = {}  # leased and handed to the engine
        self.local_started: list[Request] = []
        self.local_seen: set[bytes] = set()  # fingerprints of discovery requests (only this worker has them)
        self.maybe_done: set[int] = set()  # seen out of the engine once: done if so again
        self.seeder = False
        self.discovering = False  # this worker seeds and its discovery is not done yet
        self.restarting = False  # discovery's start requests going in again (a taken-over seeding role)
        self.closing = False
        self.seq = 0  # commands sent to the thread
        self.status: Status | None = None
        self.status_seq = -1
        self.thread: FrontierThread | None = None
        self.poller: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "FrontierScheduler":
        scheduler = cls(crawler)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    # --- opening and closing --------------------------------------------------------------

    def open(self, spider: Spider) -> Deferred:
        self.spider = spider
        self.client = FrontierClient(get_redis(url=self.url), spider, self.worker, self.lease_seconds)
        return threads.deferToThread(self._seed).addCallback(self._opened)

    def _seed(self) -> bool:
        """Wait for the writer's state, then seed (unless the crawl just finished: then join it, and close)."""
        wait_for_writer(self.client.server, self.url)
        if crawl_finished(self.client.server, self.client.prefix):
            logger.info("frontier: crawl %s is finished already: nothing to do", self.client.prefix)
            return False
        return self.client.seed()

    def _opened(self, seeder: bool) -> None:
        self.seeder = seeder
        stats = self.crawler.stats
        stats.set_value("news/frontier/seeded", int(seeder))
        logger.info("frontier: %s crawl %s at %s as worker %s (leases of %s s)",
                    "seeded" if seeder else "joined", self.client.prefix, self.url, self.worker, self.lease_seconds)
        self.thread = FrontierThread(self.client, self.capacity, self.lease_seconds, self)
        self.thread.active = self.thread.seeder = self.discovering = seeder  # set with the seed
        self.thread.start()
        self.poller = task.LoopingCall(self.poll)
        self.poller.start(POLL_SECONDS, now=False)

    def close(self, reason: str) -> Deferred | None:
        self.closing = True
        if self.poller is not None and self.poller.running:
            self.poller.stop()
        if self.thread is None:
            return None
        engine = self.crawler.engine  # drained by now: what left it is done (no second look needed)
        done = [member for member, request in self.started.items()
                if request not in engine.downloader.active and request not in engine.scraper.slot.active]
        if done:
            self._send("ack", done)
            self.crawler.stats.inc_value("news/frontier/acked", len(done))
        unstarted = [member for member, _ in self.ready]
        self.ready.clear()
        if unstarted:
            self._send("release", unstarted)
        if self.discovering:
            self._send("resign")
        self._send("stop")
        self.crawler.stats.set_value("news/frontier/redis_calls", self.client.calls)
        return threads.deferToThread(self.thread.join, 30)

    # --- the engine's side ----------------------------------------------------------------

    def has_pending_requests(self) -> bool:
        return bool(self.local or self.ready)

    def enqueue_request(self, request: Request) -> bool:
        stats = self.crawler.stats
        if id(request) in self.arriving:  # leased from Redis and handed in through engine.crawl
            self.arriving.discard(id(request))
            self.ready.append((request.meta[LEASE_META], request))
            return True
        if is_local(request):
            if not self.seeder:  # another worker seeded this crawl and runs its discovery
                stats.inc_value("news/frontier/seed_skipped")
                return False
            fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
            if not request.dont_filter and fingerprint in self.local_seen:
                return False
            self.local_seen.add(fingerprint)
            self.local.append(request)
            stats.inc_value("news/frontier/local")
            return True
        replaces = request.meta.pop(LEASE_META, b"")  # a retry or redirect of a leased request
        attach_hints(self.spider, request)
        self._send("push", self.client.encode(request), self.client.fingerprint(request), request.priority, replaces)
        return True

    def next_request(self) -> Request | None:
        if self.local:
            request = self.local.popleft()
            self.local_started.append(request)
            return request
        if self.ready:
            member, request = self.ready.popleft()
            self.started[member] = request
            return request
        return None

    def __len__(self) -> int:
        return len(self.local) + len(self.ready)

    # --- the frontier thread's side (called from it) ------------------------------------------

    def deliver(self, leased: list[tuple[bytes, Request]]) -> None:
        reactor.callFromThread(self._deliver, leased)

    def _deliver(self, leased: list[tuple[bytes, Request]]) -> None:
        if self.closing or self.crawler.engine is None or self.crawler.engine.spider is None:
            self._send("release", [member for member, _ in leased])
            return
        self.crawler.stats.inc_value("news/frontier/leased", len(leased))
        for member, request in leased:
            request.meta[LEASE_META] = member
            restore_hints(self.spider, request)
            self.arriving.add(id(request))
            self.crawler.engine.crawl(request)  # wakes an idle engine; enqueue_request keeps it here

    def report(self, name: str, count: int) -> None:
        if count:
            reactor.callFromThread(self.crawler.stats.inc_value, f"news/frontier/{name}", count)

    def took_over(self) -> None:
        reactor.callFromThread(self._took_over)

    def _took_over(self) -> None:
        """This worker now holds the seeding role of a seeder gone before its discovery was done:
        discovery runs again here, from the spider's start."""
        if self.closing or self.crawler.engine is None or self.crawler.engine.spider is None:
            self._send("resign")
            return
        self.seeder = self.discovering = self.restarting = True
        stats = self.crawler.stats
        stats.set_value("news/frontier/seeded", 1)
        stats.inc_value("news/frontier/seeder_takeovers")
        logger.warning("frontier: the seeding worker of crawl %s is gone before its discovery was done; "
                       "running discovery here", self.client.prefix)
        deferred_from_coro(self._rediscover()).addErrback(
            lambda failure: logger.error("frontier: discovery could not start again: %s", failure.value))

    async def _rediscover(self) -> None:
        try:
            async for request in self.spider.start():
                if isinstance(request, Request):
                    self.crawler.engine.crawl(request)
        finally:
            self.restarting = False

    def observed(self, status: Status, idle_seq: int) -> None:
        reactor.callFromThread(self._observed, status, idle_seq)

    def _observed(self, status: Status, idle_seq: int) -> None:
        self.status, self.status_seq = status, idle_seq

    # --- acknowledgements and the end of the crawl ------------------------------------------------

    def _send(self, *command) -> None:
        self.seq += 1
        if self.thread is not None:
            self.thread.send(*command)

    def _in_engine(self, request: Request) -> bool:
        """True while the downloader or the scraper (callback, item pipelines) has the request.
        A request must be seen out of both twice in a row (a poll apart) to count as done."""
        engine = self.crawler.engine
        if request in engine.downloader.active or request in engine.scraper.slot.active:
            self.maybe_done.discard(id(request))
            return True
        if id(request) not in self.maybe_done:
            self.maybe_done.add(id(request))
            return True
        self.maybe_done.discard(id(request))
        return False

    def poll(self) -> None:
        """Acknowledge the leased requests the engine is done with; keep the heartbeat of local work."""
        if self.crawler.engine is None or self.crawler.engine.scraper.slot is None:
            return
        done = [member for member, request in self.started.items() if not self._in_engine(request)]
        for member in done:
            del self.started[member]
        if done:
            self._send("ack", done)
            self.crawler.stats.inc_value("news/frontier/acked", len(done))
        self.local_started = [request for request in self.local_started if self._in_engine(request)]

    def spider_idle(self, spider: Spider) -> None:
        """Keep the worker open while the shared crawl goes on: it closes once the queue is empty
        and no worker holds a lease or has discovery work left (then the crawl's keys are gone)."""
        if self.local or self.ready or self.started or self.local_started or self.restarting:
            raise DontCloseSpider
        if self.discovering:
            self.discovering = False
            self._send("discovered")
        if self.status_seq != self.seq:  # the thread has not seen this worker idle with nothing left to send
            self._send("idle", self.seq + 1)
            raise DontCloseSpider
        if self.status is None or not self.status.finished:
            raise DontCloseSpider
        logger.info("frontier: crawl %s finished: queue empty, no leases held", self.client.prefix)
