"""Per-host politeness held by our own downloader middleware (crawler/fetch/politeness.py, #16 point 4)
and discovery that survives its worker (crawler/frontier): a generated 127.0.0.1 news site answers
slowly and counts the requests it has in flight at once (robots.txt and 404s included), for a
one-machine `scrapy crawl` and for several workers on a real redis-server."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter

import pytest

from conftest import run_crawl
from news_site import NewsSite
from route_server import Answer, serve_routes
from test_frontier import StoryFetches, Worker, Writer, wait_until  # workers and the crawl's one writer


class CountingSite(StoryFetches):
    """A NewsSite (with dead links: pages that answer 404) served after `latency` seconds a
    request; counts requests in flight at once (`peak`), fetches per (User-Agent, path), and the
    start times of requests. With `sitemaps`, the home page links nowhere and the stories are
    found only through a sitemap index (listed in robots.txt) of that many child sitemaps, each
    served after `sitemap_latency` seconds."""

    def __init__(self, articles: int, latency: float, sitemaps: int = 0, sitemap_latency: float = 0.0,
                 crawl_delay: float = 0.0) -> None:
        self.site = NewsSite(articles=articles, per_page=10, dead_links=True)
        self.latency, self.sitemaps, self.sitemap_latency = latency, sitemaps, sitemap_latency
        self.crawl_delay = crawl_delay
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.fetches: Counter = Counter()
        self.done: Counter = Counter()  # answered fetches per (User-Agent, path)
        self.starts: list[float] = []
        self.stories = {story["path"] for story in self.site.stories}
        self.server = serve_routes(self.answer)
        self.base = self.server.base

    def robots(self) -> bytes:
        lines = ["User-agent: *", "Disallow: /wp-admin/"]
        if self.crawl_delay:
            lines.append(f"Crawl-delay: {self.crawl_delay}")
        if self.sitemaps:
            lines.append(f"Sitemap: {self.base}sitemap_index.xml")
        return ("\n".join(lines) + "\n").encode()

    def sitemap(self, path: str) -> bytes | None:
        if path == "/sitemap_index.xml":
            children = "".join(f"<sitemap><loc>{self.base}sitemap-{n}.xml</loc></sitemap>"
                               for n in range(1, self.sitemaps + 1))
            return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>'.encode()
        number = path.removeprefix("/sitemap-").removesuffix(".xml")
        if not number.isdigit() or not 1 <= int(number) <= self.sitemaps:
            return None
        stories = self.site.stories[int(number) - 1::self.sitemaps]
        urls = "".join(f"<url><loc>{self.base.rstrip('/')}{story['path']}</loc></url>" for story in stories)
        return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()

    def answer(self, path: str, query: dict, headers) -> Answer:
        agent = headers.get("User-Agent", "")
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.fetches[agent, path] += 1
            self.starts.append(time.monotonic())
        try:
            if self.sitemaps and path.startswith("/sitemap"):
                time.sleep(self.sitemap_latency)
                body = self.sitemap(path)
                return Answer(200, body, "application/xml") if body else Answer(404, b"<h1>Not found</h1>")
            time.sleep(self.latency)
            if path == "/robots.txt":
                return Answer(200, self.robots(), "text/plain")
            if self.sitemaps and path == "/":
                return Answer(200, self.site.chrome("Desert Courier", "<h1>Desert Courier</h1><p>Today's news.</p>"))
            return self.site.answer(path, query, headers)
        finally:
            with self.lock:
                self.in_flight -= 1
                self.done[agent, path] += 1

    def count(self, predicate) -> int:
        with self.lock:
            return sum(n for (_, path), n in self.fetches.items() if predicate(path))


@pytest.mark.parametrize("limit", [2, 4])
def test_one_machine_never_exceeds_the_per_domain_limit(tmp_path, limit):
    """A one-machine crawl with CONCURRENT_REQUESTS 16 and throttling off: the slow site never has
    more than CONCURRENT_REQUESTS_PER_DOMAIN requests in flight (robots.txt, 404s included), and
    has that many at times (the limit is used, not just never reached)."""
    site = CountingSite(articles=40, latency=0.1)
    result = run_crawl(site.base, tmp_path / "news.db", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={limit}",
                       "-s", "CONCURRENT_REQUESTS=16", "-s", "AUTOTHROTTLE_ENABLED=False",
                       "-s", "NEWS_EXTRACT_WORKERS=0")
    site.server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    assert set(site.fetched()) == site.stories
    assert site.count(lambda path: path == "/robots.txt") == 1 and site.count(lambda path: path.startswith("/tag/")) > 0
    assert site.peak == limit, f"{site.peak} in flight at once with the limit at {limit}"
    assert result.stats["news/politeness/max_in_flight"] == limit
    assert result.stats["news/politeness/delayed"] > 0


def test_workers_share_the_per_domain_limit(redis_server, tmp_path):
    """Three workers with CONCURRENT_REQUESTS_PER_DOMAIN 4 (16 requests each): never more than 4 in
    flight at the site, robots.txt (one per worker) and 404 pages included; every story fetched
    once; each worker did its share. Prints the Redis cost per request."""
    site = CountingSite(articles=90, latency=0.1)
    names = ("worker-a", "worker-b", "worker-c")
    writer = Writer(redis_server.url, tmp_path)
    workers = [Worker(name, site.base, redis_server.url, tmp_path, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
                      "-s", "CONCURRENT_REQUESTS=16") for name in names]
    started = time.monotonic()
    codes = [worker.wait() for worker in workers]
    elapsed = time.monotonic() - started
    site.server.shutdown()
    assert codes == [0, 0, 0], [worker.log[-3000:] for worker in workers]
    assert site.peak <= 4, f"{site.peak} in flight at once across the workers"
    assert site.peak == 4
    fetched = site.fetched()
    assert set(fetched) == site.stories and set(fetched.values()) == {1}
    assert site.count(lambda path: path == "/robots.txt") == 3 and site.count(lambda path: path.startswith("/tag/")) > 0
    for worker in workers:
        assert site.fetched(worker.name), f"{worker.name} fetched no story"
    requests = sum(worker.stat("downloader/request_count") for worker in workers)
    politeness = sum(worker.stat("news/politeness/redis_calls") for worker in workers)
    frontier = sum(worker.stat("news/frontier/redis_calls") for worker in workers)
    assert writer.wait() == 0, writer.log[-3000:]
    print(f"\n3 workers, limit 4 per host: {requests:.0f} requests in {elapsed:.1f} s, peak {site.peak} in flight; "
          f"Redis round trips per request: politeness {politeness / requests:.2f}, frontier {frontier / requests:.2f}")
    assert redis_server.client().keys("news:*") == []


def test_a_crawl_delay_read_by_one_worker_spaces_all(redis_server, tmp_path):
    """robots.txt asks for Crawl-delay 0.25: two workers together start requests to the site at
    least ~0.25 s apart (the delay is held in Redis, not per worker)."""
    site = CountingSite(articles=12, latency=0.02, crawl_delay=0.25)
    writer = Writer(redis_server.url, tmp_path)
    workers = [Worker(name, site.base, redis_server.url, tmp_path, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
               for name in ("worker-a", "worker-b")]
    assert [worker.wait() for worker in workers] == [0, 0], [worker.log[-3000:] for worker in workers]
    assert writer.wait() == 0, writer.log[-3000:]
    site.server.shutdown()
    assert set(site.fetched()) == site.stories
    starts = sorted(site.starts)[3:]  # once the workers' robots.txt requests are answered
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(gaps) > 10 and sorted(gaps)[len(gaps) // 10] >= 0.2, sorted(gaps)[:5]


def test_discovery_survives_a_killed_seeder(redis_server, tmp_path):
    """The seeding worker is killed (-9) while it reads a sitemap index whose child sitemaps are
    served slowly (the only way to the stories): another worker takes the seeding role once its
    heartbeat runs out, runs discovery again, and every story is fetched; stories the killed
    worker had queued are not fetched again (the shared duplicate filter)."""
    site = CountingSite(articles=60, latency=0.05, sitemaps=6, sitemap_latency=0.8)
    settings = ("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "CONCURRENT_REQUESTS=4")
    writer = Writer(redis_server.url, tmp_path)
    seeder = Worker("worker-a", site.base, redis_server.url, tmp_path, *settings)
    wait_until(lambda: "frontier: seeded crawl" in seeder.log)
    other = Worker("worker-b", site.base, redis_server.url, tmp_path, *settings)

    def children_read() -> int:
        with site.lock:
            return sum(n for (who, path), n in site.done.items() if who == "worker-a" and path.startswith("/sitemap-"))

    wait_until(lambda: children_read() >= 1)
    seeder.process.send_signal(signal.SIGKILL)
    assert seeder.wait() == -signal.SIGKILL
    assert children_read() < 6  # killed during discovery
    assert other.wait() == 0, other.log[-3000:]
    assert other.stat("news/frontier/seeder_takeovers") == 1 and "running discovery here" in other.log
    fetched = site.fetched()
    assert set(fetched) == site.stories
    assert sum(n - 1 for n in fetched.values()) <= 2 * 4  # at most what the killed worker held, twice
    assert writer.wait() == 0, writer.log[-3000:]
    assert writer.stored() == Counter(site.stories)  # one row per story
    assert redis_server.client().keys("news:*") == []
