"""Date strings from pages and feeds to ISO 8601 instants that keep their UTC offset."""

from __future__ import annotations

import re
import unicodedata
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
# Month names as dates write them, one "|"-separated group of forms per month (full name, the
# grammatical case a date uses, usual short forms, common spellings without diacritics).
_MONTH_NAMES = (
    # English, French, German, Spanish, Italian
    "january jan janvier janv januar jänner jaenner enero ene gennaio gen|february feb febr février fevrier févr "
    "februar febrero febbraio|march mar märz maerz mars marzo|april apr avril abril aprile|may mai mayo maggio mag|"
    "june jun juin juni junio giugno giu|july jul juillet juil juli julio luglio lug|august aug août aout agosto ago|"
    "september sep sept septembre septiembre settembre set|october oct octobre oktober okt octubre ottobre ott|"
    "november nov novembre noviembre|december dec décembre decembre dezember dez diciembre dic dicembre",
    # Portuguese, Catalan
    "janeiro gener|fevereiro fev febrer|março marco març|abr|maio maig|junho juny|julho juliol|agost|"
    "setembro setembre|outubro out|novembro|dezembro desembre des",
    # Dutch, Swedish, Danish, Norwegian
    "januari|februari|maart mrt marts||mei maj|||augustus augusti||||desember",
    # Polish (nominative, genitive), Czech, Slovak
    "styczeń stycznia sty leden ledna január januára|luty lutego lut únor února február februára|"
    "marzec marca březen března marec|kwiecień kwietnia kwi duben dubna apríl apríla|maj maja květen května máj mája|"
    "czerwiec czerwca cze červen června jún júna|lipiec lipca lip červenec července júl júla|"
    "sierpień sierpnia sie srpen srpna augusta|wrzesień września wrz září septembra|"
    "październik października paź říjen října október októbra|listopad listopada listopadu lis novembra|"
    "grudzień grudnia gru prosinec prosince decembra",
    # Romanian, Hungarian
    "ianuarie ian január|februarie február|martie március márc|aprilie április ápr|máj május|iunie iun június jún|"
    "iulie iul július júl|augusztus|septembrie szeptember szept|octombrie október|noiembrie noi|decembrie",
    # Turkish, Indonesian, Malay
    "ocak oca|şubat subat şub|mart maret mac|nisan nis|mayıs mayis mei|haziran haz|temmuz tem julai|"
    "ağustos agustos ağu agu agt ogos|eylül eylul eyl|ekim eki|kasım kasim kas nopember nop|"
    "aralık aralik ara desember disember",
    # Russian (nominative, genitive, short), Ukrainian
    "январь января янв січень січня січ|февраль февраля фев февр лютий лютого лют|"
    "март марта мар березень березня бер|апрель апреля апр квітень квітня квіт|май мая травень травня трав|"
    "июнь июня июн червень червня черв|июль июля июл липень липня лип|август августа авг серпень серпня серп|"
    "сентябрь сентября сен сент вересень вересня вер|октябрь октября окт жовтень жовтня жовт|"
    "ноябрь ноября ноя нояб листопад листопада лист|декабрь декабря дек грудень грудня груд",
    # Greek (nominative, genitive, short)
    "ιανουάριος ιανουαρίου ιαν|φεβρουάριος φεβρουαρίου φεβ|μάρτιος μαρτίου μαρ|απρίλιος απριλίου απρ|"
    "μάιος μαΐου μαΐ μαϊ|ιούνιος ιουνίου ιουν|ιούλιος ιουλίου ιουλ|αύγουστος αυγούστου αυγ|"
    "σεπτέμβριος σεπτεμβρίου σεπ σεπτ|οκτώβριος οκτωβρίου οκτ|νοέμβριος νοεμβρίου νοε|δεκέμβριος δεκεμβρίου δεκ",
    # Arabic: Egypt and the Gulf, the Maghreb, the Levant and Iraq (the two-word ones in _PHRASES)
    "يناير جانفي|فبراير فيفري شباط|مارس آذار|أبريل ابريل إبريل أفريل نيسان|مايو ماي أيار|يونيو يونيه جوان حزيران|"
    "يوليو يوليه جويلية يوليوز تموز|أغسطس اغسطس أوت غشت آب|سبتمبر أيلول شتنبر|أكتوبر اكتوبر|نوفمبر نونبر|"
    "ديسمبر دجنبر",
    # Persian (the Gregorian months; the solar ones in _SOLAR), Hebrew (also with the prefix "in")
    "ژانویه ינואר בינואר|فوریه פברואר בפברואר|מרץ במרץ|آوریل אפריל באפריל|مه מאי במאי|ژوئن יוני ביוני|"
    "ژوئیه ژوییه יולי ביולי|اوت אוגוסט באוגוסט|سپتامبر ספטמבר בספטמבר|اکتبر אוקטובר באוקטובר|"
    "نوامبر נובמבר בנובמבר|دسامبر דצמבר בדצמבר",
)
_PHRASES = ("كانون الثاني", "", "", "", "", "", "", "", "", "تشرين الأول", "تشرين الثاني", "كانون الأول")
_SOLAR = "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split()
_FOLD = str.maketrans({"ı": "i", "ی": "ي", "ى": "ي", "ک": "ك", "ـ": None})


