"""Shared test helpers: fixture sites served on 127.0.0.1 and real `scrapy crawl` subprocesses."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.devserver import base_url, serve_site

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "fixtures" / "sites"
PAGES = ROOT / "fixtures" / "pages"
SHARED = ROOT.parent / "shared"


@dataclass
class CrawlResult:
    returncode: int
    log: str
    stats: dict
    peak_rss: int = 0


def _parse_stats(log: str) -> dict:
    """The stats dict Scrapy dumps at the end of the log."""
    start = log.rfind("Dumping Scrapy stats:")
    if start < 0:
        return {}
    text = log[log.index("{", start): log.index("}", start) + 1]
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", text)
    return ast.literal_eval(text)


def tree_rss(pid: int) -> int:
    """Bytes of resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def run_crawl(url: str | None, db_path: Path, *args: str, timeout: int = 300) -> CrawlResult:
    """Run `scrapy crawl news -a url=URL -s NEWS_DB_PATH=db` from the project root; the result's
    `peak_rss` is the peak resident memory of the crawl and all its processes (workers included)."""
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"NEWS_DB_PATH={db_path}",
               "-s", "LOG_LEVEL=INFO"]
    if url:
        command += ["-a", f"url={url}"]
    command += list(args)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
        peak, deadline = 0, time.monotonic() + timeout
        while process.poll() is None:
            if time.monotonic() > deadline:
                process.kill()
                raise subprocess.TimeoutExpired(command, timeout)
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.1)
        output.seek(0)
        log = output.read()
    result = CrawlResult(process.returncode, log, _parse_stats(log))
    result.peak_rss = peak
    return result


def write_site(root: Path, files: dict[str, str], charsets: dict[str, str] | None = None) -> Path:
    """Write a test site's files under `root`, as UTF-8; a file named in `charsets` in that charset
    instead, served with it in its Content-Type (the `.headers.json` crawler.devserver reads)."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        charset = (charsets or {}).get(name)
        path.write_bytes(text.encode(charset or "utf-8"))
        if charset:
            path.with_name(path.name + ".headers.json").write_text(
                json.dumps({"Content-Type": f"text/html; charset={charset}"}))
    return root


def crawl_site(root: Path, db_path: Path, *args: str) -> tuple[CrawlResult, str]:
    """Serve the site at `root` on 127.0.0.1, `scrapy crawl` it into `db_path` and stop the server:
    (the crawl's result, the site's base URL). The crawl must end cleanly."""
    server = serve_site(root)
    try:
        result = run_crawl(base_url(server), db_path, *args)
    finally:
        server.shutdown()
    assert result.returncode == 0 and "Traceback" not in result.log, result.log[-3000:]
    return result, base_url(server)


@pytest.fixture(scope="session")
def site_server():
    """Start a fixture site by name: `site_server("gulf-wire")` -> its base URL.
    `forbid` makes paths containing those strings answer 403 (see crawler.devserver)."""
    servers = {}

    def start(name: str, forbid: tuple[str, ...] = ()) -> str:
        key = (name, forbid)
        if key not in servers:
            servers[key] = serve_site(SITES / name, forbid=forbid)
        return base_url(servers[key])

    yield start
    for server in servers.values():
        server.shutdown()


@pytest.fixture
def redis_server():
    """A redis-server of the test's own on a free 127.0.0.1 port (tests/redis_server.py); in CI a
    missing one fails (.ci/run installs it), elsewhere the test is skipped."""
    from redis_server import RedisServer

    server = RedisServer()
    if server.binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server missing: .ci/run installs Debian's redis-server")
        pytest.skip("redis-server is not installed")
    yield server.start()
    server.stop()
