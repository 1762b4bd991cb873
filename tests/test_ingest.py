"""The one writer of a Redis crawl (`news-store ingest`, crawler/frontier/ingest.py; issue #16's
"Done when"): a real redis-server, a generated 127.0.0.1 site with a sitemap answering in ~100 ms,
real `scrapy crawl` workers and real writer subprocesses; workers and writer killed with kill -9."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

from news_site import NewsSite
from test_frontier import ROOT, SlowSite, Worker, Writer, wait_until


class SitemapSite(NewsSite):
    """NewsSite with a /sitemap.xml of every story (as most news sites have)."""

    def respond(self, path: str, query: dict) -> bytes | None:
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{self.base.rstrip('/')}{story['path']}</loc>"
                           f"<lastmod>{story['published']}</lastmod></url>" for story in self.stories)
            return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                    f'sitemap/0.9">{urls}</urlset>').encode()
        return super().respond(path, query)


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as connection:
            return connection.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.Error:  # created, schema not written yet
        return 0


POLITE = ("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")


def test_workers_and_writer_killed_and_restarted_store_each_article_once(redis_server, tmp_path):
    """Writer, A and B started together; B killed (kill -9) once ~30% is stored, the writer killed
    at ~50% and started again, a late worker C: everything exits 0 by itself, one row per article,
    at most 2 x 16 article URLs fetched twice, C fetched >= 10% of them, never more than the
    per-domain limit in flight at the site (a killed worker's host slots come back with their
    leases), no key left in Redis."""
    site = SitemapSite(articles=600, per_page=20)
    slow = SlowSite(site, latency=0.1)
    site.base = slow.base
    writer = Writer(redis_server.url, tmp_path)
    a = Worker("worker-a", slow.base, redis_server.url, tmp_path, *POLITE)
    b = Worker("worker-b", slow.base, redis_server.url, tmp_path, *POLITE)
    wait_until(lambda: stored_count(writer.db) >= 180, timeout=90)
    b.process.send_signal(signal.SIGKILL)
    assert b.wait() == -signal.SIGKILL
    c = Worker("worker-c", slow.base, redis_server.url, tmp_path, *POLITE)
    wait_until(lambda: stored_count(writer.db) >= 300, timeout=90)
    writer.process.send_signal(signal.SIGKILL)
    assert writer.wait() == -signal.SIGKILL
    restarted = Writer(redis_server.url, tmp_path, name="writer-restarted")
    assert (a.wait(), c.wait()) == (0, 0), (a.log[-3000:], c.log[-3000:])
    assert restarted.wait() == 0, restarted.log[-3000:]
    assert restarted.stored() == Counter(slow.stories), "not one row per article"
    fetched = slow.fetched()
    assert set(fetched) == slow.stories
    assert len([path for path, n in fetched.items() if n > 1]) <= 2 * 16
    assert len(slow.fetched("worker-c")) >= 0.1 * len(slow.stories)
    # C works on A's crawl: it joins it, or takes its seeding role over when B held it and B's
    # lease ran out before C started (a dead seeder is replaced: the role is free again)
    crawl_of = lambda log: re.findall(r"frontier: (?:joined|seeded) crawl (\S+) ", log)  # noqa: E731
    assert crawl_of(c.log) and crawl_of(c.log) == crawl_of(a.log), (crawl_of(a.log), crawl_of(c.log))
    assert slow.peak <= 4, f"{slow.peak} requests in flight at once across the workers (the per-domain limit is 4)"
    assert redis_server.client().keys("news:*") == []
    with sqlite3.connect(restarted.db) as db:
        [(finish, stored_new, fetched_pages)] = db.execute("select finish_reason, stored_new, fetched from crawl_runs")
    assert finish == "finished" and stored_new == len(slow.stories)  # counted across the writer's restart
    # the workers' summed stats; B's were lost with it (kill -9)
    assert fetched_pages >= len(slow.fetched("worker-a")) + len(slow.fetched("worker-c"))


def test_a_writer_started_first_waits_for_a_crawl(redis_server, tmp_path):
    """A writer started against an empty Redis waits for a crawl, then stores it and exits 0."""
    site = SlowSite(NewsSite(articles=30, per_page=10), latency=0.01)
    writer = Writer(redis_server.url, tmp_path)
    wait_until(lambda: "waiting for a crawl" in writer.log)
    first = Worker("worker-a", site.base, redis_server.url, tmp_path)
    assert first.wait() == 0 and writer.wait() == 0, writer.log[-3000:]
    assert writer.stored() == Counter(site.stories)


def test_ingest_exit_codes_for_a_bad_url_and_an_unreachable_redis(tmp_path):
    command = [sys.executable, "-c", "from storage.cli import main; main()", "--db", str(tmp_path / "news.db"), "ingest"]
    bad = subprocess.run([*command, "http://127.0.0.1/"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "not a Redis URL" in bad.stderr
    gone = subprocess.run([*command, "redis://127.0.0.1:1/0"], cwd=ROOT, capture_output=True, text=True)
    assert gone.returncode == 1 and gone.stderr.strip().splitlines() == [gone.stderr.strip().splitlines()[0]]
    assert "cannot reach Redis at redis://127.0.0.1:1/0" in gone.stderr
    assert not (tmp_path / "news.db").exists()
