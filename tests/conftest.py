"""Shared test helpers: fixture sites served on 127.0.0.1 and real `scrapy crawl` subprocesses."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
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


def _parse_stats(log: str) -> dict:
    """The stats dict Scrapy dumps at the end of the log."""
    start = log.rfind("Dumping Scrapy stats:")
    if start < 0:
        return {}
    text = log[log.index("{", start): log.index("}", start) + 1]
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", text)
    return ast.literal_eval(text)


def run_crawl(url: str | None, db_path: Path, *args: str, timeout: int = 300) -> CrawlResult:
    """Run `scrapy crawl news -a url=URL -s NEWS_DB_PATH=db` from the project root."""
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"NEWS_DB_PATH={db_path}",
               "-s", "LOG_LEVEL=INFO"]
    if url:
        command += ["-a", f"url={url}"]
    command += list(args)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    log = done.stdout + done.stderr
    return CrawlResult(done.returncode, log, _parse_stats(log))


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
