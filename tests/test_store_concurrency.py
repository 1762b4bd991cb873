"""Readers read while a crawl writes: never "database is locked", on a real file, across processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner

from storage import Store
from storage.cli import main
from test_store import article

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import sys, time
sys.path.insert(0, "tests")
from test_store import article
from storage import Store
path, batches = sys.argv[1], int(sys.argv[2])
with Store(path, write=True) as store:
    print("ready", flush=True)
    for b in range(batches):
        rows = [article(n, url=f"https://w/{n}", title=f"Peshmerga {n}", body=f"Body {n}. " * 200)
                for n in range(b * 200, (b + 1) * 200)]
        assert store.write_batch(rows, [{"url": f"https://w/r{b}", "reason": "not_article"}]) == 200
"""


def test_readers_never_see_database_is_locked_while_batches_are_written(tmp_path):
    path = tmp_path / "news.db"
    Store(path, write=True).close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "40"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "ready"
    errors: list[BaseException] = []
    seen: list[int] = []

    def read_with_store() -> None:
        with Store(path) as store:
            while writer.poll() is None:
                try:
                    seen.append(store.count_articles())
                    list(store.articles(search="peshmerga", limit=20))
                    list(store.articles(source="example.com", since="2020-07-01", limit=50))
                    store.stats()
                    store.sources()
                except Exception as error:  # noqa: BLE001 - any failure is the finding
                    errors.append(error)

    # Plain sqlite3 as pandas uses it: a new connection each time, Python's default 5 s busy
    # timeout. (With none at all, SQLite itself can answer "locked" while another connection
    # opens or closes: README tells sqlite3-shell users to set `.timeout`.)
    def read_like_an_analyst() -> None:
        while writer.poll() is None:
            try:
                conn = sqlite3.connect(path)
                conn.execute("SELECT source, count(*) FROM articles GROUP BY source").fetchall()
                conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'body' LIMIT 5").fetchall()
                conn.close()
            except Exception as error:  # noqa: BLE001
                errors.append(error)

    def read_with_the_cli() -> None:
        while writer.poll() is None:
            result = CliRunner().invoke(main, ["--db", str(path), "stats"])
            if result.exit_code != 0:
                errors.append(result.exception or RuntimeError(result.output))

    readers = [threading.Thread(target=f) for f in (read_with_store, read_like_an_analyst, read_with_the_cli)]
    for reader in readers:
        reader.start()
    _, stderr = writer.communicate(timeout=120)
    for reader in readers:
        reader.join()
    assert writer.returncode == 0, stderr
    assert errors == []
    assert len(seen) > 5 and seen == sorted(seen)  # readers saw the store grow, batch by batch
    assert all(n % 200 == 0 for n in seen)  # and never half a batch
    with Store(path, write=True) as store:
        assert store.count() == 8000 and len(list(store.articles(search="peshmerga"))) == 8000


def test_a_long_read_does_not_hold_up_the_writer(tmp_path):
    path = tmp_path / "news.db"
    with Store(path, write=True) as store:
        store.write_batch([article(n) for n in range(300)])
    with Store(path) as reader:
        rows = reader.articles()  # an open cursor: a read transaction stays open
        next(rows)
        done = threading.Event()

        def write() -> None:
            with Store(path, write=True) as writer:
                writer.write_batch([article(n) for n in range(300, 600)])
            done.set()

        started = time.monotonic()
        threading.Thread(target=write).start()
        assert done.wait(10), "the writer waited on the reader"
        assert time.monotonic() - started < 5
        assert sum(1 for _ in rows) == 299  # the reader's snapshot is unchanged
    with Store(path) as store:
        assert store.count() == 600
