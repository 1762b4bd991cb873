"""`scrapy crawl` exit statuses (README, "Exit statuses"), each case a real subprocess: the status,
one ERROR line naming the problem, no traceback, and nothing written where nothing should be."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_crawl
from crawler import exitstatus
from slow_site import serve_slow_site
from storage import Store

README_TEXT = (ROOT / "README.md").read_text(encoding="utf-8")


def scrapy(*args: str, cwd: Path = ROOT, timeout: int = 120) -> subprocess.CompletedProcess:
    """`scrapy <args>` from the project root, stdout and stderr together."""
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=timeout)


def errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if " ERROR: " in line]


def closed_port() -> int:
    """A local port nothing listens on (taken from the kernel, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_one_error(output: str, *words: str) -> str:
    found = errors(output)
    assert len(found) == 1, output[-3000:]
    assert all(word in found[0] for word in words), found[0]
    assert "Traceback" not in output
    return found[0]


# --- usage and configuration errors: 2, nothing written ----------------------------------------

def sources_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


USAGE_CASES = {
    "misspelled argument": (["-a", "sorce=gulf-wire"], ("sorce", "did you mean 'source'", "known: since, source")),
    "bare host name": (["-a", "url=example.com"], ("-a url=example.com", "https://example.com/")),
    "not a date": (["-a", "since=March"], ("since=March", "not a date")),
    "no host": (["-a", "url=http:///news/"], ("no host name",)),
    "url and source": (["-a", "url=http://127.0.0.1:9/", "-a", "source=gulf-wire"], ("give one of them",)),
}


@pytest.mark.parametrize("case", sorted(USAGE_CASES))
def test_a_usage_error_is_one_line_exit_2_and_writes_nothing(tmp_path, case):
    args, words = USAGE_CASES[case]
    db_path = tmp_path / "news.db"
    done = scrapy("crawl", "news", *args, "-s", f"NEWS_DB_PATH={db_path}")
    assert done.returncode == exitstatus.USAGE, done.stderr[-3000:]
    assert_one_error(done.stderr, *words)
    assert list(tmp_path.iterdir()) == []  # no store, no lock file


def test_an_unknown_spider_is_one_line_exit_2(tmp_path):
    done = scrapy("crawl", "nws", "-s", f"NEWS_DB_PATH={tmp_path / 'news.db'}")
    assert done.returncode == exitstatus.USAGE
    assert_one_error(done.stderr, "unknown spider 'nws'", "news")
    assert "KeyError" not in done.stderr and list(tmp_path.iterdir()) == []


def test_a_non_http_url_is_refused_before_any_request(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        done = scrapy("crawl", "news", "-a", f"url=ftp://127.0.0.1:{port}/", "-s", f"NEWS_DB_PATH={tmp_path / 'news.db'}")
        with pytest.raises(socket.timeout):
            listener.accept()  # nothing came knocking, not even for robots.txt
    finally:
        listener.close()
    assert done.returncode == exitstatus.USAGE
    assert_one_error(done.stderr, f"ftp://127.0.0.1:{port}/", "only http and https")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text, words", [
    ('[[sources]]\nname = "gulf"\nurl = "http://127.0.0.1:9/"\n', ("'sources'", "did you mean [[source]]")),
    ("", ("declares no source",)),
    ("# only a comment\n", ("declares no source",)),
    ('[[source]]\nname = "gulf"\nurl = "http://127.0.0.1:9/"\n', ("no source named 'tigris'", "declared: gulf")),
])
def test_a_sources_file_without_the_source_asked_for_is_exit_2(tmp_path, text, words):
    sources = sources_file(tmp_path, text)
    db_path = tmp_path / "store" / "news.db"
    db_path.parent.mkdir()
    args = ["-a", "source=tigris"] if "gulf" in text and "[[source]]" in text else []
    done = scrapy("crawl", "news", *args, "-s", f"NEWS_SOURCES={sources}", "-s", f"NEWS_DB_PATH={db_path}")
    assert done.returncode == exitstatus.USAGE, done.stderr[-3000:]
    assert_one_error(done.stderr, str(sources), *words)
    assert list(db_path.parent.iterdir()) == []


# --- a crawl that could not do its job: 1 -------------------------------------------------------

