"""Workers sharing one crawl through a real redis-server (crawler/frontier, issue #16 phase 1):
real `scrapy crawl` subprocesses on a generated 127.0.0.1 news site that answers slowly and
records which worker (User-Agent) fetched what. The workers write no SQLite file: one writer
(`news-store ingest`, crawler/frontier/ingest.py) stores what they send."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from scrapy import Request, Spider

from crawler.frontier.client import FrontierClient
from news_site import NewsSite

ROOT = Path(__file__).resolve().parent.parent


class StoryFetches:
    """Fetches counted per (User-Agent, path) by a test site: `fetches`, `stories` (story paths)
    and `lock` are the site's."""

    fetches: Counter
    stories: set[str]
    lock: threading.Lock

    def fetched(self, agent: str | None = None) -> Counter:
        """Fetches per story path (by one User-Agent, or all)."""
        with self.lock:
            counts: Counter = Counter()
            for (who, path), n in self.fetches.items():
                if path in self.stories and (agent is None or who == agent):
                    counts[path] += n
            return counts


class SlowSite(StoryFetches):
    """NewsSite pages answered after `latency` seconds; fetches counted per (User-Agent, path),
    and the paths each User-Agent has in flight right now."""

    def __init__(self, site: NewsSite, latency: float) -> None:
        self.site, self.latency = site, latency
        self.fetches: Counter = Counter()
        self.in_flight: dict[str, set[str]] = {}
        self.open = 0  # requests in flight at once, all User-Agents together
        self.peak = 0  # the most there ever were
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                parts, agent = urlsplit(self.path), self.headers.get("User-Agent", "")
                with outer.lock:
                    outer.fetches[agent, parts.path] += 1
                    outer.in_flight.setdefault(agent, set()).add(parts.path)
                    outer.open += 1
                    outer.peak = max(outer.peak, outer.open)
                try:
                    time.sleep(outer.latency)
                    page = None if parts.path == "/robots.txt" else outer.site.respond(parts.path, parse_qs(parts.query))
                    body = page or b"User-agent: *\nDisallow: /wp-admin/\n"
                    self.send_response(200 if page or parts.path == "/robots.txt" else 404)
                    self.send_header("Content-Type", "text/html; charset=utf-8" if page else "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                finally:
                    with outer.lock:
                        outer.in_flight[agent].discard(parts.path)
                        outer.open -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.stories = {story["path"] for story in site.stories}


class Subprocess:
    """A project command run from the repo root, its output in a log file."""

    def start(self, log_path: Path, command: list[str]) -> None:
        self.log_path = log_path
        self.output = open(log_path, "w")
        self.process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                                        stdout=self.output, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 240) -> int:
        code = self.process.wait(timeout)
        self.output.close()
        return code

    @property
    def log(self) -> str:
        return self.log_path.read_text()


class Writer(Subprocess):
    """`news-store --db DB ingest REDIS_URL`: the crawl's one writer, a real subprocess."""

    def __init__(self, redis_url: str, directory: Path, name: str = "writer") -> None:
        self.db = directory / "news.db"
        self.start(directory / f"{name}.log",
                   [sys.executable, "-c", "from storage.cli import main; main()", "--db", str(self.db), "ingest", redis_url])

    def stored(self) -> Counter:
        """Rows per story path in the writer's store."""
        if not self.db.exists():
            return Counter()
        with sqlite3.connect(self.db) as db:
            return Counter(urlsplit(url).path for (url,) in db.execute("select url from articles"))


