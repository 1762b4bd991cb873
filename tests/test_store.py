"""Store: migrations from the first schema, FTS kept in sync, the typed read API, crawl_runs."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from storage import CrawlRun, Reject, SearchHit, SourceSummary, Store, StoredArticle, StoreStats
from storage.schema import migrations

ROOT = Path(__file__).resolve().parent.parent
FIRST = "0001_articles_and_rejects"


def article(n: int, **fields) -> dict:
    record = {
        "url": f"https://example.com/news/{n}",
        "source": "example.com",
        "title": f"Story number {n}",
        "body": f"Paragraph one of story {n}.\n\nParagraph two mentions harbour cranes.",
        "authors": ["Jane Doe"],
        "published_at": f"2020-07-{n % 28 + 1:02d}T15:16:00+03:00",
        "language": "en",
        "categories": ["Business"],
        "tags": [],
        "provenance": {"title": "jsonld"},
        "content_hash": f"hash{n}",
        "fetched_at": "2024-01-01T00:00:00Z",
    }
    record.update(fields)
    return record


def reject(n: int, reason: str = "not_article", **fields) -> dict:
    return {"url": f"https://example.com/page/{n}", "source": "example.com", "reason": reason,
            "detail": "", "status": 200, "seen_at": f"2024-01-01T00:00:{n:02d}Z", **fields}


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "news.db", write=True) as opened:
        yield opened


# --- migrations ------------------------------------------------------------------------------


def test_a_store_from_the_first_schema_upgrades_without_losing_a_row(tmp_path):
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before=migrations.pending(old)[1].name)
    assert [m.name for m in migrations.applied(old)] == [FIRST]
    assert "articles_fts" not in old.table_names()
    rows = [article(n, title=f"Peshmerga story {n}" if n == 7 else f"Story {n}") for n in range(50)]
    old["articles"].insert_all(rows)
    old["rejects"].insert_all([reject(n) for n in range(5)])
    before = {r["url"]: r for r in old["articles"].rows}
    old.close()

    with Store(path, write=True) as store:
        assert [m.name for m in migrations.applied(store.db)] == [m.name for m in migrations._migrations]
        after = {r["url"]: {k: r[k] for k in before[r["url"]]} for r in store.db["articles"].rows}
        assert after == before  # every row and value survives; later migrations may add columns
        assert store.count("rejects") == 5
        assert [a.url for a in store.articles(search="Peshmerga")] == ["https://example.com/news/7"]
        assert len(list(store.articles(search="harbour cranes"))) == 50
        indexed = {tuple(i.columns) for i in store.db["articles"].indexes}
        assert {("source",), ("published_at",), ("language",), ("url",)} <= indexed
        assert store.runs() == []


def test_repeated_rejects_of_an_older_store_merge_into_one_row(tmp_path):
    db = Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="0007_rejects_once_and_run_completeness")
    db["rejects"].insert_all([reject(1, seen_at="2024-01-01T00:00:00Z", detail="first"),
                              reject(1, seen_at="2024-01-03T00:00:00Z", detail="last"),
                              reject(1, seen_at="2024-01-02T00:00:00Z", detail="middle"),
                              reject(1, "timeout"), reject(2)])
    migrations.apply(db)
    merged = {(r["url"], r["reason"]): r for r in db["rejects"].rows}
    assert len(merged) == 3
    row = merged[("https://example.com/page/1", "not_article")]
    assert (row["times_seen"], row["first_seen_at"], row["seen_at"]) == (3, "2024-01-01T00:00:00Z", "2024-01-03T00:00:00Z")
    assert merged[("https://example.com/page/2", "not_article")]["times_seen"] == 1


def test_opening_again_applies_nothing(tmp_path):
    Store(tmp_path / "news.db", write=True).close()
    with Store(tmp_path / "news.db") as store:
        assert migrations.pending(store.db) == []
        assert len(migrations.applied(store.db)) == len(migrations._migrations)


def test_the_first_migration_is_the_first_schema_version():
    assert migrations._migrations[0].name == FIRST


def test_many_stores_opening_a_new_file_at_once_migrate_it_once(tmp_path):
    path = tmp_path / "news.db"
    code = "import sys; from storage import Store; Store(sys.argv[1], write=True).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
             for _ in range(6)]
    errors = [p.communicate()[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    with Store(path) as store:
        names = [m.name for m in migrations.applied(store.db)]
        assert names == [m.name for m in migrations._migrations]


# --- FTS kept in sync ---------------------------------------------------------------------------


def test_fts_follows_insert_update_and_delete(store):
    store.write_batch([article(1, title="Kirkuk oil field"), article(2)])
    assert [a.url for a in store.articles(search="Kirkuk")] == ["https://example.com/news/1"]
    store.db["articles"].update(1, {"title": "Basra port"})
    assert list(store.articles(search="Kirkuk")) == []
    assert [a.id for a in store.articles(search="Basra")] == [1]
    store.db["articles"].delete(1)
    assert list(store.articles(search="Basra")) == []
    assert store.db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 1


def test_search_takes_words_not_fts_syntax_unless_raw(store):
    store.write_batch([article(1, title="Mosul dam repairs"), article(2, title="Dam safety in Mosul: a report")])
    assert len(list(store.articles(search='mosul "dam'))) == 2  # unbalanced quote: still words
    assert len(list(store.articles(search="Mosul: NOT"))) == 0
    assert [a.id for a in store.articles(search="repairs OR report", raw_search=True)] != []
    assert len(list(store.articles(search="repairs OR report", raw_search=True))) == 2
    with pytest.raises(sqlite3.OperationalError):
        list(store.articles(search='"unbalanced', raw_search=True))


def test_search_hits_carry_a_snippet_and_best_match_first(store):
    store.write_batch([
        article(1, title="Markets", body="A short note on Erbil."),
        article(2, title="Erbil Erbil", body="Erbil airport reopens; Erbil flights resume."),
    ])
    hits = list(store.search("erbil"))
    assert all(isinstance(h, SearchHit) for h in hits)
    assert hits[0].article.id == 2
    assert "[Erbil]" in hits[0].snippet


# --- writes ------------------------------------------------------------------------------------


def test_write_batch_ignores_stored_urls_and_counts_only_new_rows(store):
    assert store.write_batch([article(1), article(2)], [reject(1)]) == 2
    assert store.write_batch([article(2, title="changed"), article(3)], [reject(2, "too_short")]) == 1
    assert store.count() == 3
    assert store.get("https://example.com/news/2").title == "Story number 2"
    assert store.count("rejects") == 2
    assert store.write_batch([], []) == 0


def test_a_repeated_reject_updates_its_row(store):
    first = {**reject(1, "http_500", detail="HTTP 500"), "seen_at": "2024-01-01T00:00:00+00:00"}
    store.write_batch([], [first, reject(2, "too_short")])
    again = {**reject(1, "http_500", detail="HTTP 500 again"), "seen_at": "2024-01-02T00:00:00+00:00"}
    store.write_batch([], [again, reject(1, "timeout")])  # another reason for the same URL: its own row
    rows = {(r.url, r.reason): r for r in store.rejects()}
    assert len(rows) == 3 and store.count("rejects") == 3
    repeated = rows[(first["url"], "http_500")]
    assert (repeated.times_seen, repeated.first_seen_at, repeated.seen_at, repeated.detail) == (
        2, "2024-01-01T00:00:00+00:00", "2024-01-02T00:00:00+00:00", "HTTP 500 again")


def test_bands_go_with_stored_articles_and_an_update_replaces_them(store):
    first, second = article(1), article(2)
    store.write_batch([first, second], bands={first["url"]: [(0, 11), (1, 12)], second["url"]: [(0, 21), (2, 23)],
                                              "https://example.com/news/not-stored": [(0, 99)]})
    update = {**first, "title": "Story number 1, updated"}
    store.write_batch(updates=[update], bands={first["url"]: [(0, 31), (3, 34)]})
    rows = store.db.execute("SELECT a.url, m.band, m.hash FROM minhash_bands m JOIN articles a ON a.id = m.article_id "
                            "ORDER BY a.url, m.band").fetchall()
    assert rows == [(first["url"], 0, 31), (first["url"], 3, 34), (second["url"], 0, 21), (second["url"], 2, 23)]
    assert store.db.execute("SELECT count(*) FROM minhash_bands").fetchone()[0] == 4


def test_write_batch_is_one_transaction(store):
    with pytest.raises(sqlite3.IntegrityError):  # a reject without its reason (NOT NULL) fails the batch
        store.write_batch([article(1)], [{"url": "x", "reason": None}])
    assert store.count() == 0


def test_json_columns_round_trip(store):
    store.write_batch([article(1, authors=["A", "Ḥasan"], tags=["x"], provenance={"published_at": "meta"})])
    got = store.get("https://example.com/news/1")
    assert isinstance(got, StoredArticle)
    assert got.authors == ["A", "Ḥasan"] and got.tags == ["x"] and got.provenance == {"published_at": "meta"}
    assert store.get("https://example.com/nothing") is None
    assert store.has_url(got.url) and store.has_hash("hash1") == got.url and store.has_hash("nope") is None


# --- reads -------------------------------------------------------------------------------------


def test_articles_filters_by_source_and_limit(store):
    store.write_batch([article(n) for n in range(5)] + [article(9, source="other", url="https://o/9")])
    assert {a.source for a in store.articles(source="other")} == {"other"}
    assert len(list(store.articles(limit=3))) == 3
    dates = [a.published_at for a in store.articles()]
    assert dates == sorted(dates, reverse=True)


def test_since_and_until_compare_instants_across_offsets(store):
    store.write_batch([
        article(1, published_at="2020-07-28T01:00:00+03:00"),  # 2020-07-27 22:00 UTC
        article(2, published_at="2020-07-27T23:30:00-05:00"),  # 2020-07-28 04:30 UTC
        article(3, published_at="2020-07-29T12:00:00+00:00"),
        article(4, published_at=None),
    ])
    ids = lambda **kw: sorted(a.id for a in store.articles(**kw))  # noqa: E731
    assert ids(since="2020-07-28") == [2, 3]
    assert ids(until="2020-07-28") == [1]
    assert ids(since="2020-07-28T00:00:00Z", until="2020-07-29") == [2]
    assert ids(since="2020-07-28T01:00:00+03:00") == [1, 2, 3]
    assert store.count_articles(since="2020-07-28") == 2
    assert store.count_articles(source="example.com") == 4
    with pytest.raises(ValueError):
        list(store.articles(since="last tuesday"))


def test_search_combines_with_filters(store):
    store.write_batch([article(1, title="Peshmerga advance", published_at="2020-01-01T00:00:00+00:00"),
                       article(2, title="Peshmerga retreat", source="other", url="https://o/2"),
                       article(3, title="Peshmerga talks", published_at="2021-01-01T00:00:00+00:00")])
    assert [a.id for a in store.articles(search="peshmerga", source="example.com", since="2020-06-01")] == [3]
    assert len(list(store.articles(search="peshmerga", limit=2))) == 2


def test_rejects_newest_first_by_reason_and_source(store):
    store.write_batch([], [reject(1), reject(2, "too_short"), reject(3, "too_short", source="other")])
    got = list(store.rejects())
    assert all(isinstance(r, Reject) for r in got)
    assert [r.url for r in got] == [f"https://example.com/page/{n}" for n in (3, 2, 1)]
    assert [r.source for r in store.rejects(reason="too_short")] == ["other", "example.com"]
    assert len(list(store.rejects(reason="too_short", source="other"))) == 1
    assert len(list(store.rejects(limit=1))) == 1
    assert store.rejects_by_reason() == {"too_short": 2, "not_article": 1}


def test_record_run_writes_one_row_per_run_and_source(store):
    run = store.record_run(run_id="r1", source="example.com", started_at="2024-01-01T00:00:00+00:00",
                           finished_at="2024-01-01T00:01:30+00:00", finish_reason="finished",
                           discovered=10, fetched=8, stored_new=5, duplicates=1,
                           rejects={"too_short": 1, "not_article": 1}, stats={"news/pages/fetched": 8})
    assert isinstance(run, CrawlRun)
    assert run.rejected == 2 and run.rejects == {"not_article": 1, "too_short": 1}
    assert run.duration_seconds == 90
    store.record_run(run_id="r1", source="example.com", started_at="2024-01-01T00:00:00+00:00", stored_new=6)
    store.record_run(run_id="r2", source="example.com", started_at="2024-01-02T00:00:00+00:00")
    store.record_run(run_id="r2", source="other", started_at="2024-01-02T00:00:01+00:00")
    runs = store.runs()
    assert [(r.run_id, r.source) for r in runs] == [("r2", "other"), ("r2", "example.com"), ("r1", "example.com")]
    assert runs[-1].stored_new == 6
    assert [r.run_id for r in store.runs(source="example.com", limit=1)] == ["r2"]


def test_sources_and_stats(store):
    store.write_batch([article(1), article(2), article(3, source="other", url="https://o/3")],
                      [reject(1), reject(2, source="rejects-only")])
    store.record_run(run_id="r", source="example.com", started_at="2024-01-01T00:00:00+00:00",
                     finished_at="2024-01-01T00:05:00+00:00")
    sources = store.sources()
    assert all(isinstance(s, SourceSummary) for s in sources)
    by_name = {s.source: s for s in sources}
    assert list(by_name) == ["example.com", "other", "rejects-only"]
    assert (by_name["example.com"].articles, by_name["example.com"].rejects, by_name["example.com"].runs) == (2, 1, 1)
    assert by_name["example.com"].last_run_finished == "2024-01-01T00:05:00+00:00"
    assert by_name["rejects-only"].articles == 0
    stats = store.stats()
    assert isinstance(stats, StoreStats)
    assert (stats.articles, stats.rejects, stats.crawl_runs) == (3, 2, 1)
    assert stats.articles_by_source == {"example.com": 2, "other": 1}
    assert stats.schema == migrations._migrations[-1].name


def test_storage_imports_no_crawler_and_no_scrapy():
    code = "import sys, storage, storage.cli; bad = [m for m in sys.modules if m.split('.')[0] in ('scrapy', 'crawler', 'twisted')]; print(bad); sys.exit(bool(bad))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_staged_validators_reach_the_store_only_when_saved(tmp_path):
    """A crawl stages ETag / Last-Modified in the connection's TEMP table as it goes (its memory
    stays flat) and saves them at a clean finish; a crawl that dies leaves none behind."""
    path = tmp_path / "news.db"
    row = lambda n, etag: {"url": f"https://example.com/feed/{n}", "etag": etag,  # noqa: E731
                           "last_modified": None, "checked_at": "2024-01-01T00:00:00Z"}
    store = Store.open_for_writing(path)
    store.stage_validators([row(1, '"a"'), row(2, '"b"')])
    store.close()  # died before its clean finish
    store = Store.open_for_writing(path)
    assert store.validators("https://example.com/feed/1") == (None, None)
    assert store.save_staged_validators() == 0  # nothing staged on this connection
    store.stage_validators([row(1, '"a"'), row(2, '"b"')])
    store.stage_validators([row(2, '"c"')])  # the later answer for the same URL wins
    assert store.save_staged_validators() == 2
    store.close()
    store = Store.open_for_writing(path)
    assert store.validators("https://example.com/feed/1") == ('"a"', None)
    assert store.validators("https://example.com/feed/2") == ('"c"', None)
    store.close()
