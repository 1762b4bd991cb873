"""Date strings from pages and feeds to ISO 8601 instants that keep their UTC offset."""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_datetime(value: str | None) -> datetime | None:
    """Parse ISO 8601 or RFC 822 text; naive when the text gives no offset; None if unparseable."""
    if not value:
        return None
    text = value.strip()
    if _ISO_LIKE.match(text):
        text = text.replace(" ", "T", 1) if "T" not in text and len(text) > 10 else text
        text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


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


def in_zone_of(moment: datetime, reference: datetime | None) -> datetime:
    """`moment` expressed with the UTC offset of `reference` (so feed GMT dates keep the site's offset)."""
    if moment.tzinfo is None or reference is None or reference.tzinfo is None:
        return moment
    return moment.astimezone(reference.tzinfo)


def is_future(moment: datetime, now: datetime | None = None) -> bool:
    """True when an aware `moment` lies after `now` (default: the current UTC time)."""
    if moment.tzinfo is None:
        return False
    return moment > (now or datetime.now(timezone.utc))
