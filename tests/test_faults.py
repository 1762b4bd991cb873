"""Faults around the store: concurrent crawls, a second run of the same source, a read-only or full
disk. Each either finishes with nothing lost or stops with one clear error and exit status 1."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_crawl
from crawler.runlock import RunLock


def crawl_process(url: str, db_path: Path, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}", "-s", f"NEWS_DB_PATH={db_path}",
               "-s", "LOG_LEVEL=INFO", *args]
    return subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_crawls_write_one_store_at_once(tmp_path, site_server):
    db_path = tmp_path / "news.db"
    first = crawl_process(site_server("tigris-daily"), db_path, "-a", "source_name=tigris")
    second = crawl_process(site_server("gulf-wire"), db_path, "-a", "source_name=gulf")
    outputs = [p.communicate(timeout=300)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert not any("database is locked" in out or "Traceback" in out for out in outputs)
    with sqlite3.connect(db_path) as conn:
        counts = dict(conn.execute("SELECT source, count(*) FROM articles GROUP BY source").fetchall())
    assert counts == {"tigris": 31, "gulf": 4}


def test_a_second_run_of_the_same_source_refuses_cleanly(tmp_path, site_server):
    base = site_server("gulf-wire")
    db_path = tmp_path / "news.db"
    held = RunLock(db_path, "gulf")  # a crawl of this source is running (this process holds its lock)
    assert held.acquire()
    try:
        refused = run_crawl(base, db_path, "-a", "source_name=gulf")
    finally:
        held.release()
    assert refused.returncode == 1
    assert f"another crawl of source 'gulf' into {db_path} is running (pid {os.getpid()})" in refused.log
    assert refused.stats["finish_reason"] == "already_running"
    assert refused.stats.get("news/stored/new", 0) == 0 and "Traceback" not in refused.log
    after = run_crawl(base, db_path, "-a", "source_name=gulf")  # once it is over, the next run goes ahead
    assert after.returncode == 0 and after.stats["news/stored/new"] == 4


def _mount_tmpfs(path: Path, options: str) -> None:
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")


def test_a_read_only_store_gives_one_clear_error_and_exit_1(tmp_path, site_server):
    store_dir = tmp_path / "ro"
    _mount_tmpfs(store_dir, "size=8m")
    try:
        first = run_crawl(site_server("gulf-wire"), store_dir / "news.db", "-a", "source_name=gulf")
        assert first.returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(store_dir)], check=True)
        result = run_crawl(site_server("al-rafidain"), store_dir / "news.db", "-a", "source_name=arabic")
    finally:
        subprocess.run(["umount", "-l", str(store_dir)])
    assert result.returncode == 1
    assert result.stats["finish_reason"] == "store_error"
    errors = [line for line in result.log.splitlines() if " ERROR: " in line]
    assert errors and "store" in errors[0] and ("readonly" in errors[0].lower() or "read-only" in errors[0].lower()), errors
    assert "Traceback" not in result.log


def test_a_full_disk_stops_the_crawl_and_says_what_was_not_written(tmp_path, site_server):
    store_dir = tmp_path / "full"
    _mount_tmpfs(store_dir, "size=400k")
    try:
        result = run_crawl(site_server("tigris-daily"), store_dir / "news.db", "-a", "source_name=tigris",
                           "-s", "NEWS_STORE_BATCH_SIZE=5")
    finally:
        subprocess.run(["umount", "-l", str(store_dir)])
    assert result.returncode == 1
    assert result.stats["finish_reason"] == "store_error"
    assert "database or disk is full" in result.log
    assert "NOT written to" in result.log  # the rows that could not be stored are counted, not lost silently
    assert "Traceback" not in result.log