class Worker(Subprocess):
    """One `scrapy crawl news` worker on the shared frontier, with its own User-Agent; the
    NEWS_DB_PATH it is given is never used (its records go to the writer)."""

    def __init__(self, name: str, base: str, redis_url: str, directory: Path, *settings: str) -> None:
        self.name, self.db = name, directory / f"{name}.db"
        self.start(directory / f"{name}.log",
                   [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={base}",
                    "-s", f"NEWS_REDIS_URL={redis_url}", "-s", f"NEWS_DB_PATH={self.db}", "-s", f"USER_AGENT={name}",
                    "-s", "NEWS_EXTRACT_WORKERS=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
                    "-s", "NEWS_REDIS_LEASE_SECONDS=3", *settings])

    def stat(self, key: str) -> float:
        """A stat of the worker's final dump (0 when absent)."""
        for line in self.log.splitlines():
            if line.strip().startswith(f"'{key}':"):
                return float(line.split(":", 1)[1].strip().rstrip(",}"))
        return 0

    def stored(self, site: "SlowSite") -> set[str]:
        """The stories this worker fetched (by its User-Agent): what it sent to the writer."""
        return set(site.fetched(self.name))


def wait_until(condition, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_leases_queue_acknowledge_and_come_back_when_they_expire(redis_server):
    """The Redis side alone: a duplicate is not queued, a taken request is held under a lease,
    an acknowledged one is gone, an expired one returns to the queue (counted), and an idle
    worker that finds nothing left deletes the crawl's keys."""
    spider = Spider(name="news")
    client = FrontierClient(redis_server.client(), spider, "w1", lease_seconds=0.3)
    assert client.seed() and not FrontierClient(redis_server.client(), spider, "w2", 0.3).seed()
    first, second = Request("http://a.test/1"), Request("http://a.test/2", priority=5)
    for request in (first, second, Request("http://a.test/1#x")):
        client.push(client.encode(request), client.fingerprint(request), request.priority)
    [high] = client.lease(1)
    assert client.decode(high).url == "http://a.test/2"  # the higher priority first
    [low] = client.lease(5)
    assert client.lease(5) == [] and client.status(idle=False).leased == 2
    client.ack([high])
    time.sleep(0.5)
    assert client.requeue_expired() == 1 and int(redis_server.client().get(client.redelivered)) == 1
    assert client.lease(5) == [low]
    client.ack([low])
    assert client.renew([low], active=False) == [low]  # acknowledged: no lease left to renew
    assert not client.status(idle=True).finished  # the seeder has not said its discovery is done
    client.seeder_done(True)
    status = client.status(idle=True)
    assert (status.waiting, status.leased, status.finished) == (0, 0, True)
    assert redis_server.client().keys(f"{client.prefix}:*") == []


def test_the_seeding_role_is_leased(redis_server):
    """A seeder whose heartbeat runs out before its discovery is done loses the role to the first
    worker that claims it; a seeder that resigns gives it up at once; once discovery is done nobody
    takes it again, and a crawl with discovery not done is not finished."""
    spider = Spider(name="news")
    seeder = FrontierClient(redis_server.client(), spider, "w1", lease_seconds=0.3)
    other = FrontierClient(redis_server.client(), spider, "w2", lease_seconds=0.3)
    late = FrontierClient(redis_server.client(), spider, "w3", lease_seconds=0.3)
    assert other.claim_seeder() is False  # no crawl going on: nothing to take over
    assert seeder.seed() and not other.seed() and not other.claim_seeder()
    time.sleep(0.4)  # w1's heartbeat runs out (it was killed)
    assert not other.status(idle=True).finished  # its discovery was never done
    assert other.claim_seeder() and not late.claim_seeder()  # one taker
    assert redis_server.client().get(seeder.prefix + ":seeded") == b"w2"
    other.seeder_done(False)  # w2 stops before its discovery is done: the role is free at once
    assert late.claim_seeder()
    late.seeder_done(True)
    time.sleep(0.4)
    assert not other.claim_seeder()  # discovery done: nobody runs it again
    assert late.status(idle=True).finished and redis_server.client().keys(f"{seeder.prefix}:*") == []


def test_workers_started_together_make_one_crawl(redis_server, tmp_path):
    """Three workers with the same arguments and one writer: one seeds, all take work, every story
    is fetched exactly once and stored once, no worker writes a SQLite file (the NEWS_DB_PATH it is
    given is not created), each exits 0 by itself, no key is left in Redis."""
    site = SlowSite(NewsSite(articles=90, per_page=15), latency=0.05)
    writer = Writer(redis_server.url, tmp_path)
    workers = [Worker(name, site.base, redis_server.url, tmp_path) for name in ("worker-a", "worker-b", "worker-c")]
    codes = [worker.wait() for worker in workers]
    assert codes == [0, 0, 0], [worker.log[-3000:] for worker in workers]
    assert writer.wait() == 0, writer.log[-3000:]
    assert not any(worker.db.exists() for worker in workers) and not list(tmp_path.glob("worker-*.db*"))
    assert writer.stored() == Counter(site.stories)
    assert sum(worker.stat("news/frontier/seeded") for worker in workers) == 1
    fetched = site.fetched()
    assert set(fetched) == site.stories and set(fetched.values()) == {1}
    for worker in workers:
        assert site.fetched(worker.name), f"{worker.name} fetched no story"
        assert worker.stat("news/frontier/acked") == worker.stat("news/frontier/leased") > 0
    assert sum(worker.stat("news/records/sent") for worker in workers) >= len(site.stories)
    assert redis_server.client().keys("news:*") == []


def test_a_worker_started_later_joins_and_takes_work(redis_server, tmp_path):
    site = SlowSite(NewsSite(articles=80, per_page=10), latency=0.15)
    writer = Writer(redis_server.url, tmp_path)
    first = Worker("worker-a", site.base, redis_server.url, tmp_path, "-s", "CONCURRENT_REQUESTS=4")
    wait_until(lambda: len(site.fetched("worker-a")) >= 10)
    late = Worker("worker-late", site.base, redis_server.url, tmp_path, "-s", "CONCURRENT_REQUESTS=4")
    assert (first.wait(), late.wait()) == (0, 0), late.log[-3000:]
    assert "frontier: joined crawl" in late.log and late.stat("news/frontier/seeded") == 0
    assert len(site.fetched("worker-late")) >= 10
    fetched = site.fetched()
    assert set(fetched) == site.stories and set(fetched.values()) == {1}
    assert writer.wait() == 0, writer.log[-3000:]
    assert writer.stored() == Counter(site.stories)


def test_a_killed_worker_loses_nothing(redis_server, tmp_path):
    """kill -9 of a worker with CONCURRENT_REQUESTS 8 mid-crawl: every story it had in flight is
    fetched by the survivor once the leases expire (counted as redelivered); every story is fetched;
    at most the killed worker's held requests are fetched twice; the survivor exits 0 by itself."""
    from test_ingest import SitemapSite  # a sitemap: discovery in the seeder, not in listings' per-worker probation
    pages = SitemapSite(articles=120, per_page=20)
    site = SlowSite(pages, latency=0.3)
    pages.base = site.base
    writer = Writer(redis_server.url, tmp_path)
    survivor = Worker("worker-a", site.base, redis_server.url, tmp_path, "-s", "CONCURRENT_REQUESTS=4")
    wait_until(lambda: "frontier: seeded crawl" in survivor.log)
    victim = Worker("worker-b", site.base, redis_server.url, tmp_path, "-s", "CONCURRENT_REQUESTS=8")
    wait_until(lambda: len(site.fetched()) >= len(site.stories) * 0.3 and len(site.in_flight.get("worker-b", ())) >= 4)
    with site.lock:
        held = {path for path in site.in_flight["worker-b"] if path in site.stories}
    victim.process.send_signal(signal.SIGKILL)
    assert victim.wait() == -signal.SIGKILL
    assert survivor.wait() == 0, survivor.log[-3000:]
    assert held and held <= set(site.fetched("worker-a"))
    assert survivor.stat("news/frontier/redelivered") >= len(held)
    fetched = site.fetched()
    assert set(fetched) == site.stories
    twice = [path for path, n in fetched.items() if n > 1]
    assert len(twice) <= 8 + 2  # the victim's CONCURRENT_REQUESTS and its prefetch
    assert held <= survivor.stored(site)
    assert writer.wait() == 0, writer.log[-3000:]
    assert writer.stored() == Counter(site.stories)  # one row per story, the twice-fetched ones included
    assert redis_server.client().keys("news:*") == []
