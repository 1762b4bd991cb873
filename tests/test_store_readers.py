"""Readers never change the file they read; what is not a usable news store is refused in one line.

Store(path) opens read-only and never migrates; Store(path, write=True) (the crawl) creates and
upgrades. Every news-store command on a missing, foreign, damaged or out-of-date file ends with one
`Error:` line and a non-zero status, in-process (CliRunner) and as a real process; the crawl
refuses a foreign database the same way. Files are compared byte for byte before and after.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from conftest import run_crawl
from storage import Store, StoreError
from storage.cli import main
from storage.schema import migrations
from test_store import article, reject

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = [["stats"], ["search", "army"], ["export"], ["rejects"], ["runs"], ["sources"], ["migrate"]]
LATEST = len(migrations._migrations)


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def make_store(path: Path) -> Path:
    with Store(path, write=True) as store:
        store.write_batch([article(n, title=f"The army story {n}") for n in range(1, 6)], [reject(1)])
        store.record_run(run_id="r1", source="example.com", started_at="2024-01-01T00:00:00+00:00")
    return path


def make_old_store(path: Path) -> Path:
    """A store as the previous version left it: every migration but the last applied."""
    db = Database(path)
    migrations.apply(db, stop_before=migrations._migrations[-1].name)
    db["articles"].insert_all([article(n) for n in range(3)])
    db.close()
    return path


def make_foreign(path: Path) -> Path:
    """Another program's SQLite database (rollback journal, as most are)."""
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE people (name TEXT, email TEXT); INSERT INTO people VALUES ('Ann', 'a@x');"
                       "CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL);")
    conn.commit()
    conn.close()
    return path


def make_text(path: Path) -> Path:
    path.write_text("these are my notes, not a database\n" * 20)
    return path


def make_damaged(path: Path) -> Path:
    """A store whose first page (the schema) is overwritten: SQLite says 'malformed'."""
    make_store(path)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)
    path.write_bytes(bytes(data))
    return path


def assert_nothing_beside(folder: Path, kind: str) -> None:
    """No file was added beside the bad one. A reader of a WAL store (the damaged one) may leave
    SQLite's -shm index and an empty -wal: a read-only connection cannot remove them."""
    names = {p.name for p in folder.iterdir()}
    if kind == "damaged" and "other.db-wal" in names:
        assert (folder / "other.db-wal").stat().st_size == 0
        names -= {"other.db-wal", "other.db-shm"}
    assert names == (set() if kind == "missing" else {"other.db"}), names


BAD_FILES = {
    "missing": (lambda p: p, "no store at"),
    "text": (make_text, "is not a news store"),
    "foreign": (make_foreign, "not a news store (tables: orders, people)"),
    "damaged": (make_damaged, "is not a news store"),
    "empty": (lambda p: (p.touch(), p)[1], "no news store"),
}


# --- Store ---------------------------------------------------------------------------------


def test_a_reader_opens_read_only_and_leaves_the_file_as_it_was(tmp_path):
    path = make_store(tmp_path / "news.db")
    before = digest(path)
    with Store(path) as store:
        assert store.count() == 5 and [a.title for a in store.articles(search="army", limit=1)]
        assert store.stats().schema == migrations._migrations[-1].name and store.runs() and store.sources()
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.write_batch([article(99)])
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.execute("CREATE TABLE sneaky (x)")
    assert digest(path) == before


def test_a_reader_of_a_missing_file_creates_nothing(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        Store(tmp_path / "news.db")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("write", [False, True], ids=["reader", "writer"])
@pytest.mark.parametrize("kind", ["text", "foreign", "damaged"])
def test_a_file_that_is_not_a_news_store_is_refused_untouched(tmp_path, kind, write):
    make, message = BAD_FILES[kind]
    path = make(tmp_path / "other.db")
    before = digest(path)
    with pytest.raises(StoreError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        Store(path, write=write)
    assert "\n" not in str(error.value) and isinstance(error.value, sqlite3.DatabaseError)
    assert digest(path) == before
    assert_nothing_beside(tmp_path, kind)  # no journal, no lock


def test_an_empty_file_is_a_new_store_for_a_writer_and_nothing_yet_for_a_reader(tmp_path):
    path = tmp_path / "news.db"
    path.touch()
    with pytest.raises(StoreError, match="crawl into it first"):
        Store(path)
    assert path.stat().st_size == 0
    with Store(path, write=True) as store:
        assert store.applied_now == [m.name for m in migrations._migrations] and store.schema_version() == LATEST
    with Store(path) as store:
        assert store.count() == 0


def test_an_out_of_date_store_is_refused_by_readers_with_the_command_that_upgrades_it(tmp_path):
    path = make_old_store(tmp_path / "news.db")
    before = digest(path)
    with pytest.raises(StoreError) as error:
        Store(path)
    assert str(error.value) == (
        f"store {path} has schema {LATEST - 1}, this version needs {LATEST} "
        f"(missing {migrations._migrations[-1].name}): run `news-store --db {path} migrate` "
        "(a crawl into it upgrades it too)")
    assert digest(path) == before
    with Store(path, write=True) as store:  # what a crawl does
        assert store.applied_now == [migrations._migrations[-1].name]
    with Store(path) as store:
        assert store.count() == 3 and store.schema_version() == LATEST


def test_a_store_with_migrations_newer_than_this_version_is_read(tmp_path):
    """Migrations only add: an older reader reads a newer store (and leaves its record alone)."""
    path = make_store(tmp_path / "news.db")
    with Store(path, write=True) as store:
        store.db["_sqlite_migrations"].insert({"migration_set": "news", "name": "9999_from_the_future",
                                               "applied_at": "2030-01-01"})
    with Store(path) as store:
        assert store.count() == 5 and store.schema_version() == LATEST


# --- news-store: every command, every kind of bad file -------------------------------------


def one_error_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    assert "Traceback" not in output
    return lines[0]


@pytest.mark.parametrize(("kind", "command"), [
    pytest.param(kind, command, id=f"{kind}-{command[0]}") for kind in sorted(BAD_FILES) for command in COMMANDS
    if (kind, command[0]) != ("empty", "migrate")  # an empty file is a new store: migrate makes it one
])
def test_every_command_refuses_a_bad_file_in_one_line(tmp_path, kind, command):
    make, message = BAD_FILES[kind]
    path = make(tmp_path / "other.db")
    before = digest(path)
    result = CliRunner().invoke(main, ["--db", str(path), *command])
    assert result.exit_code == 1, result.output
    assert message in one_error_line(result.output)
    assert digest(path) == before
    assert_nothing_beside(tmp_path, kind)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != ["migrate"]], ids=lambda c: c[0])
