"""Dates written for readers in the languages our sites write (issue #17): month names and their
grammatical forms, day-month-year and year-month-day orders, CJK and Arabic-Indic digits, and the
"published"/"updated" labels beside them. Small pages built the way such sites build them."""

from __future__ import annotations

import pytest

from crawler.extract import extract_article
from crawler.extract.dates import MONTHS, parse_human


@pytest.mark.parametrize("text, expected", [
    # Portuguese, Catalan: "de" around the month, "às 10h30"
    ("Atualizado em 12 de março de 2025 às 10h30", "2025-03-12T10:30"),
    ("14 d'abril de 2025", "2025-04-14T00:00"),
    # German (Austrian January), Dutch, Swedish, Danish: a dotted day, "om", "kl."
    ("Aktualisiert am 3. März 2025", "2025-03-03T00:00"),
    ("14. Jänner 2025", "2025-01-14T00:00"),
    ("14 maart 2025 om 10:30", "2025-03-14T10:30"),
    ("den 14 mars 2025 kl. 10:30", "2025-03-14T10:30"),
    ("14. marts 2025", "2025-03-14T00:00"),
    # French first of the month
    ("1er mars 2025 à 10h30", "2025-03-01T10:30"),
    # Polish, Czech, Slovak genitives; the year's "r."
    ("14 października 2024 r., 10:30", "2024-10-14T10:30"),
    ("3 września 2024", "2024-09-03T00:00"),
    ("14. března 2025 10:30", "2025-03-14T10:30"),
    ("5. júla 2024", "2024-07-05T00:00"),
    # Romanian, Hungarian (year first), Turkish (upper case, dotted capital I), Indonesian, Malay
    ("14 martie 2025, 10:30", "2025-03-14T10:30"),
    ("2025. március 14. 10:30", "2025-03-14T10:30"),
    ("14 AĞUSTOS 2024 saat 10:30", "2024-08-14T10:30"),
    ("5 EKİM 2024", "2024-10-05T00:00"),
    ("14 Maret 2025 pukul 10.30", "2025-03-14T10:30"),
    ("14 Ogos 2025", "2025-08-14T00:00"),
    # Russian and Ukrainian genitives, "г.", "року", "в", "о"
    ("14 марта 2025 г., 10:30", "2025-03-14T10:30"),
    ("Опубликовано 2 декабря 2024 в 21:05", "2024-12-02T21:05"),
    ("14 березня 2025 року о 10:30", "2025-03-14T10:30"),
    # Greek genitive, with accents and in capitals without them
    ("14 Μαρτίου 2025, 10:30", "2025-03-14T10:30"),
    ("21 ΜΑΪΟΥ 2024", "2024-05-21T00:00"),
    # Arabic: Egypt and the Gulf (spelling variants), the Maghreb, the Levant (two-word names)
    ("نشر في 28 يوليو 2020", "2020-07-28T00:00"),
    ("28 إبريل 2020 03:15 م", "2020-04-28T15:15"),
    ("28 اغسطس 2020م", "2020-08-28T00:00"),
    ("الأحد 5 يناير، 2025", "2025-01-05T00:00"),
    ("5 جويلية 2023", "2023-07-05T00:00"),
    ("الثلاثاء 28 تموز 2020 - 15:16", "2020-07-28T15:16"),
    ("28 كانون الثاني 2020", "2020-01-28T00:00"),
    ("5 تشرين ثاني 2021", "2021-11-05T00:00"),
    ("12 آب 2020", "2020-08-12T00:00"),
    ("الثلاثاء ٢٨ تموز ٢٠٢٠ - ١٥:١٦", "2020-07-28T15:16"),
    ("\u200f28\u200f تموز\u200f 2020", "2020-07-28T00:00"),
    # Persian: Gregorian names, and the solar calendar turned into the Gregorian day
    ("۱۴ ژانویه ۲۰۲۵", "2025-01-14T00:00"),
    ("۲۴ اسفند ۱۴۰۳", "2025-03-14T00:00"),
    ("۱۴ اردی\u200cبهشت ۱۴۰۳", "2024-05-03T00:00"),
    ("14 ارديبهشت 1403", "2024-05-03T00:00"),  # typed with the Arabic yeh
    ("30 اسفند 1399", "2021-03-20T00:00"),
    # Hebrew ("in March"), Vietnamese
    ("14 במרץ 2025", "2025-03-14T00:00"),
    ("ngày 14 tháng 3 năm 2025", "2025-03-14T00:00"),
    # Chinese, Japanese, Korean
    ("发布时间：2025年03月14日 10:30", "2025-03-14T10:30"),
    ("2025年3月14日(金) 10時30分", "2025-03-14T10:30"),
    ("2025년 3월 14일 오후 3:30", "2025-03-14T15:30"),
    ("2025. 3. 14. 오후 3:30", "2025-03-14T15:30"),
    # a year-first date in English metadata ("citation_publication_date")
    ("2023 Jan 7", "2023-01-07T00:00"),
])
def test_a_date_in_each_language_gives_its_day_and_time(text, expected):
    assert parse_human(text).isoformat(timespec="minutes") == expected


