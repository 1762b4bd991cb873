"""news-store CLI: every command on temporary stores, through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tracemalloc

import pytest
from click.testing import CliRunner

from storage import Store
from storage.cli import main
from test_store import article, reject


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "news.db"
    with Store(path, write=True) as store:
        store.write_batch(
            [article(n) for n in range(1, 11)]
            + [article(11, title="In Diyala, the army meets the Peshmerga", source="tigris-daily",
                       url="https://tigris.example/2020/07/28/diyala/", published_at="2020-07-28T15:16:00+03:00",
                       categories=["Iraq", "Politics"], cluster_id=7)],
            [reject(1), reject(2, "too_short", detail="142 chars"), reject(3, "too_short", source="tigris-daily")],
        )
        store.record_run(run_id="r1", source="example.com", started_at="2024-01-01T00:00:00+00:00",
                         finished_at="2024-01-01T00:01:00+00:00", finish_reason="finished", fetched=12,
                         stored_new=10, rejects={"too_short": 1, "not_article": 1})
    return path


def run(db, *args, **kwargs):
    result = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False, **kwargs)
    return result


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    assert "Example" in runner.invoke(main, ["--help"]).output
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        examples = result.output.split("Example")[1].split("Options:")[0].splitlines()
        assert any(line.split()[:1] == ["news-store"] and name in line.split() for line in examples), name


def test_db_comes_from_the_environment_then_news_db(db, tmp_path, monkeypatch):
    result = CliRunner().invoke(main, ["stats"], env={"NEWS_DB_PATH": str(db)})
    assert result.exit_code == 0 and "articles 11" in result.output
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["stats"], env={"NEWS_DB_PATH": None})
    assert result.exit_code == 0 and str(db.name) in result.output


def test_a_missing_store_is_an_error_not_a_new_file(tmp_path):
    result = run(tmp_path / "none.db", "stats")
    assert result.exit_code == 1 and "no store at" in result.output
    assert not (tmp_path / "none.db").exists()


def test_stats_prints_per_source_counts(db):
    result = run(db, "stats")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any(line.split() == ["example.com", "10"] for line in lines)
    assert any(line.split() == ["tigris-daily", "1"] for line in lines)
    assert any(line.split() == ["too_short", "2"] for line in lines)
    data = json.loads(run(db, "stats", "--json").output)
    assert data["articles_by_source"] == {"example.com": 10, "tigris-daily": 1} and data["crawl_runs"] == 1


def test_search_finds_the_story_and_shows_a_snippet(db):
    result = run(db, "search", "Peshmerga")
    assert result.exit_code == 0
    assert "https://tigris.example/2020/07/28/diyala/" in result.output and "[Peshmerga]" in result.output
    assert "In Diyala" in result.output


def test_search_options(db):
    assert run(db, "search", "peshmerga", "--source", "example.com").stdout == ""
    assert run(db, "search", "peshmerga", "--until", "2020-07-28").stdout == ""
    hits = [json.loads(line) for line in run(db, "search", "harbour", "--limit", "3", "--json").output.splitlines()]
    assert len(hits) == 3 and all("[harbour]" in h["snippet"] and h["url"] for h in hits)
    assert len(run(db, "search", "--raw", "Peshmerga OR cranes", "--json").output.splitlines()) == 11


def test_search_reports_no_match_and_bad_raw_syntax(db):
    result = run(db, "search", "zzzzz")
    assert result.exit_code == 0 and result.stdout == "" and "no articles match" in result.stderr
    result = run(db, "search", "--raw", '"unterminated')
    assert result.exit_code == 1 and "bad search query" in result.output


def test_export_jsonl_writes_one_line_per_article(db):
    result = run(db, "export", "--format", "jsonl")
    lines = result.stdout.splitlines()
    with Store(db) as store:
        assert len(lines) == store.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 11
    first = json.loads(lines[0])
    assert first["categories"] == ["Iraq", "Politics"] and first["title"].startswith("In Diyala")
    assert first["cluster_id"] == 7  # near-duplicate clusters reach the reader
    assert result.stderr == ""  # no progress bar or summary mixed into a pipe


def test_export_csv_round_trips_with_filters_and_output_file(db, tmp_path):
    out = tmp_path / "out.csv"
    result = run(db, "export", "--format", "csv", "--source", "example.com", "--since", "2020-07-05", "-o", str(out))
    assert result.exit_code == 0 and "exported 7 articles" in result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == 7 and {r["source"] for r in rows} == {"example.com"}
    assert json.loads(rows[0]["authors"]) == ["Jane Doe"] and "\n\n" in rows[0]["body"]
    assert list(rows[0]) == ["id", "url", "source", "title", "body", "authors", "published_at", "modified_at",
                             "language", "description", "image", "site_name", "categories", "tags", "provenance",
                             "content_hash", "fetched_at", "cluster_id"]


def test_export_shows_a_progress_bar_only_on_a_terminal(db, tmp_path, monkeypatch):
    monkeypatch.setattr("storage.cli._isatty", lambda stream: True)
    result = run(db, "export", "-o", str(tmp_path / "a.jsonl"))
    assert "exporting" in result.stderr
    result = run(db, "export")  # rows to a terminal: the bar would garble them
    assert "exporting" not in result.stderr


def test_export_streams_in_constant_memory(tmp_path):
    path = tmp_path / "big.db"
    body = "A paragraph about the port. " * 150  # ~4 KB
    with Store(path, write=True) as store:
        for start in range(0, 3000, 500):
            store.write_batch([article(n, body=f"{n} {body}", url=f"https://e/{n}") for n in range(start, start + 500)])
    tracemalloc.start()
    result = run(path, "export", "-o", str(tmp_path / "big.jsonl"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.exit_code == 0 and "exported 3000" in result.stderr
    size = (tmp_path / "big.jsonl").stat().st_size
    assert size > 12_000_000
    assert peak < 2_000_000, f"peak {peak} bytes for a {size} byte export"


def test_rejects_lists_newest_first_with_filters(db):
    lines = run(db, "rejects").output.splitlines()
    assert lines[0].split()[:4] == ["last_seen", "times", "source", "reason"]
    assert [line.split()[3] for line in lines[1:]] == ["too_short", "too_short", "not_article"]
    rows = [json.loads(x) for x in run(db, "rejects", "--reason", "too_short", "--source", "example.com",
                                       "--json").output.splitlines()]
    assert [(r["reason"], r["detail"]) for r in rows] == [("too_short", "142 chars")]


def test_runs_and_sources(db):
    lines = run(db, "runs").output.splitlines()
    assert lines[1].split() == ["r1", "example.com", "2024-01-01T00:00:00+00:00", "60", "finished",
                                "0", "12", "10", "0", "0", "2"]
    assert run(db, "runs", "--source", "nope").output.splitlines()[1:] == []
    [run_row] = [json.loads(x) for x in run(db, "runs", "--json").output.splitlines()]
    assert run_row["rejects"] == {"not_article": 1, "too_short": 1}
    lines = run(db, "sources").output.splitlines()
    assert [line.split()[:4] for line in lines[1:]] == [["example.com", "10", "2", "1"], ["tigris-daily", "1", "1", "0"]]


def test_bad_dates_are_usage_errors(db):
    result = run(db, "export", "--since", "yesterday")
    assert result.exit_code == 2 and "not an ISO 8601 date" in result.output


def test_runs_as_a_module(db):
    done = subprocess.run([sys.executable, "-m", "storage.cli", "--db", str(db), "sources"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "tigris-daily" in done.stdout


@pytest.mark.parametrize("command", [["rejects"], ["runs"], ["sources"], ["search", "Peshmerga"]])
def test_every_listing_command_prints_table_jsonl_or_csv(db, command):
    jsonl = [json.loads(line) for line in run(db, *command, "--format", "jsonl").stdout.splitlines()]
    assert jsonl and jsonl == [json.loads(line) for line in run(db, *command, "--json").stdout.splitlines()]
    rows = list(csv.DictReader(io.StringIO(run(db, *command, "--format", "csv").stdout)))
    assert len(rows) == len(jsonl) and list(rows[0]) == list(jsonl[0])
    for row, obj in zip(rows, jsonl):  # the same values; lists and objects as JSON in their cells
        for name, value in obj.items():
            cell = row[name]
            assert (json.loads(cell) if isinstance(value, list | dict) else cell) == (
                value if isinstance(value, list | dict) else ("" if value is None else str(value)))
    table = run(db, *command).stdout.splitlines()
    assert table and not table[0].startswith("{")
