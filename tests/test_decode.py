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
    # ISO-8859-15 writes the euro sign where a guess (windows-1252) reads "¤": only the
    # declaration, in the header or in <meta>, gives the price right
    html = _page("Preise", "Der Preis: 5 € pro Stück, sagte die Händlerin am Dienstag in München. ")
    assert decode_html(html.encode("iso-8859-15"), "text/html; charset=ISO-8859-15") == (html, "iso8859-15")
    declared = html.replace("<head>", '<head><meta charset="iso-8859-15">')
    assert decode_html(declared.encode("iso-8859-15"), "text/html") == (declared, "iso8859-15")
    assert "¤" in decode_html(html.encode("iso-8859-15"))[0]  # undeclared: the guess, and its reading
    assert decode_html(html.encode("utf-8"), "text/html") == (html, "utf-8")


def test_a_declared_east_asian_charset_is_read_as_a_browser_reads_it():
    # EUC-JP's A1 C1 is the full-width tilde to browsers (WHATWG), a wave dash to Python's codec
    body = ('<html><head><meta charset="euc-jp"><title>営業時間</title></head><body><p>'.encode("euc_jp")
            + "営業時間は九時".encode("euc_jp") + b"\xa1\xc1" + "十八時です。</p></body></html>".encode("euc_jp"))
    text, used = decode_html(body, "text/html")
    assert used == "euc_jp" and "営業時間は九時～十八時です。" in text
