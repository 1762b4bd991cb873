"""When the story was published and last modified, from the page's evidence in a fixed order.

1. JSON-LD: the article node's `datePublished`/`dateModified` (then the WebPage node's);
2. meta tags: `article:published_time`/`article:modified_time` and their kin;
3. hints from the spider (WordPress REST, feed, sitemap);
4. `<time datetime>` and `itemprop` dates in the article's header or meta line, never in comments,
   related posts, sidebars or body prose;
5. the day in the URL (`/2020/07/28/`), then htmldate's guess.

A date in the future is never taken; a lower step is only asked when the ones above found nothing.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator

from htmldate import find_date

from .dates import MONTHS, get_zone, is_future, parse_datetime, parse_human
from .evidence import Page, iter_text_segments, squash

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published", "og:published_time",
    "datepublished", "published_time", "published-date", "published_date", "publish-date", "publish_date",
    "publishdate", "pubdate", "parsely-pub-date", "sailthru.date", "article.published", "article_date_original",
    "publication_date", "original-publish-date", "dc.date.issued", "dcterms.issued", "dcterms.created",
    "dc.date.created", "citation_publication_date", "citation_date", "rnews:datepublished", "date", "dc.date",
    "dcterms.date",
)
MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "article:modified", "og:updated_time", "datemodified",
    "modified_time", "last-modified", "lastmod", "article.updated", "dcterms.modified", "dc.date.modified",
)
_MODIFIED_CUE = re.compile(r"updated|modified|\bupdate|revised|reviewed|edited|fact.?checked", re.I)
_PUBLISHED_CUE = re.compile(r"publish|posted|entry-date|post-date|pubdate|created|released|originally", re.I)
_DATEISH = re.compile(r"date|time|publish|posted|updated|modified", re.I)
_URL_DAY = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)")
PROSE = {"p", "li", "td", "dd", "blockquote"}


@dataclass
class Dated:
    moment: datetime
    origin: str


def _first(values: Iterator[tuple[Any, str]], now: datetime, human: bool = False) -> Dated | None:
    for value, origin in values:
        moment = value if isinstance(value, datetime) else parse_datetime(value, human=human)
        if moment is not None and not is_future(moment, now) and moment.year >= 1990:
            return Dated(moment, origin)
    return None


def _jsonld(page: Page, key: str) -> Iterator[tuple[Any, str]]:
    for node in page.ld_articles + page.ld_pages:
        value = node.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                yield item, "jsonld"


def _meta(page: Page, names: tuple[str, ...]) -> Iterator[tuple[Any, str]]:
    for name in names:
        for value in page.metas.get(name, []):
            yield value, "meta"


# --- the article header ---------------------------------------------------------------------------

def _kind(element) -> str:
    """'published', 'modified' or '' from the element's markup and the label before it."""
    itemprop = element.get("itemprop") or ""
    if itemprop in ("datePublished", "dateCreated"):
        return "published"
    if itemprop == "dateModified":
        return "modified"
    marker = f"{element.get('class', '')} {element.get('id', '')}"
    if _PUBLISHED_CUE.search(marker):
        return "published"
    if _MODIFIED_CUE.search(marker):
        return "modified"
    label = _label_before(element) + " " + squash("".join(element.itertext()))[:30]
    modified, published = _MODIFIED_CUE.search(label), _PUBLISHED_CUE.search(label)
    if modified and (not published or modified.start() > published.start()):
        return "modified"
    return "published" if published else ""


def _label_before(element) -> str:
    """The few words in front of `element` inside its parent ("Updated:", "Published on")."""
    parent = element.getparent()
    if parent is None:
        return ""
    pieces = [parent.text or ""]
    for child in parent:
        if child is element:
            break
        text = "".join(child.itertext()) if isinstance(child.tag, str) else ""
        pieces.append(text + (child.tail or ""))
    previous = element.getprevious()
    if previous is None and not "".join(pieces).strip():
        grand = parent.getparent()
        before = parent.getprevious()
        if grand is not None and before is not None and isinstance(before.tag, str):
            pieces.append("".join(before.itertext()))
    return squash("".join(pieces))[-40:]


def _value(element) -> str | None:
    for attr in ("datetime", "content", "title", "data-date", "data-datetime"):
        value = element.get(attr)
        if value and re.search(r"\d{4}", value):
            return value
    text = " ".join(iter_text_segments(element))
    return text if 6 <= len(text) <= 80 else None