def test_an_unreachable_host_is_exit_1_with_one_error_line(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/"
    db_path = tmp_path / "news.db"
    result = run_crawl(url, db_path)
    assert result.returncode == exitstatus.FAILED, result.log[-3000:]
    assert_one_error(result.log, f"nothing fetched from {url}: connection refused")
    assert len(result.log.splitlines()) < 60  # was ~190 lines with two robots.txt tracebacks
    with Store(db_path) as store:
        [run] = store.runs()
    assert run.finish_reason == "nothing_fetched" and run.stats["news/exit_status"] == exitstatus.FAILED


def test_every_declared_source_down_is_exit_1(tmp_path):
    ports = [closed_port(), closed_port()]
    sources = sources_file(tmp_path, "".join(
        f'[[source]]\nname = "down-{i}"\nurl = "http://127.0.0.1:{port}/"\n\n' for i, port in enumerate(ports)))
    result = run_crawl(None, tmp_path / "news.db", "-s", f"NEWS_SOURCES={sources}")
    assert result.returncode == exitstatus.FAILED, result.log[-3000:]
    line = assert_one_error(result.log, "nothing fetched from any of the 2 sources")
    assert all(f"127.0.0.1:{port}/: connection refused" in line for port in ports)


def test_one_source_down_among_working_ones_is_exit_0_with_a_warning(tmp_path, site_server):
    down = f"http://127.0.0.1:{closed_port()}/"
    sources = sources_file(tmp_path, f'[[source]]\nname = "gulf"\nurl = "{site_server("gulf-wire")}"\n\n'
                                     f'[[source]]\nname = "down"\nurl = "{down}"\n')
    db_path = tmp_path / "news.db"
    result = run_crawl(None, db_path, "-s", f"NEWS_SOURCES={sources}")
    assert result.returncode == exitstatus.OK, result.log[-3000:]
    assert f"WARNING: source down: nothing fetched from {down}: connection refused" in result.log
    assert errors(result.log) == [] and "Traceback" not in result.log
    with Store(db_path) as store:
        runs = {run.source: run for run in store.runs()}
    assert runs["down"].finish_reason == "nothing_fetched" and runs["gulf"].finish_reason == "finished"
    # each row holds its own counts only: the working source's pages are not the dead one's
    assert runs["down"].fetched == 0 and runs["down"].stored_new == 0 and runs["gulf"].stored_new == 4
    assert runs["down"].stats.get("news/responses/200") is None and runs["gulf"].stats["news/responses/200"] > 0
    assert runs["down"].stats["news/errors/connection_refused"] > 0
    assert "news/errors/connection_refused" not in runs["gulf"].stats


# --- interrupted: 3 ------------------------------------------------------------------------------

def count(db_path: Path, sql: str) -> int:
    try:
        with sqlite3.connect(db_path) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_crawl_cleanly_keeps_its_rows_and_exits_3(tmp_path, signum):
    server = serve_slow_site(pages=100, delay=0.5)
    db_path = tmp_path / "news.db"
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={server.base}", "-a", "source_name=slow",
               "-s", f"NEWS_DB_PATH={db_path}", "-s", "NEWS_STORE_FLUSH_SECONDS=0.5"]
    log_path = tmp_path / "crawl.log"
    try:
        with open(log_path, "w") as log:
            # its own process group, signalled as a whole: what systemd (KillMode=control-group) and Ctrl-C do
            process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                                       stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.monotonic() + 120
            while count(db_path, "SELECT count(*) FROM articles") < 5 and time.monotonic() < deadline:
                assert process.poll() is None, log_path.read_text()[-3000:]
                time.sleep(0.2)
            # a reader sees the crawl running
            assert count(db_path, "SELECT count(*) FROM crawl_runs WHERE finish_reason = 'running'") == 1
            runs = subprocess.run([sys.executable, "-m", "storage.cli", "--db", str(db_path), "runs"], cwd=ROOT,
                                  capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
            assert re.search(r"\bslow\b.*\brunning\b", runs.stdout), runs.stdout + runs.stderr
            stored_before = count(db_path, "SELECT count(*) FROM articles")
            os.killpg(process.pid, signum)
            returncode = process.wait(timeout=60)
    finally:
        server.shutdown()
    log = log_path.read_text()
    assert returncode == exitstatus.INTERRUPTED, log[-3000:]
    assert "Traceback" not in log and errors(log) == []
    assert "crawl interrupted" in log
    with Store(db_path) as store:
        [run] = store.runs()
        stored = store.count()
    assert stored_before <= stored < 100  # nothing lost, and it did stop early
    assert run.stored_new == stored  # the rows in flight were flushed and counted
    assert run.finish_reason == "interrupted" and run.finished_at is not None


# --- the README's table is the code's --------------------------------------------------------

def readme_exit_table() -> dict[int, tuple[str, str]]:
    section = README_TEXT.split("## Exit statuses", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `?(\d+)`? \| `?([A-Z_]+)`? \| ([^|]+) \|", section, flags=re.M)
    return {int(status): (name, meaning.strip()) for status, name, meaning in rows}


def test_the_readme_exit_status_table_is_the_code():
    table = readme_exit_table()
    assert set(table) == set(exitstatus.EXIT_STATUSES), table
    for status, (name, _) in table.items():
        assert getattr(exitstatus, name) == status, f"README calls {status} {name}"
    # the scheduling section's own table (what to do for each) lists the same statuses
    section = README_TEXT.split("## Running unattended", 1)[1].split("\n### ", 1)[0]
    assert {int(s) for s in re.findall(r"^\| (\d+) \|", section, flags=re.M)} == set(exitstatus.EXIT_STATUSES)


def test_a_script_bypassing_the_command_still_stops_before_any_request(tmp_path):
    """CrawlerProcess in a script skips the crawl command's check: the spider itself refuses the
    argument (one line, finish reason config_error, exit status 2 in the stats), writing nothing."""
    db_path = tmp_path / "news.db"
    script = (
        "from scrapy.crawler import CrawlerProcess\n"
        "from scrapy.utils.project import get_project_settings\n"
        "settings = get_project_settings()\n"
        f"settings.set('NEWS_DB_PATH', {str(db_path)!r})\n"
        "process = CrawlerProcess(settings)\n"
        "crawler = process.create_crawler('news')\n"
        "process.crawl(crawler, url='http://127.0.0.1:9/', sorce='gulf-wire')\n"
        "process.start()\n"
        "print('exit_status', crawler.stats.get_value('news/exit_status'), crawler.stats.get_value('finish_reason'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert f"exit_status {exitstatus.USAGE} config_error" in done.stdout, done.stderr[-3000:]
    assert_one_error(done.stderr, "-a sorce=", "did you mean 'source'")
    assert list(tmp_path.iterdir()) == []
