"""Dates written relative to when a page was served ("3 hours ago", "vor 2 Tagen", "منذ ساعتين").

News sites write a fresh story's date this way in its header. Such a date means something only
against the moment the page was fetched, and only to within its unit: minutes, hours and days up
to a week are read; "2 weeks ago", "a month ago" name no day and are not.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

_MAX_DAYS = 7

# a word for "one" (or "a") per language; a bare unit ("hace una hora", "an hour ago") is one
_ONE = {"a", "an", "one", "ein", "eine", "einer", "einem", "un", "une", "una", "uno", "um", "uma",
        "een", "bir"}
# unit words by how they start, per language (en de fr es pt it nl tr ru id pl ar): minute, hour, day
_UNITS = (
    (timedelta(minutes=1), ("min", "dakika", "минут", "menit", "دقي", "دقائق")),
    (timedelta(hours=1), ("hour", "hr", "stunde", "heure", "hora", "ora", "ore", "uur", "saat", "час", "jam",
                          "godzin", "ساع")),
    (timedelta(days=1), ("day", "tag", "jour", "dia", "día", "giorn", "dag", "gün", "дн", "день", "hari", "dni",
                         "dzie", "يوم", "أيام", "ايام")),
)
_SHORT = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}  # "5m ago", "3h ago"
_NUMBER = r"(?P<n>\d{1,3}|an?|one|eine[rm]?|ein|une?|un[ao]?|uma?|een|bir)"
_UNIT = r"(?P<unit>[^\W\d_]+)"
_PATTERNS = (
    # 3 hours ago | 3h ago | an hour ago | 2 días atrás | 3 saat önce | 3 часа назад | 3 jam lalu | 3 godziny temu
    re.compile(r"\b" + _NUMBER + r"\s*" + _UNIT
               + r"\.?\s+(?:ago|atr[aá]s|fa|geleden|önce|назад|(?:yang\s+)?lalu|temu)\b", re.I),
    # vor 3 Stunden | il y a 3 heures | hace 3 horas | há 3 horas
    re.compile(r"(?:\bvor|\bil y a|\bhace|\bh[áa])\s+" + _NUMBER + r"\s+" + _UNIT, re.I),
    # منذ 3 ساعات | منذ ساعة | منذ ساعتين (the dual: two)
    re.compile(r"منذ\s+(?:(?P<n>\d{1,3})\s+)?(?P<unit>[\u0600-\u06ff]+)"),
)
_ARABIC_DUAL = ("تين", "ين")  # ساعتين, دقيقتين, يومين: two of the unit


def _unit(word: str) -> timedelta | None:
    word = word.lower()
    if word in _SHORT:
        return _SHORT[word]
    return next((size for size, starts in _UNITS if word.startswith(starts)), None)


def relative_moment(text: str, fetched: datetime | None) -> datetime | None:
    """The instant `text` ("Published 3 hours ago", "منذ 5 دقائق") puts before `fetched` (the
    page's fetch time, aware), to the minute; for days ("vor 2 Tagen") the day, naive. None
    without a fetch time, without such words, or when the unit names no day (weeks, months)."""
    if fetched is None or not text:
        return None
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        word = match["unit"]
        size = _unit(word)
        if size is None:
            continue
        number = match["n"]
        if number is None:  # Arabic: "منذ ساعة" is one hour, "منذ ساعتين" two
            count = 2 if word.endswith(_ARABIC_DUAL) else 1
        elif number.isdigit():  # Arabic-Indic and Persian digits too ("منذ ٣ ساعات"): \d and int() read them
            count = int(number)
        elif number.lower() in _ONE:
            count = 1
        else:
            continue
        if size * count > timedelta(days=_MAX_DAYS):
            return None
        if size == _SHORT["d"]:  # "2 days ago" names a day, not an hour: the day, naive
            day = fetched.date() - size * count
            return datetime(day.year, day.month, day.day)
        return (fetched - size * count).replace(second=0, microsecond=0)
    return None


__all__ = ["relative_moment"]