def _fold(word: str) -> str:
    """`word` lower-cased, without accents, hamzas or Persian letter forms: the key names are found by."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)


def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for language in _MONTH_NAMES:
        for number, names in enumerate(language.split("|"), start=1):
            for name in names.split():
                for key in (name, _fold(name)):
                    if len(language.split("|")) != 12 or table.setdefault(key, number) != number:
                        raise ValueError(f"month name {key!r}: not 12 months or means two")
    return table


MONTHS = _month_table()  # single words only: published.py strips them from labels and reads URL months
_FOLDED_MONTHS = {_fold(name): number for name, number in MONTHS.items()}
for _number, _phrase in enumerate(_PHRASES, start=1):  # also without the article: "تشرين ثاني"
    if _phrase:
        _FOLDED_MONTHS.update({_fold(_phrase): _number, _fold(_phrase.replace(" ال", " ")): _number})
_SOLAR_MONTHS = {_fold(name): number for number, name in enumerate(_SOLAR, start=1)}
# bidi marks and zero-width non-joiners dropped: right-to-left pages put them inside dates ("28\u200f
# تموز") and Persian words. Digits need no mapping: \d and int() read Arabic-Indic (٢٨), Persian
# (۲۸) and full-width (２８) digits as they read ASCII ones.
_MARKS = str.maketrans(dict.fromkeys("\u200e\u200f\u061c\u200c"))
_YEARISH = re.compile(r"\d{4}")  # every date below has a four-digit year
_PM = {"pm", "م", "مساء", "مساءا", "مساءً", "午後", "下午", "오후"}
_AM = {"am", "ص", "صباحا", "صباحًا", "午前", "上午", "오전"}
_MONTH = r"(?P<month>(?:كانون|تشرين)\s+[^\W\d_]{3,7}|[^\W\d_]{2,12})\.?"
_ORDINAL = r"(?:st|nd|rd|th|er|º|ª)?"
_YEAR_TAIL = r"(?:\s*(?:г\.|года|р\.|року|r\.|roku|m\.|yılı|م|هـ|ه)(?![^\W\d_]))?"
_AMPM = r"(?P<ampm>[ap]\.?m\.?|(?:صباحًا|صباحا|مساءً|مساءا|مساء|ص|م)(?![^\W\d_]))"
_SEPARATOR = r"(?:at|@|-|–|—|,|،|\||·|à|às|um|om|o|kl\.?|klo\.?|в|о|στις|saat|pukul|jam|alle|ore|a\s+las|الساعة|ساعت)"
_TIME = (r"(?:(?:\s*" + _SEPARATOR + r"){0,3}\s*(?P<hour>\d{1,2})[:h.](?P<minute>\d{2})(?::\d{2})?\s*"
         + _AMPM + "?)?")
_CJK_TIME = (r"(?:\s*[(（][^)）]{1,4}[)）])?(?:\s*(?P<ampm>午前|午後|上午|下午|오전|오후)?\s*(?P<hour>\d{1,2})\s*[:：時时시]"
             r"\s*(?P<minute>\d{1,2}))?")
_HUMAN = (
    # July 28, 2020 | Jul 28 2020 | July 28th, 2020, 3:16 pm
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})" + _ORDINAL + r",?\s+(?P<year>\d{4})\b" + _TIME, re.I),
    # 28 July 2020 | 28. Juli 2020 | 28th of July, 2020 | 14 de março de 2025 | 14 марта 2025 г. | 28 تموز 2020
    re.compile(r"\b(?P<day>\d{1,2})" + _ORDINAL + r"\.?\s+(?:of\s+|de\s+|d['’])?" + _MONTH
               + r"[,،]?\s+(?:de\s+)?(?P<year>\d{4})" + _YEAR_TAIL + r"(?!\d)" + _TIME, re.I),
    # 2020/07/28 | 2020.07.28
    re.compile(r"\b(?P<year>\d{4})(?P<ysep>[/.\-])(?P<nmonth>\d{1,2})(?P=ysep)(?P<day>\d{1,2})\b" + _TIME),
    # 07/28/2020 (US) or 28/07/2020, 28.07.2020
    re.compile(r"\b(?P<first>\d{1,2})(?P<sep>[/.\-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4})\b" + _TIME),
    # 2025. március 14. (Hungarian)
    re.compile(r"\b(?P<year>\d{4})\.?\s+" + _MONTH + r"\s+(?P<day>\d{1,2})\b\.?,?" + _TIME, re.I),
    # 2025年3月14日 10:30 | 2025년 3월 14일 오후 3:30
    re.compile(r"(?<!\d)(?P<year>\d{4})\s*[年년]\s*(?P<nmonth>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})\s*[日일号]" + _CJK_TIME),
    # 2025. 3. 14. 15:30 (Korean, Hungarian)
    re.compile(r"\b(?P<year>\d{4})\.\s+(?P<nmonth>\d{1,2})\.\s+(?P<day>\d{1,2})\b\.?" + _CJK_TIME),
    # 14 tháng 3 năm 2025 (Vietnamese)
    re.compile(r"\b(?P<day>\d{1,2})\s+tháng\s+(?P<nmonth>\d{1,2})[,\s]+(?:năm\s+)?(?P<year>\d{4})\b" + _TIME, re.I),
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
    """A date written for readers ('July 28, 2020', '28 Juli 2020', '14 марта 2025 г.', '2025年3月14日',
    '07/28/2020 11:38', '28 تموز ٢٠٢٠'), in the languages of _MONTH_NAMES; naive."""
    if not _YEARISH.search(text):
        return None  # most texts a page holds (names, titles, labels): no pattern below can match
    text = text.translate(_MARKS)
    for pattern in _HUMAN:
        for match in pattern.finditer(text):
            moment = _moment(match.groupdict())
            if moment is not None:
                return moment
    return None


def _moment(groups: dict[str, str | None]) -> datetime | None:
    """The instant one match of _HUMAN names, or None when it is no date (an unknown month word,
    a 31st of February)."""
    year = int(groups["year"] or 0)
    if groups.get("month"):
        key = _fold(" ".join(groups["month"].split()).rstrip("."))
        day = int(groups["day"] or 0)
        if key in _SOLAR_MONTHS and 1300 <= year < 1500:
            return _from_solar(year, _SOLAR_MONTHS[key], day, groups)
        month = _FOLDED_MONTHS.get(key)
        if month is None:
            return None
    elif groups.get("nmonth"):
        month, day = int(groups["nmonth"] or 0), int(groups["day"] or 0)
    else:
        first, second = int(groups["first"] or 0), int(groups["second"] or 0)
        # month first unless it cannot be (and dotted dates are day first in Europe)
        month, day = (second, first) if first > 12 or groups["sep"] == "." else (first, second)
    try:
        return datetime(year, month, day, *_clock(groups))
    except ValueError:
        return None


def _clock(groups: dict[str, str | None]) -> tuple[int, int]:
    """(hour, minute) of a match, a 12-hour clock read right; (0, 0) when it gives no time."""
    hour, minute = int(groups.get("hour") or 0), int(groups.get("minute") or 0)
    ampm = (groups.get("ampm") or "").lower().replace(".", "")
    if ampm in _PM and hour < 12:
        hour += 12
    elif ampm in _AM and hour == 12:
        hour = 0
    return hour, minute


def _from_solar(year: int, month: int, day: int, groups: dict[str, str | None]) -> datetime | None:
    """A day of the Iranian solar calendar ('۲۴ اسفند ۱۴۰۳') as the Gregorian one (33-year leap rule)."""
    if not 1 <= day <= (31 if month <= 6 else 30):
        return None
    cycle = year + 1595  # the leap years' 33-year cycle counted from its start
    days = 365 * cycle + cycle // 33 * 8 + (cycle % 33 + 3) // 4 + day + (
        (month - 1) * 31 if month <= 6 else 186 + (month - 7) * 30)
    try:
        hour, minute = _clock(groups)
        return datetime.fromordinal(days + _SOLAR_EPOCH).replace(hour=hour, minute=minute)
    except (ValueError, OverflowError):
        return None


_SOLAR_EPOCH = -356033  # 1 Farvardin 1403 is 20 March 2024


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
