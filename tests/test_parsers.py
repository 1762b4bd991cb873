"""The per-source parser seam (crawler.parsers; sources.toml `parser = "package.module:Class"`):
its example, al-rafidain's 2025 layout, on recorded fixtures and in a real `scrapy crawl`."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crawler.devserver import base_url, serve_site
from crawler.extract import Article, Rejection
from crawler.parsers import ParserError, check_path
from crawler.prepare import prepare
from crawler.sources import SourceError, load_sources
from tests.conftest import PAGES, ROOT, run_crawl
from tests.test_fixtures import fetched_at, hints_of

PARSER = "crawler.parsers.al_rafidain:AlRafidainParser"
REDESIGN = PAGES / "al-rafidain" / "redesign-2025-karbala-festival"
NOW = datetime(2025, 3, 1, tzinfo=timezone.utc)


def _prepared(case: Path, **change):
    response = json.loads((case / "response.json").read_text("utf-8"))
    hints = {k: v for k, v in {**hints_of(case), **change}.items() if v is not None}
    return prepare((case / "response.html").read_bytes(), response["url"], hints, fetched_at(case))


def test_the_sources_parser_is_declared_and_every_fixture_of_it_is_read_with_it():
    [source] = [s for s in load_sources(ROOT / "sources.toml") if s.name == "al-rafidain"]
    assert source.parser == PARSER
    cases = sorted(p.parent for p in (PAGES / "al-rafidain").glob("*/expected.json"))
    assert len(cases) >= 4 and REDESIGN in cases  # the 2024 layout's cases and the 2025 one's coexist
    for case in cases:  # tests/test_fixtures.py compares them field by field, with the parser
        assert hints_of(case)["parser"] == PARSER
    assert fetched_at(REDESIGN) > max(fetched_at(c) for c in cases if c != REDESIGN)


def test_the_generic_extraction_gets_the_redesign_wrong_and_the_parser_gets_it_right():
    expected = json.loads((REDESIGN / "expected.json").read_text("utf-8"))
    generic, parsed = _prepared(REDESIGN, parser=None), _prepared(REDESIGN)
    assert isinstance(generic, Article) and isinstance(parsed, Article)
    # no og:image: the generic extraction finds no picture; the parser takes the lead figure's
    assert generic.image is None != expected["image"]
    assert parsed.image == expected["image"] == "http://127.0.0.1:8303/media/2025/02/karbala-festival.jpg"
    assert parsed.body == expected["body"] and "كتب:" not in parsed.body  # no credits block in the body
    assert parsed.provenance["image"] == parsed.provenance["body"] == "parser"
    assert parsed.authors == generic.authors == expected["authors"]  # what it does not override stays
    # the body it gives is hashed and signed as the story's (once, in prepare)
    assert parsed.content_hash != generic.content_hash and parsed.minhash_bands


def test_the_old_layout_keeps_the_generic_result():
    case = PAGES / "al-rafidain" / "charset-in-meta"
    generic, parsed = _prepared(case, parser=None), _prepared(case)
    assert parsed.to_dict() == generic.to_dict()
    assert "parser" not in parsed.provenance.values()


class Overrides:
    def title(self, page, article):
        return page.css("h1")[0].text_content().upper()

    def tags(self, page, article):
        return None  # keeps the generic tags

    def reject(self, page, article):
        return "sponsored content" if "Sponsored" in page.html else None


class WrongType:
    def authors(self, page, article):
        return "Jane Doe"  # a string, not a list


class Broken:
    def body(self, page, article):
        raise KeyError("no .story-body")


PAGE = ("<html><head><title>Dam repairs finished</title><meta property='og:type' content='article'>"
        "<meta name='keywords' content='dams'></head><body><article><h1>Dam repairs finished</h1>"
        + "<p>Engineers finished repairs on the dam after three years of work on its gates and walls.</p>" * 4
        + "</article></body></html>")


def test_a_parser_overrides_fields_keeps_others_and_may_reject_the_page():
    result = prepare(PAGE, "https://s.example/dam", {"parser": f"{__name__}:Overrides"}, NOW)
    assert result.title == "DAM REPAIRS FINISHED" and result.provenance["title"] == "parser"
    assert result.fetched_at == "2025-03-01T00:00:00+00:00"
    rejected = prepare(PAGE.replace("<h1>", "<p>Sponsored</p><h1>"), "https://s.example/ad",
                       {"parser": f"{__name__}:Overrides"}, NOW)
    assert isinstance(rejected, Rejection)
    assert (rejected.reason, rejected.detail) == ("parser_rejected", "sponsored content")


@pytest.mark.parametrize("name, words", [("WrongType", "WrongType.authors gave str, not a list of strings"),
                                         ("Broken", "KeyError('no .story-body')")])
def test_a_parser_that_fails_rejects_its_page_with_a_reason(name, words):
    result = prepare(PAGE, "https://s.example/dam", {"parser": f"{__name__}:{name}"}, NOW)
    assert isinstance(result, Rejection) and result.reason == "parser_error"
    assert words in result.detail


@pytest.mark.parametrize("path, words", [
    ("crawler.parsers.al_rafidain", "is not of the form 'package.module:Class'"),
    ("crawler.parsers.nowhere:Parser", "cannot import crawler.parsers.nowhere: No module named"),
    ("crawler.parsers.al_rafidain:Nothing", "crawler.parsers.al_rafidain has no class Nothing"),
    ("crawler.prepare:Rejection", "Rejection has no parser method"),
])
def test_a_parser_that_cannot_be_used_is_named_in_one_line(path, words):
    with pytest.raises(ParserError, match=words.replace("(", r"\(").replace(".", r"\.")):
        check_path(path)


def test_sources_toml_with_a_parser_that_does_not_import_stops_the_crawl_before_any_request(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "site"\nurl = "http://127.0.0.1:9/"\nparser = "my_parsers.site:Site"\n')
    with pytest.raises(SourceError) as error:
        load_sources(path)
    assert str(error.value) == (f"{path}: source #1 'site': key 'parser': 'my_parsers.site:Site': "
                                "cannot import my_parsers.site: No module named 'my_parsers'")
    result = run_crawl(None, tmp_path / "x.db", "-s", f"NEWS_SOURCES={path}")
    assert result.returncode == 2, result.log
    assert "key 'parser': 'my_parsers.site:Site': cannot import my_parsers.site" in result.log
    assert "Spider opened" not in result.log and not (tmp_path / "x.db").exists()


# --- a real crawl of a site half-way through its redesign ---------------------------------------

WRITERS = ["سارة محمود", "علي حسن", "زينب كريم", "عمر سعيد", "نور الهدى"]
WORDS = ["المدينة", "المهرجان", "الجسر", "المكتبة", "النهر", "السوق", "الجامعة", "الميناء", "الحديقة", "المعرض"]


def _story(n: int, new_layout: bool) -> tuple[str, str]:
    """(title, page) of story n: in the 2025 layout (credits, lead figure) or the 2024 one."""
    title = f"خبر رقم {n} عن {WORDS[n % len(WORDS)]} و{WORDS[(n * 3 + 1) % len(WORDS)]}"
    paragraphs = "".join(
        f"<p>الفقرة {k} من الخبر {n}: تحدث المسؤولون عن {WORDS[(n + k) % len(WORDS)]} و{WORDS[(n * k + 2) % len(WORDS)]} "
        f"وعن خطط العام المقبل في {WORDS[(k * 7 + n) % len(WORDS)]} بحضور عدد كبير من المواطنين والزوار.</p>"
        for k in range(1, 5))
    date = f"2025-02-{n + 1:02d}T10:00:00+03:00"
    writer = WRITERS[n % len(WRITERS)]
    if new_layout:
        article = (f'<div class="kicker">محليات</div><h1>{title}</h1><div class="credits"><span class="writer">كتب: {writer}</span> '
                   f'<span class="photographer">تصوير: حيدر علي</span> <time datetime="{date}">{n + 1} شباط</time></div>'
                   f'<figure class="lead"><img src="/media/{n}.jpg" alt=""></figure><div class="story-body">{paragraphs}</div>')
    else:
        article = (f'<h1>{title}</h1><div class="meta">بقلم {writer} — <time datetime="{date}">{date[:10]}</time></div>'
                   f'<div class="article-body">{paragraphs}</div>')
    page = (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title} | الرافدين</title>'
            f'<meta property="og:type" content="article"><meta property="og:site_name" content="الرافدين"></head>'
            f'<body><header><a href="/">الرافدين</a></header><article>{article}</article>'
            f'<footer>جميع الحقوق محفوظة © الرافدين</footer></body></html>')
    return title, page


def _site(root: Path, stories: int) -> None:
    """A small site: home page, robots.txt, sitemap; even stories in the 2025 layout."""
    urls = []
    for n in range(stories):
        path = root / "news" / f"story-{n}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_story(n, new_layout=n % 2 == 0)[1], "utf-8")
        urls.append(f"__BASE__/news/story-{n}.html")
    (root / "index.html").write_text('<html><head><title>الرافدين</title></head><body>'
                                     + "".join(f'<a href="{u}">{u}</a>' for u in urls) + "</body></html>", "utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\nSitemap: __BASE__/sitemap.xml\n")
    (root / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                      + "".join(f"<url><loc>{u}</loc></url>" for u in urls) + "</urlset>\n")


@pytest.mark.parametrize("workers", ["2", "0"])
def test_a_crawl_of_a_source_with_a_parser_stores_what_the_parser_reads(tmp_path, workers):
    root = tmp_path / "site"
    _site(root, 6)
    server = serve_site(root)
    try:
        base = base_url(server)
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[source]]\nname = "rafidain-2025"\nurl = "{base}"\nkind = "generic"\n'
                           f'timezone = "Asia/Baghdad"\nlanguage = "ar"\nparser = "{PARSER}"\n')
        db = tmp_path / "news.db"
        result = run_crawl(None, db, "-a", "source=rafidain-2025", "-s", f"NEWS_SOURCES={sources}",
                           "-s", f"NEWS_EXTRACT_WORKERS={workers}", "-s", "NEWS_MIN_BODY_CHARS=100")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = {r["url"].rsplit("/", 1)[1]: r for r in conn.execute("SELECT * FROM articles")}
    assert len(rows) == 6, sorted(rows)
    for n in range(6):
        row = rows[f"story-{n}.html"]
        provenance = json.loads(row["provenance"])
        if n % 2 == 0:  # the 2025 layout: the parser's body and image
            assert row["body"].startswith(f"الفقرة 1 من الخبر {n}:") and "كتب:" not in row["body"]
            assert row["image"] == f"{base}media/{n}.jpg"
            assert provenance["body"] == provenance["image"] == "parser"
        else:  # the 2024 layout: the generic extraction's
            assert row["image"] is None and "parser" not in provenance.values()
        assert row["published_at"] == f"2025-02-{n + 1:02d}T10:00:00+03:00"
        assert row["body"].count("\n\n") == 3
        assert row["fetched_at"].endswith("+00:00")