def test_every_reading_command_on_an_out_of_date_store_says_how_to_upgrade(tmp_path, command):
    path = make_old_store(tmp_path / "news.db")
    before = digest(path)
    result = CliRunner().invoke(main, ["--db", str(path), *command])
    assert result.exit_code == 1
    assert f"run `news-store --db {path} migrate`" in one_error_line(result.output)
    assert digest(path) == before


def test_migrate_upgrades_and_says_what_it_applied(tmp_path):
    path = make_old_store(tmp_path / "news.db")
    last = migrations._migrations[-1].name
    result = CliRunner().invoke(main, ["--db", str(path), "migrate"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"applied {last}", f"store {path} is at schema {LATEST} ({last})"]
    again = CliRunner().invoke(main, ["--db", str(path), "migrate"])
    assert again.output.splitlines() == [f"store {path} is at schema {LATEST} ({last}): nothing to do"]
    assert CliRunner().invoke(main, ["--db", str(path), "stats"]).exit_code == 0
    empty = tmp_path / "empty.db"
    empty.touch()
    created = CliRunner().invoke(main, ["--db", str(empty), "migrate"])
    assert created.exit_code == 0 and len(created.output.splitlines()) == LATEST + 1


def test_a_store_damaged_inside_a_table_fails_the_reading_command_in_one_line(tmp_path):
    path = make_store(tmp_path / "news.db")
    with Store(path) as store:
        page_size = store.db.execute("PRAGMA page_size").fetchone()[0]
        root = store.db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles'").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size:root * page_size] = b"\x5a" * page_size
    path.write_bytes(bytes(data))
    for command in (["stats"], ["export"], ["sources"]):
        result = CliRunner().invoke(main, ["--db", str(path), *command])
        assert result.exit_code == 1, (command, result.output)
        assert "cannot read the store" in one_error_line(result.output) and "malformed" in result.output
    assert CliRunner().invoke(main, ["--db", str(path), "runs"]).exit_code == 0  # its own table is whole


@pytest.mark.parametrize("kind", sorted(BAD_FILES) + ["out-of-date"])
def test_news_store_as_a_real_process_refuses_each_kind_of_bad_file(tmp_path, kind):
    make, message = BAD_FILES.get(kind, (make_old_store, "migrate`"))
    path = make(tmp_path / "other.db")
    before = digest(path)
    done = subprocess.run([sys.executable, "-m", "storage.cli", "--db", str(path), "stats"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert message in one_error_line(done.stderr)
    assert digest(path) == before


# --- the crawl ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["foreign", "text"])
def test_the_crawl_refuses_a_file_that_is_not_a_news_store(tmp_path, site_server, kind):
    make, message = BAD_FILES[kind]
    path = make(tmp_path / "other.db")
    before = digest(path)
    result = run_crawl(site_server("gulf-wire"), path)
    assert result.returncode != 0
    errors = [line for line in result.log.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and "store_error" not in errors[0] and message in errors[0], errors
    assert "Traceback" not in result.log
    assert result.stats["finish_reason"] == "store_error"
    assert result.stats.get("downloader/request_count", 0) == 0
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no lock file beside it either


def test_a_store_on_a_read_only_disk_is_read(tmp_path):
    """SQLite cannot add a WAL store's -shm index on a read-only disk; with no -wal in flight the
    reader opens the file as immutable instead. A writer there gets one line saying why."""
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        path = make_store(folder / "news.db")
        assert not Path(f"{path}-wal").exists()  # the writer's close checkpointed and removed it
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        with Store(path) as store:
            assert store.count() == 5 and len(list(store.articles(search="army"))) == 5
        result = CliRunner().invoke(main, ["--db", str(path), "stats"])
        assert result.exit_code == 0 and "articles 5" in result.output
        with pytest.raises(StoreError, match=r"unable to open database file \(the store or its folder is read-only\)"):
            Store(path, write=True)
    finally:
        subprocess.run(["umount", "-l", str(folder)])