@pytest.mark.parametrize("text", [
    "Mai Thai", "Mart", "Mart 2025", "Mai Thai 2020", "12 Mai Thai 2020", "Photo 3 of 12, 2024 Awards",
    "كانون", "30 فبراير 2024", "2025年13月40日",
])
def test_a_month_word_without_a_day_and_a_year_around_it_is_no_date(text):
    assert parse_human(text) is None


def test_a_word_that_is_no_month_does_not_hide_the_date_after_it():
    assert parse_human("Vol. 3 Issue 2024 – 28 July 2024").date().isoformat() == "2024-07-28"


def test_months_stays_the_single_word_table_published_reads():
    assert MONTHS["mar"] == MONTHS["марта"] == MONTHS["března"] == MONTHS["آذار"] == 3
    assert all(" " not in name for name in MONTHS)


# --- whole pages --------------------------------------------------------------------------------

_ARABIC = ("قال مسؤولون في وزارة الموارد المائية إن منسوب نهر دجلة ارتفع خلال الأيام الماضية بعد موجة الأمطار "
           "الغزيرة التي شهدتها المحافظات الشمالية، وإن فرق الطوارئ تتابع حالة السدود على مدار الساعة. ")
_RELATED_AR = ('<aside class="related"><h3>أخبار ذات صلة</h3><ul>'
               '<li><a href="/news/1">مجلس المحافظة يناقش الموازنة</a> <span>نشر بتاريخ: 3 حزيران 2019</span></li>'
               '<li><a href="/news/2">افتتاح جسر جديد</a> <span>نشر بتاريخ: 9 أيار 2019</span></li></ul></aside>')


def _arabic_page(header: str) -> bytes:
    """An Iraqi news site's story page in windows-1256, its charset declared in a <meta> only."""
    html = ('<html dir="rtl" lang="ar"><head>'
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
            '<title>ارتفاع منسوب دجلة - شبكة الرافدين</title></head><body>'
            '<div id="menu"><a href="/">الرئيسية</a> <a href="/iraq">محليات</a></div>'
            f'<div class="news-details"><h1>ارتفاع منسوب دجلة</h1><div class="news-info">{header}</div>'
            + "".join(f"<p>{_ARABIC * 3}</p>" for _ in range(4)) + f"</div>{_RELATED_AR}</body></html>")
    return html.encode("windows-1256", "xmlcharrefreplace")


def test_an_arabic_windows_1256_page_gives_its_levantine_date_and_hour():
    page = _arabic_page("نشر بتاريخ: الثلاثاء 28 تموز 2020 - 15:16")
    record = extract_article(page, "https://alrafidain.example/news/4521", content_type="text/html",
                             timezone="Asia/Baghdad")
    assert record, record
    assert record.published_at == "2020-07-28T15:16:00+03:00"


