"""sources.toml: validation errors name the source and key; every declared source has fixtures;
declared-source crawls, the recorder and the probe."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import PAGES, ROOT, run_crawl
from crawler.cli import main as news_crawl
from crawler.sources import SourceError, load_sources


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, "utf-8")
    return path


def test_project_sources_load_and_each_has_a_fixture():
    sources = load_sources(ROOT / "sources.toml")
    assert {s.name for s in sources} >= {"tigris-daily", "gulf-wire", "al-rafidain"}
    for source in sources:
        cases = list((PAGES / source.name).glob("*/expected.json"))
        assert cases, f"source '{source.name}' has no fixture under fixtures/pages/{source.name}/"


@pytest.mark.parametrize("text, message", [
    ('[[source]]\nurl = "http://x.example/"\n', "source #1: key 'name': is required"),
    ('[[source]]\nname = "a"\n', "source #1 'a': key 'url': is required"),
    ('[[source]]\nname = "Bad Name"\nurl = "http://x.example/"\n', "key 'name': must be a slug"),
    ('[[source]]\nname = "a"\nurl = "ftp://x.example/"\n', "key 'url': 'ftp://x.example/' is not an http(s) URL"),
    ('[[source]]\nname = "a"\nurl = "http://x.example/"\nkind = "drupal"\n', "key 'kind': must be one of"),
    ('[[source]]\nname = "a"\nurl = "http://x.example/"\ntimezone = "Mars/Olympus"\n', "key 'timezone'"),
    ('[[source]]\nname = "a"\nurl = "http://x.example/"\nallow = ["("]\n', "key 'allow'"),
    ('[[source]]\nname = "a"\nurl = "http://x.example/"\narchives = ["http://x.example/page/"]\n', "no {page} placeholder"),
    ('[[source]]\nname = "a"\nurl = "http://x.example/"\nmax_pages = 0\n', "key 'max_pages'"),
    ('[[source]]\nname = "a"\nurl = "http://x.example/"\nsince = "last year"\n', "key 'since'"),
    ('[[source]]\nname = "a"\nurl = "http://x.example/"\nfeeds = 3\n', "key 'feeds'"),
    ('[[source]]\nname = "a"\nurl = "http://x.example/"\nsitemap = ["x"]\n', "key 'sitemap': unknown key"),
    ('[[source]]\nname = "a"\nurl = "http://x.example/"\n[[source]]\nname = "a"\nurl = "http://y.example/"\n', "declared twice"),
    ('[[source]\nname = "a"', "not valid TOML"),
])
def test_errors_name_source_and_key(tmp_path, text, message):
    with pytest.raises(SourceError) as caught:
        load_sources(write(tmp_path, text))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_broken_entry_stops_the_crawl_with_one_clear_line_and_no_request(tmp_path):
    path = write(tmp_path, '[[source]]\nname = "a"\nurl = "http://127.0.0.1:9/"\ntimezone = "Nowhere/None"\n')
    result = run_crawl(None, tmp_path / "x.db", "-s", f"NEWS_SOURCES={path}")
    assert f"{path}: source #1 'a': key 'timezone'" in result.log
    assert result.stats.get("downloader/request_count", 0) == 0
    assert "Traceback" not in result.log


def test_two_line_source_is_crawled_by_name(tmp_path, site_server):
    base = site_server("gulf-wire")
    path = write(tmp_path, f'[[source]]\nname = "my-site"\nurl = "{base}"\n\n'
                           f'[[source]]\nname = "other"\nurl = "http://127.0.0.1:9/"\n')
    db_path = tmp_path / "mine.db"
    result = run_crawl(None, db_path, "-a", "source=my-site", "-s", f"NEWS_SOURCES={path}")
    assert result.returncode == 0, result.log[-2000:]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT DISTINCT source FROM articles").fetchall() == [("my-site",)]
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
    assert result.stats["news/sources/my-site/stored/new"] == 4
    assert "127.0.0.1:9" not in result.log  # the other source was not crawled


def test_all_sources_with_since_and_source_settings(tmp_path, site_server):
    gulf, arabic = site_server("gulf-wire"), site_server("al-rafidain")
    path = write(tmp_path, f'[[source]]\nname = "gulf"\nurl = "{gulf}"\nsince = 2025-03-03\n\n'
                           f'[[source]]\nname = "arabic"\nurl = "{arabic}"\ntimezone = "Asia/Baghdad"\n')
    db_path = tmp_path / "all.db"
    result = run_crawl(None, db_path, "-s", f"NEWS_SOURCES={path}")
    assert result.returncode == 0, result.log[-2000:]
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT source, published_at, title FROM articles ORDER BY published_at").fetchall()
    gulf_dates = [published for source, published, _ in rows if source == "gulf"]
    assert gulf_dates and all(d >= "2025-03-03" for d in gulf_dates)
    arabic_rows = [(published, title) for source, published, title in rows if source == "arabic"]
    assert len(arabic_rows) == 3 and all(p.endswith("+03:00") for p, _ in arabic_rows)  # naive page + timezone
    assert "إعادة افتتاح المكتبة المركزية في جامعة الموصل" in {t for _, t in arabic_rows}  # undeclared cp1256


def test_recorder_writes_a_fixture_the_suite_picks_up(tmp_path, site_server):
    base = site_server("gulf-wire")
    url = base + "2025/03/03/central-bank-holds-interest-rates-steady.html"
    fixtures = tmp_path / "pages"
    result = CliRunner().invoke(news_crawl, ["record", url, "--source", "gulf-wire", "--case", "bank",
                                             "--fixtures", str(fixtures)])
    assert result.exit_code == 0, result.output
    case = fixtures / "gulf-wire" / "bank"
    assert sorted(p.name for p in case.iterdir()) == ["expected.json", "hints.json", "response.html", "response.json"]
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    assert expected["title"] == "Central bank holds interest rates steady"
    assert expected["authors"] == ["Omar Farouk"]
    # the fixture test module compares it field by field, like every recorded page
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    check = subprocess.run([sys.executable, "-c", (
        "import json, pathlib, tests.test_fixtures as t;"
        f"t.PAGES = pathlib.Path({str(fixtures)!r});"
        f"r, e = t._load(pathlib.Path({str(case)!r}));"
        "assert all(getattr(r, k) == v for k, v in e.items()), 'mismatch'")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_probe_prints_a_ready_source_entry(site_server):
    base = site_server("gulf-wire")
    result = CliRunner().invoke(news_crawl, ["probe", base, "--name", "gulf"])
    assert result.exit_code == 0, result.output
    assert "# home page: HTTP 200, 1 feed(s) declared" in result.output
    entry = result.output[result.output.index("[[source]]"):]
    import tomllib

    assert tomllib.loads(entry)["source"][0] == {"name": "gulf", "url": base}


def test_a_spider_subclass_covers_what_the_keys_cannot(tmp_path, site_server):
    base = site_server("bayan-app")  # an app-shell home page; articles only behind a JSON API
    generic = run_crawl(base, tmp_path / "generic.db")
    assert generic.returncode == 0 and generic.stats.get("news/stored/new", 0) == 0
    db_path = tmp_path / "api.db"
    command = ["crawl", "news-json-api", "-a", f"url={base}", "-a", "api=/api/articles?page=1",
               "-s", f"NEWS_DB_PATH={db_path}"]
    done = subprocess.run([sys.executable, "-m", "scrapy", *command], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT title, authors, published_at FROM articles ORDER BY published_at").fetchall()
    assert rows == [
        ("Oman and the Emirates sign rail link deal", '["Hessa Al-Mansoori"]', "2025-04-01T08:00:00+04:00"),
        ("Qatar extends summer working-hours ban", '["Yousef Darwish"]', "2025-04-02T10:30:00+03:00"),
        ("Bahrain restores pearling trail houses", '["Noor Al-Khalifa"]', "2025-04-03T12:15:00+03:00"),
    ]
