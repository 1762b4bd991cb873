"""Per-source figures that mean what they say: listing-found articles are counted as discovered,
and an incremental run that fetched too little to judge says so instead of blank health."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import run_crawl
from storage import Store
from storage.cli import main as news_store


def test_runs_count_what_listings_found_and_incremental_health_says_not_judged(tmp_path, site_server):
    base = site_server("gulf-wire")
    db_path = tmp_path / "news.db"
    first = run_crawl(base, db_path, "-a", "source_name=gulf-wire")
    second = run_crawl(base, db_path, "-a", "source_name=gulf-wire")
    assert first.returncode == second.returncode == 0
    # the falcon-festival story is linked from the home page only
    assert first.stats["news/discovered/listing"] >= 1
    with Store(db_path) as store:
        latest, earliest = store.runs(source="gulf-wire")
        [summary] = store.sources()
    assert earliest.discovered == sum(v for k, v in first.stats.items() if k.startswith("news/discovered/"))
    assert earliest.stats["news/discovered/listing"] == first.stats["news/discovered/listing"]
    assert earliest.health["pages"] >= 3 and "note" not in earliest.health
    # the second run found nothing new: its health is computed from what it fetched, and says so
    assert latest.stored_new == 0 and latest.health["pages"] < 3
    assert latest.health["note"] == "not judged: no article pages fetched (no change)"
    # `sources` keeps the last judged run's figures and names that run, instead of `pages 0` and blanks
    assert summary.health == earliest.health and summary.health_run == earliest.started_at
    assert summary.last_run_note == latest.health["note"]
    table = CliRunner().invoke(news_store, ["--db", str(db_path), "sources"]).output
    row = table.splitlines()[1]
    assert row.split()[5] == str(earliest.health["pages"]) and "100%" in row
    assert f"ok (run of {earliest.started_at}); last run not judged: " in row
    runs = CliRunner().invoke(news_store, ["--db", str(db_path), "runs"]).output.splitlines()
    assert runs[1].rstrip().endswith(latest.health["note"]) and runs[2].rstrip().endswith("ok")