def test_an_arabic_page_with_arabic_indic_digits_gives_the_same_instant():
    # windows-1256 has no Arabic-Indic digits: such a page writes them as character references
    page = _arabic_page("نشر بتاريخ: الثلاثاء ٢٨ تموز ٢٠٢٠ - ١٥:١٦")
    assert b"&#1634;&#1640;" in page
    record = extract_article(page, "https://alrafidain.example/news/4521", content_type="text/html")
    assert record.published_at == "2020-07-28T15:16:00"


def test_an_arabic_update_label_is_no_publish_date():
    header = ('<span class="date">آخر تحديث: 30 تموز 2020 - 09:05</span> '
              '<span class="date">تاريخ النشر: 28 تموز 2020 - 15:16</span>')
    record = extract_article(_arabic_page(header), "https://alrafidain.example/news/4521", content_type="text/html")
    assert (record.published_at, record.modified_at) == ("2020-07-28T15:16:00", "2020-07-30T09:05:00")


_GERMAN = ("Der Stadtrat hat am Montagabend nach langer Debatte den neuen Haushalt beschlossen. Die Mehrheit "
           "stimmte für höhere Ausgaben bei Schulen und Radwegen, die Opposition kritisierte die Schulden. ")


def test_a_german_header_labels_its_publish_and_update_days():
    header = ('<div class="article-meta"><span class="date">Veröffentlicht am 3. März 2025, 09:15 Uhr</span>'
              '<span class="date">Aktualisiert am 5. März 2025, 18:40 Uhr</span></div>')
    html = (f"<html lang='de'><head><title>Stadtrat beschließt Haushalt</title></head><body><article>"
            f"<h1>Stadtrat beschließt Haushalt</h1>{header}" + f"<p>{_GERMAN * 3}</p>" * 4
            + "</article></body></html>")
    record = extract_article(html, "https://stadtanzeiger.example/lokales/stadtrat-haushalt-123456.html",
                             timezone="Europe/Berlin")
    assert record.published_at == "2025-03-03T09:15:00+01:00"
    assert record.modified_at == "2025-03-05T18:40:00+01:00"


_STORIES = {
    "de": _GERMAN,
    "ar": _ARABIC,
    "ru": "Городской совет утвердил новый бюджет после долгих обсуждений, больше всего денег получат школы. ",
    "ja": "市議会は十四日、新しい予算案を賛成多数で可決した。学校の改修と道路の補修に重点を置いた。" * 2,
    "pt": "A câmara municipal aprovou o novo orçamento depois de um longo debate, com mais verbas para escolas. ",
    "pl": "Rada miasta przyjęła nowy budżet po długiej debacie, najwięcej pieniędzy otrzymają szkoły. ",
    "tr": "Belediye meclisi uzun bir tartışmanın ardından yeni bütçeyi kabul etti, okullara daha fazla pay ayrıldı. ",
    "nl": "De gemeenteraad heeft na een lang debat de nieuwe begroting aangenomen, met meer geld voor scholen. ",
    "el": "Το δημοτικό συμβούλιο ενέκρινε τον νέο προϋπολογισμό μετά από μακρά συζήτηση για τα σχολεία. ",
    "fr": "Le conseil municipal a adopté le nouveau budget après un long débat, avec plus d'argent pour les écoles. ",
}


