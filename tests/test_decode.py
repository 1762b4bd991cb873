"""Bytes to text: a declared charset is trusted only when it decodes the bytes; a page that
declares nothing is read with a browser's guess, not with one legacy charset for every page."""

from __future__ import annotations

import pytest

from crawler.extract import decode_html, extract_article

STORIES = {
    "cp1252": ("Grüße aus München", "Die schöne Straße am Fluß ist größer als gedacht, sagte die Bürgermeisterin "
               "am Dienstag; die Anwohner müssen sich noch gedulden. "),
    "cp1251": ("Переговоры продолжатся", "Президент заявил во вторник, что переговоры продолжатся на следующей "
               "неделе в Москве, а делегации уже согласовали повестку. "),
    "cp1256": ("اجتماع أمني في خانقين", "قال مصدر أمني يوم الثلاثاء إن اجتماعا أمنيا عقد بين الجيش العراقي "
               "والبيشمركة في قضاء خانقين بمحافظة ديالى للمرة الأولى منذ سنوات. "),
}


def _page(title: str, text: str, head: str = "") -> str:
    return (f"<html><head>{head}<title>{title}</title></head><body><article><h1>{title}</h1>"
            + "".join(f"<p>{text * 2}</p>" for _ in range(3)) + "</article></body></html>")


@pytest.mark.parametrize("charset", sorted(STORIES))
def test_a_legacy_page_that_declares_nothing_is_read_right(charset):
    html = _page(*STORIES[charset])
    text, used = decode_html(html.encode(charset), None, "http://127.0.0.1:8000/news/story/")
    assert (text, used) == (html, charset)
    article = extract_article(html.encode(charset), "http://127.0.0.1:8000/news/story/")
    assert article.title == STORIES[charset][0]
    assert STORIES[charset][1].split()[0] in article.body


def test_a_header_charset_the_bytes_do_not_fit_gives_way_to_the_meta_tag():
    title, text = STORIES["cp1256"]
    html = _page(title, text, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">')
    decoded, used = decode_html(html.encode("cp1256"), "text/html; charset=UTF-8")
    assert (decoded, used) == (html, "cp1256")
    # a meta tag that lies too: the bytes are read for what they are
    liar = html.replace("windows-1256", "utf-8")
    assert decode_html(liar.encode("cp1256"), "text/html; charset=UTF-8") == (liar, "cp1256")


def test_a_byte_order_mark_wins_and_is_dropped():
    title, text = STORIES["cp1251"]
    html = _page(title, text, '<meta charset="windows-1251">')
    assert decode_html(b"\xff\xfe" + html.encode("utf-16-le"), "text/html; charset=windows-1251") == (html, "utf-16-le")
    assert decode_html(b"\xef\xbb\xbf" + html.encode("utf-8"))[0] == html


def test_a_declared_charset_that_fits_is_kept():
    title, text = STORIES["cp1252"]
    html = _page(title, text)
    assert decode_html(html.encode("latin-1"), "text/html; charset=ISO-8859-1") == (html, "cp1252")
    assert decode_html(html.encode("utf-8"), "text/html") == (html, "utf-8")
