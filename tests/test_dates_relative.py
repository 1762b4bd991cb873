"""Dates a news page writes relative to when it was served ("3 hours ago", "منذ ساعتين"): read
against the fetch time, in a crawl too; never against the clock."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from conftest import crawl_site, write_site
from crawler.extract import extract_article
from crawler.extract.relative import relative_moment

FETCHED = datetime(2026, 12, 7, 21, 30, 15, tzinfo=timezone.utc)
ARABIC = ("أعلنت مديرية الموارد المائية في البصرة أن منسوب شط العرب ارتفع خلال الأسبوع الماضي بعد إطلاقات "
          "جديدة من السدود في الشمال، وأن محطات الإسالة عادت إلى العمل بطاقتها الكاملة في أغلب الأقضية. ")
ENGLISH = ("The river authority said the water level rose through the week after new releases from the dams "
           "upstream, and that the pumping stations were back at full capacity in most districts. ")


@pytest.mark.parametrize("text, before", [
    ("Published 3 hours ago", timedelta(hours=3)),
    ("an hour ago", timedelta(hours=1)),
    ("Updated 5m ago", timedelta(minutes=5)),
    ("3h ago", timedelta(hours=3)),
    ("vor 3 Stunden", timedelta(hours=3)),
    ("vor einer Stunde", timedelta(hours=1)),
    ("il y a 45 minutes", timedelta(minutes=45)),
    ("hace 2 horas", timedelta(hours=2)),
    ("há 2 horas", timedelta(hours=2)),
    ("3 ore fa", timedelta(hours=3)),
    ("3 uur geleden", timedelta(hours=3)),
    ("3 saat önce", timedelta(hours=3)),
    ("5 минут назад", timedelta(minutes=5)),
    ("3 jam yang lalu", timedelta(hours=3)),
    ("3 godziny temu", timedelta(hours=3)),
    ("منذ 3 ساعات", timedelta(hours=3)),
    ("منذ ٣ ساعات", timedelta(hours=3)),  # Arabic-Indic digits
    ("منذ ساعة", timedelta(hours=1)),
    ("منذ ساعتين", timedelta(hours=2)),  # the dual: two hours
    ("منذ 5 دقائق", timedelta(minutes=5)),
])
def test_minutes_and_hours_ago_give_the_instant_before_the_fetch(text, before):
    assert relative_moment(text, FETCHED) == (FETCHED - before).replace(second=0)


@pytest.mark.parametrize("text, day", [
    ("2 days ago", "2026-12-05"), ("vor 2 Tagen", "2026-12-05"), ("hace un día", "2026-12-06"),
    ("2 gün önce", "2026-12-05"), ("2 дня назад", "2026-12-05"), ("منذ يومين", "2026-12-05"),
])
def test_days_ago_give_the_day_without_an_hour(text, day):
    moment = relative_moment(text, FETCHED)
    assert moment is not None and moment.tzinfo is None and moment.isoformat() == day + "T00:00:00"


@pytest.mark.parametrize("text", [
    "2 weeks ago", "a month ago", "10 years ago", "9 days ago", "منذ أسبوع", "hace un año",
    "March 3, 2025", "Susan hour ago", "Read in 3 minutes", "",
])
def test_what_names_no_day_gives_nothing(text):
    assert relative_moment(text, FETCHED) is None


def test_nothing_is_read_without_a_fetch_time():
    assert relative_moment("3 hours ago", None) is None


def _page(header: str, head: str = "", body: str = ENGLISH) -> str:
    return (f"<html><head><title>River rises in the south</title>{head}</head><body><article>"
            f"<h1>River rises in the south</h1><div class=\"meta\"><span>{header}</span></div>"
            + "".join(f"<p>{body * 2}</p>" for _ in range(3)) + "</article></body></html>")


def test_a_header_saying_hours_ago_dates_the_story_against_its_fetch_time():
    article = extract_article(_page("Published 3 hours ago"), "https://river.example/news/rises/", now=FETCHED)
    assert article.published_at == "2026-12-07T18:30:00+00:00"
    assert article.provenance["published_at"] == "relative"
    # a saved page read against the clock gets no day from it
    assert extract_article(_page("Published 3 hours ago"), "https://river.example/news/rises/").published_at is None
    # a declared date comes first
    declared = '<meta property="article:published_time" content="2026-12-07T16:02:00+03:00">'
    article = extract_article(_page("Published 3 hours ago", declared), "https://river.example/news/rises/", now=FETCHED)
    assert article.published_at == "2026-12-07T16:02:00+03:00"


def test_an_arabic_windows_1256_header_saying_two_hours_ago():
    html = _page("نشر منذ ساعتين", body=ARABIC).replace("<html>", '<html lang="ar" dir="rtl">')
    html = html.replace("<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">')
    article = extract_article(html.encode("windows-1256"), "https://rafidain.example/news/basra/", now=FETCHED,
                              content_type="text/html; charset=windows-1256")
    assert article.published_at == "2026-12-07T19:30:00+00:00"


def test_a_crawl_reads_hours_ago_against_each_page_s_fetch_time(tmp_path):
    files = {
        "index.html": '<html><body><a href="/news/rises/">one</a> <a href="/news/basra/">two</a></body></html>',
        "news/rises/index.html": _page("Published 3 hours ago"),
        "news/basra/index.html": _page("نشر منذ 5 دقائق", body=ARABIC).replace(
            "River rises in the south", "Basra pumps at full capacity"),
    }
    write_site(tmp_path / "site", files, {"news/basra/index.html": "windows-1256"})
    crawl_site(tmp_path / "site", tmp_path / "news.db")
    with sqlite3.connect(tmp_path / "news.db") as conn:
        rows = conn.execute("SELECT url, published_at, fetched_at, provenance FROM articles ORDER BY url").fetchall()
    assert len(rows) == 2, rows
    for url, published, fetched, provenance in rows:
        ago = timedelta(minutes=5) if "basra" in url else timedelta(hours=3)
        fetched_at = datetime.fromisoformat(fetched)
        assert datetime.fromisoformat(published) == (fetched_at - ago).replace(second=0), (url, published, fetched)
        assert json.loads(provenance)["published_at"] == "relative"
