"""Live progress (NEWS_PROGRESS_SECONDS) and a quiet default log, from real `scrapy crawl` runs."""

from __future__ import annotations

import re
import sys

from conftest import run_crawl
from slow_site import serve_slow_site
from test_exit_status import scrapy

PROGRESS = re.compile(r"INFO: progress (\d+):(\d\d):(\d\d): (\S+) (\d+) stored, (\d+) rejected, (\d+) waiting, "
                      r"(\d+) pages/min")
STARTUP_DUMPS = ("Versions:", "Overridden settings:", "Enabled extensions:", "Enabled downloader middlewares:",
                 "Enabled item pipelines:", "Enabled addons:")


def test_a_progress_line_per_interval_with_the_sources_figures(tmp_path):
    server = serve_slow_site(pages=30, delay=0.5)
    try:
        result = run_crawl(server.base, tmp_path / "news.db", "-a", "source_name=slow",
                           "-s", "NEWS_PROGRESS_SECONDS=1")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    lines = [m.groups() for m in PROGRESS.finditer(result.log)]
    assert len(lines) >= 2, result.log[-3000:]
    assert {line[3] for line in lines} == {"slow"}
    stored = [int(line[4]) for line in lines]
    waiting = [int(line[6]) for line in lines]
    rates = [int(line[7]) for line in lines]
    assert stored == sorted(stored) and stored[-1] <= result.stats["news/stored/new"] == 30
    assert max(waiting) > 0 and max(rates) > 0  # pages were queued, and went at some pace
    rejected = sum(v for k, v in result.stats.items() if k.startswith("news/rejected/"))
    assert all(int(line[5]) <= rejected for line in lines) and rejected >= 1  # the home page
    # the default log: no start-up dumps, no Scrapy once-a-minute line; the stats dump stays
    assert not any(dump in result.log for dump in STARTUP_DUMPS)
    assert "Dumping Scrapy stats:" in result.log and "Crawled " not in result.log


def test_no_progress_line_when_switched_off(tmp_path, site_server):
    result = run_crawl(site_server("gulf-wire"), tmp_path / "news.db", "-s", "NEWS_PROGRESS_SECONDS=0")
    assert result.returncode == 0 and result.stats["news/stored/new"] == 4
    assert "progress " not in result.log


def test_debug_keeps_the_start_up_dumps(tmp_path):
    quiet = scrapy("crawl", "news", "-a", "url=example.com")
    loud = scrapy("crawl", "news", "-L", "DEBUG", "-a", "url=example.com")
    assert quiet.returncode == loud.returncode == 2
    assert "Versions:" not in quiet.stderr and "Versions:" in loud.stderr
    assert sys.version.split()[0] in loud.stderr  # the versions dump itself