@pytest.mark.parametrize("lang, published, modified, expected", [
    ("de", "Veröffentlicht am <time>3. März 2025, 09:15</time>", "Aktualisiert am <time>5. März 2025, 18:40</time>",
     ("2025-03-03T09:15:00", "2025-03-05T18:40:00")),
    ("ar", "تاريخ النشر: <time>28 تموز 2020 - 15:16</time>", "تاريخ التعديل: <time>30 تموز 2020 - 09:05</time>",
     ("2020-07-28T15:16:00", "2020-07-30T09:05:00")),
    ("ru", "Опубликовано <time>14 марта 2025, 10:30</time>", "Обновлено <time>15 марта 2025, 08:05</time>",
     ("2025-03-14T10:30:00", "2025-03-15T08:05:00")),
    ("ja", "公開日 <time>2025年3月14日 10:30</time>", "更新日 <time>2025年3月15日 8:05</time>",
     ("2025-03-14T10:30:00", "2025-03-15T08:05:00")),
    ("pt", "Publicado em <time>12 de março de 2025 às 10h30</time>",
     "Atualizado em <time>13 de março de 2025 às 08h05</time>", ("2025-03-12T10:30:00", "2025-03-13T08:05:00")),
    ("pl", "Opublikowano: <time>14 marca 2025, 10:30</time>", "Zaktualizowano: <time>15 marca 2025, 08:05</time>",
     ("2025-03-14T10:30:00", "2025-03-15T08:05:00")),
    ("tr", "Yayınlanma: <time>14 Mart 2025 10:30</time>", "Güncelleme: <time>15 Mart 2025 08:05</time>",
     ("2025-03-14T10:30:00", "2025-03-15T08:05:00")),
    ("nl", "Gepubliceerd op <time>14 maart 2025 om 10:30</time>", "Bijgewerkt op <time>15 maart 2025 om 08:05</time>",
     ("2025-03-14T10:30:00", "2025-03-15T08:05:00")),
    ("el", "Δημοσίευση: <time>14 Μαρτίου 2025, 10:30</time>", "Ενημέρωση: <time>15 Μαρτίου 2025, 08:05</time>",
     ("2025-03-14T10:30:00", "2025-03-15T08:05:00")),
    ("fr", "Publié le <time>14 mars 2025 à 10h30</time>", "Mis à jour le <time>15 mars 2025 à 08h05</time>",
     ("2025-03-14T10:30:00", "2025-03-15T08:05:00")),
])
def test_labelled_dates_at_the_foot_of_the_story_are_its_dates(lang, published, modified, expected):
    # below the story's text only a labelled date is the story's (an unlabelled one belongs to
    # whatever follows): so the publish label counts here as much as the update label
    foot = f'<p class="article-foot">{published} | {modified}</p>'
    html = (f"<html lang='{lang}'><head><meta charset='utf-8'><title>Budget</title></head><body><article>"
            "<h1>Budget</h1>" + f"<p>{_STORIES[lang] * 4}</p>" * 4 + foot + "</article></body></html>")
    record = extract_article(html, f"https://news.example/{lang}/city/budget-8812")
    assert (record.published_at, record.modified_at) == expected


_HEADED_PAGES = {
    # Russian: genitive month names, "г." after the year
    "ru": ("Совет утвердил бюджет",
           "Городской совет утвердил новый бюджет после долгих обсуждений. Больше всего денег получат школы "
           "и больницы, а ремонт дорог перенесут на следующий год. ",
           '<div class="article__info"><div class="article__date">Опубликовано: 14 марта 2025 г., 10:30</div>'
           '<div class="article__date">Обновлено: 15 марта 2025 г., 08:05</div></div>',
           "Europe/Moscow", "+03:00"),
    # Japanese: kanji dates
    "ja": ("市議会、新予算案を可決",
           "市議会は十四日、新しい予算案を賛成多数で可決した。学校の改修と道路の補修に重点を置き、"
           "市長は記者会見で財政の健全化を進めると述べた。",
           '<div class="article-header__info"><p class="date">公開日：2025年3月14日 10:30</p>'
           '<p class="date">更新日：2025年3月15日 8:05</p></div>',
           "Asia/Tokyo", "+09:00"),
}


@pytest.mark.parametrize("lang", sorted(_HEADED_PAGES))
def test_a_header_gives_its_published_and_updated_dates_with_their_labels(lang):
    title, story, header, zone, offset = _HEADED_PAGES[lang]
    html = (f"<html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title></head><body><main>"
            f"<h1>{title}</h1>{header}" + f"<p>{story * 3}</p>" * 4 + "</main></body></html>")
    record = extract_article(html.encode("utf-8"), f"https://news.example/{lang}/2025/budget-8812",
                             content_type="text/html; charset=utf-8", timezone=zone)
    assert record.published_at == "2025-03-14T10:30:00" + offset
    assert record.modified_at == "2025-03-15T08:05:00" + offset
