"""Redis crawl throughput: articles/s for 1, 2 and 3 workers + the writer on one generated site,
CPU per process, and the frontier's cost per request (Redis round trips and ms).

    .venv/bin/python bench/frontier.py [--articles 300] [--latency 0.05] [--workers 1,2,3]

Needs redis-server (Debian's package). Prints figures; writes nothing but bench/out/.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from scrapy import Request, Spider  # noqa: E402

from crawler.frontier.client import FrontierClient  # noqa: E402
from redis_server import RedisServer  # noqa: E402
from test_frontier import SlowSite  # noqa: E402
from test_ingest import SitemapSite  # noqa: E402


def cpu_seconds(process: subprocess.Popen) -> tuple[int, float]:
    """Wait for a child; (exit code, user + system CPU seconds)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_utime + usage.ru_stime


def stat(log: str, key: str) -> int:
    found = re.search(rf"'{re.escape(key)}': (\d+)", log)
    return int(found.group(1)) if found else 0


def run(workers: int, articles: int, latency: float, out: Path) -> dict:
    site = SitemapSite(articles=articles, per_page=20)
    slow = SlowSite(site, latency)
    site.base = slow.base
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with RedisServer() as redis, tempfile.TemporaryDirectory() as directory:
        db = Path(directory) / "news.db"
        started = time.monotonic()
        writer_log = open(out / f"writer-{workers}.log", "w")
        writer = subprocess.Popen([sys.executable, "-c", "from storage.cli import main; main()", "--db", str(db),
                                   "ingest", redis.url], cwd=ROOT, env=env, stdout=writer_log, stderr=subprocess.STDOUT)
        procs = []
        for n in range(workers):
            log = open(out / f"worker-{workers}-{n}.log", "w")
            procs.append((subprocess.Popen(
                [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={slow.base}",
                 "-s", f"NEWS_REDIS_URL={redis.url}", "-s", f"USER_AGENT=bench-{n}", "-s", "NEWS_EXTRACT_WORKERS=0",
                 "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
                 "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=INFO"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log, out / f"worker-{workers}-{n}.log"))
        worker_cpu, calls, leased = [], 0, 0
        for process, log, path in procs:
            code, cpu = cpu_seconds(process)
            log.close()
            text = path.read_text()
            assert code == 0, text[-2000:]
            worker_cpu.append(cpu)
            calls += stat(text, "news/frontier/redis_calls")
            leased += stat(text, "news/frontier/leased")
        code, writer_cpu = cpu_seconds(writer)
        writer_log.close()
        elapsed = time.monotonic() - started
        assert code == 0
        with sqlite3.connect(db) as connection:
            stored = connection.execute("select count(*) from articles").fetchone()[0]
    return {"workers": workers, "stored": stored, "seconds": elapsed, "per_second": stored / elapsed,
            "worker_cpu": worker_cpu, "writer_cpu": writer_cpu, "calls_per_request": calls / max(leased, 1)}


def round_trip_ms(requests: int = 500) -> float:
    """ms of one push + lease + ack cycle (three Lua scripts) against a local redis-server."""
    with RedisServer() as redis:
        client = FrontierClient(redis.client(), Spider(name="bench"), "w", lease_seconds=60)
        client.seed()
        encoded = [(client.encode(r), client.fingerprint(r)) for r in
                   (Request(f"http://bench.test/{i}") for i in range(requests))]
        started = time.perf_counter()
        for data, fingerprint in encoded:
            client.push(data, fingerprint, 0)
            client.ack(client.lease(1))
        return (time.perf_counter() - started) * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", default="1,2,3")
    args = parser.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    print(f"{args.articles} articles, {args.latency * 1000:.0f} ms per page, {os.cpu_count()} cores")
    for workers in (int(n) for n in args.workers.split(",")):
        r = run(workers, args.articles, args.latency, out)
        cpu = ", ".join(f"{c:.1f}" for c in r["worker_cpu"])
        print(f"{workers} worker(s): {r['stored']} stored in {r['seconds']:.1f} s = {r['per_second']:.1f} articles/s; "
              f"CPU s per worker [{cpu}], writer {r['writer_cpu']:.1f}; "
              f"{r['calls_per_request']:.1f} Redis round trips per leased request")
    print(f"frontier: push + lease + ack = {round_trip_ms():.2f} ms (3 round trips) per request")


if __name__ == "__main__":
    main()