def _in_prose(element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in PROSE:
            return len(squash("".join(ancestor.itertext()))) > 160
        if ancestor.tag in ("article", "main", "body", "header"):
            return False
    return False


def header_dates(page: Page) -> tuple[list[Dated], list[Dated]]:
    """(published, modified) dates shown with the article, in page order."""
    published: list[Dated] = []
    modified: list[Dated] = []
    neutral: list[Dated] = []
    body_start = _body_start(page)
    for index, element in enumerate(page.tree.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        itemprop = element.get("itemprop") or "" if tag else ""
        if not tag or tag in ("script", "style", "noscript") or (tag == "meta" and not itemprop):
            continue
        is_time = tag == "time" or itemprop in ("datePublished", "dateModified", "dateCreated")
        if not is_time and not (tag in ("span", "div", "p", "abbr", "small", "li") and _DATEISH.search(
                f"{element.get('class', '')} {element.get('id', '')}") and len(element) <= 3
                and not element.xpath(".//time|.//*[@itemprop]")):
            continue
        value = _value(element)
        if not value or page.in_chrome(element) or _in_prose(element):
            continue
        kind = _kind(element)
        if index > body_start and not kind:
            continue  # an unlabelled date below the story's start is not the story's date
        moment = parse_datetime(value, human=True)
        if moment is None and tag == "time":
            moment = parse_datetime(squash("".join(element.itertext())), human=True)
        if moment is None:
            continue
        moment = _settle_ambiguous(value, moment, page)
        {"published": published, "modified": modified, "": neutral}[kind].append(Dated(moment, "html"))
    return published + neutral, modified


def header_text_date(page: Page, h1) -> Dated | None:
    """A date written next to the headline ("March 3, 2025", "Published: 03.03.2025") in the few
    text pieces around the `<h1>`, before the story's text starts; never one labelled "Updated"."""
    if h1 is None:
        return None
    before = h1.xpath("preceding::text()[normalize-space()][position() <= 3]")
    after = h1.xpath("following::text()[normalize-space()][position() <= 30]")
    long_pieces = 0
    for distance, piece in [*((-i, p) for i, p in enumerate(before, 1)), *enumerate(after, 1)]:
        text = squash(str(piece))
        parent = piece.getparent()
        if parent is None or parent.tag in ("script", "style", "noscript", "a") and distance < 0:
            continue
        if len(text) > 150 and distance > 0:
            long_pieces += 1
            if long_pieces >= 2:
                break
        if len(text) > 80 or parent.tag in ("script", "style", "noscript") or page.in_chrome(parent):
            continue
        moment = parse_human(text)
        if moment is None:
            continue
        label = text if re.search(r"[^\W\d_]{4,}", text.split(str(moment.year))[0]) else ""
        if not label and distance > 1:
            label = squash(str(after[distance - 2])) if distance >= 2 else ""
        if _MODIFIED_CUE.search(label) and not _PUBLISHED_CUE.search(label):
            continue
        return Dated(moment, "html")
    return None


_AMBIGUOUS = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{4}\b")
_URL_MONTH_DAY = re.compile(r"/((?:19|20)\d{2})/([a-z]{3,9})/(\d{1,2})(?:/|$)", re.I)


def _settle_ambiguous(text: str, moment: datetime, page: Page) -> datetime:
    """'03/10/2023' is read month first unless the page says otherwise elsewhere: the other
    reading is taken when it is the day in the URL or in the page's own machine-readable dates."""
    match = _AMBIGUOUS.search(text)
    if not match or int(match[1]) > 12 or int(match[2]) > 12 or match[1] == match[2]:
        return moment
    try:
        other = moment.replace(month=moment.day, day=moment.month)
    except ValueError:
        return moment
    days = {d.date() for d in _page_days(page)}
    return other if other.date() in days and moment.date() not in days else moment


def _page_days(page: Page) -> list[datetime]:
    found = [m for m in (parse_datetime(v) for v in page.tree.xpath("//time/@datetime")[:50]) if m]
    day = url_day(page.url)
    if day:
        found.append(day)
    named = _URL_MONTH_DAY.search(page.url or "")
    if named and named[2].lower() in MONTHS:
        try:
            found.append(datetime(int(named[1]), MONTHS[named[2].lower()], int(named[3])))
        except ValueError:
            pass
    return found


def _body_start(page: Page) -> int:
    """Position (in `tree.iter()` order) of the story's first long paragraph."""
    for index, element in enumerate(page.tree.iter()):
        if element.tag == "p" and len(squash("".join(element.itertext()))) > 200 and not page.in_chrome(element):
            return index
    return 1 << 30


def url_day(url: str) -> datetime | None:
    match = _URL_DAY.search(url or "")
    if not match:
        return None
    try:
        return datetime(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def detected_day(page: Page, now: datetime) -> datetime | None:
    """htmldate's guess of the original publication day (it prunes its tree: give it a copy)."""
    try:
        found = find_date(copy.deepcopy(page.tree), extensive_search=True, original_date=True,
                          url=page.url or None, max_date=now.strftime("%Y-%m-%d"))
    except Exception:  # htmldate must never stop an extraction
        return None
    return parse_datetime(found) if found else None


# --- the cascade ------------------------------------------------------------------------------------

def find_dates(page: Page, hints: dict[str, Any], now: datetime | None = None,
               h1=None) -> tuple[Dated | None, Dated | None]:
    """(published, modified), each with its origin; modified only when later than published."""
    now = now or _now(hints)
    origin = hints.get("origin", "feed")
    ld_pub, ld_mod = _pair(page, _jsonld(page, "datePublished"), _jsonld(page, "dateModified"), now)
    meta_pub, meta_mod = _pair(page, _meta(page, PUBLISHED_META), _meta(page, MODIFIED_META), now)
    header_pub, header_mod = header_dates(page)
    header_pub = [d for d in header_pub if not is_future(d.moment, now)]
    header_mod = [d for d in header_mod if not is_future(d.moment, now)]
    shown = header_pub[0] if header_pub else None

    published = ld_pub or meta_pub
    if ld_pub and meta_pub and shown and _day(ld_pub) != _day(meta_pub) and _day(shown) == _day(meta_pub):
        published = meta_pub  # the page's meta tags and its header agree against its JSON-LD
    stamped = (published is ld_pub and ld_mod) or (published is meta_pub and meta_mod)
    if published and stamped and stamped.moment == published.moment and shown and _day(shown) < _day(published):
        # published == modified to the second is a last-saved stamp; the header shows the real day
        published = shown
    published = (
        published
        or _first(iter([(hints.get("published_at"), origin)]), now)
        or shown
        or _first(_jsonld(page, "dateCreated"), now, human=True)
        or _first(iter([(d.moment, d.origin) for d in [header_text_date(page, h1)] if d]), now)
        or _first(iter([(url_day(page.url), "url")]), now)
        or _detected(page, now)
    )
    modified = (
        ld_mod or meta_mod
        or _first(iter([(hints.get("modified_at"), origin)]), now)
        or (header_mod[0] if header_mod else None)
    )
    zone = get_zone(hints.get("timezone"))
    offsets = _site_offsets(page, ld_pub, ld_mod, meta_pub, meta_mod, *header_pub, *header_mod)
    published = _settle(published, zone, offsets)
    modified = _settle(modified, zone, offsets)
    if published and modified and not _later(modified.moment, published.moment):
        modified = None
    return published, modified


def _pair(page: Page, published, modified, now) -> tuple[Dated | None, Dated | None]:
    """One source's (published, modified); both dropped when modified comes before published."""
    first_published = _first(published, now, human=True)
    first_modified = _first(modified, now, human=True)
    if first_published and first_modified and _later(first_published.moment, first_modified.moment):
        return None, None
    return first_published, first_modified


def _day(dated: Dated) -> str:
    return dated.moment.date().isoformat()


def _detected(page: Page, now: datetime) -> Dated | None:
    moment = detected_day(page, now)
    if moment is None or (moment.month, moment.day) == (1, 1):  # a bare year ("© 2024") is no date
        return None
    return _first(iter([(moment, "detected")]), now)


def _now(hints: dict[str, Any]) -> datetime:
    fetched = parse_datetime(hints.get("fetched_at")) if isinstance(hints.get("fetched_at"), str) else None
    return fetched if fetched and fetched.tzinfo else datetime.now(timezone.utc)


def _site_offsets(page: Page, *found: Dated | None) -> list[datetime]:
    """Instants the page states with a UTC offset other than zero: the site's own offset."""
    stated = [d.moment for d in found if d and d.moment.tzinfo is not None]
    for value in page.tree.xpath("//time/@datetime")[:50]:
        moment = parse_datetime(value)
        if moment is not None and moment.tzinfo is not None:
            stated.append(moment)
    return [m for m in stated if m.utcoffset()]


def _settle(dated: Dated | None, zone, offsets: list[datetime]) -> Dated | None:
    """Offsets: an instant given in UTC (or by a hint) is expressed in the site's offset when the
    page states one; naive ones get the source's zone, else are marked naive."""
    if dated is None:
        return None
    moment, origin = dated.moment, dated.origin
    if moment.tzinfo is not None and offsets and (not moment.utcoffset() or origin not in ("jsonld", "meta", "html")):
        nearest = min(offsets, key=lambda m: abs((m - moment).total_seconds()))
        moment = moment.astimezone(nearest.tzinfo)
    if moment.tzinfo is None:
        if zone is not None:
            moment = moment.replace(tzinfo=zone)
        else:
            origin += "+naive"
    return Dated(moment, origin)


def _later(modified: datetime, published: datetime) -> bool:
    if (modified.tzinfo is None) != (published.tzinfo is None):
        modified, published = modified.replace(tzinfo=None), published.replace(tzinfo=None)
    return modified > published


__all__ = ["Dated", "find_dates", "header_dates", "url_day", "parse_human"]
