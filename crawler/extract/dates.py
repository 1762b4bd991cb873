"""Date strings from pages and feeds to ISO 8601 instants that keep their UTC offset."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ISO_LIKE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?))?"
    r"(?:\s*(?P<ampm>[ap]\.?m\.?))?"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$",
    re.I,
)
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan janvier janv januar enero ene gennaio",
            "february feb feb. febr février fevrier févr februar febrero febbraio",
            "march mar märz maerz mars marzo",
            "april apr avril abril aprile",
            "may mai mayo maggio",
            "june jun juin juni junio giugno",
            "july jul juillet juil juli julio luglio",
            "august aug août aout agosto",
            "september sep sept septembre septiembre settembre",
            "october oct octobre oktober okt octubre ottobre",
            "november nov novembre noviembre",
            "december dec décembre decembre dezember dez diciembre dic dicembre",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_TIME = r"(?:(?:\s*(?:at|@|-|,|\||à|um))?\s*(?P<hour>\d{1,2})[:h.](?P<minute>\d{2})(?::\d{2})?\s*(?P<ampm>[ap]\.?m\.?)?)?"
_HUMAN = (
    # July 28, 2020 | Jul 28 2020 | July 28th, 2020, 3:16 pm
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b" + _TIME, re.I),
    # 28 July 2020 | 28. Juli 2020 | 28th of July, 2020
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:of\s+|de\s+)?" + _MONTH + r",?\s+(?:de\s+)?(?P<year>\d{4})\b" + _TIME, re.I),
    # 2020/07/28 | 2020.07.28
    re.compile(r"\b(?P<year>\d{4})(?P<ysep>[/.\-])(?P<nmonth>\d{1,2})(?P=ysep)(?P<day>\d{1,2})\b" + _TIME),
    # 07/28/2020 (US) or 28/07/2020, 28.07.2020
    re.compile(r"\b(?P<first>\d{1,2})(?P<sep>[/.\-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4})\b" + _TIME),
)


def _iso(text: str) -> datetime | None:
    match = _ISO_LIKE.match(text)
    if not match:
        return None
    time = match["time"] or ""
    if time and len(time.split(":")[0]) == 1:
        time = "0" + time
    zone = (match["zone"] or "").upper()
    if zone in ("Z", "UTC", "GMT"):
        zone = "+00:00"
    elif zone:
        zone = zone if ":" in zone else (zone + ":00" if len(zone) == 3 else zone[:3] + ":" + zone[3:])
    try:
        moment = datetime.fromisoformat(match["date"] + ("T" + time.replace(",", ".") if time else "") + zone)
    except ValueError:
        return None
    return _twelve_hour(moment, match["ampm"]) if time else moment


def _twelve_hour(moment: datetime, ampm: str | None) -> datetime:
    """A 12-hour clock read right: 3:48 pm is 15:48, 12:10 am is 00:10."""
    ampm = (ampm or "").lower().replace(".", "")
    if ampm == "pm" and moment.hour < 12:
        return moment.replace(hour=moment.hour + 12)
    if ampm == "am" and moment.hour == 12:
        return moment.replace(hour=0)
    return moment


def parse_human(text: str) -> datetime | None:
    """A date written for readers ('July 28, 2020', '28 Juli 2020', '07/28/2020 11:38'); naive."""
    for pattern in _HUMAN:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        try:
            if groups.get("month"):
                month = MONTHS.get(groups["month"].lower().rstrip("."))
                if month is None:
                    continue
                day = int(groups["day"])
            elif groups.get("nmonth"):
                month, day = int(groups["nmonth"]), int(groups["day"])
            else:
                first, second = int(groups["first"]), int(groups["second"])
                # month first unless it cannot be (and dotted dates are day first in Europe)
                month, day = (second, first) if first > 12 or groups["sep"] == "." else (first, second)
            hour, minute = int(groups.get("hour") or 0), int(groups.get("minute") or 0)
            ampm = (groups.get("ampm") or "").lower().replace(".", "")
            if ampm == "pm" and hour < 12:
                hour += 12
            elif ampm == "am" and hour == 12:
                hour = 0
            return datetime(int(groups["year"]), month, day, hour, minute)
        except (TypeError, ValueError):
            continue
    return None


def parse_datetime(value: str | None, human: bool = False) -> datetime | None:
    """Parse ISO 8601 or RFC 822 text (also reader-facing dates when `human`); naive when the
    text gives no offset; None if unparseable."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    moment = _iso(text)
    if moment is not None:
        return moment
    if re.match(r"^\d{4}-\d{2}-\d{2}T", text):  # ISO with extras we do not know: keep the day and time
        moment = _iso(text[:19])
        if moment is not None:
            return moment
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is not None:
        return moment
    return parse_human(text) if human else None


def get_zone(name: str | None) -> tzinfo | None:
    """The IANA zone `name`, or None when absent or unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def to_iso(moment: datetime | None, zone: tzinfo | None = None) -> str | None:
    """ISO 8601 text; a naive moment gets `zone` when given, else stays naive."""
    if moment is None:
        return None
    if moment.tzinfo is None and zone is not None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat(timespec="seconds")


def is_future(moment: datetime, now: datetime | None) -> bool:
    """True when `moment` lies after `now` (the page's fetch time; None: no moment is future,
    extraction reads no clock). A naive moment is future only when it is later than `now` in
    every time zone (UTC+14)."""
    if now is None:
        return False
    if moment.tzinfo is None:
        return moment - timedelta(hours=14) > now.astimezone(timezone.utc).replace(tzinfo=None)
    return moment > now
