"""When the story was published and last modified, from the page's evidence in a fixed order.

1. JSON-LD: the article node's `datePublished`/`dateModified` (then the WebPage node's);
2. meta tags: `article:published_time`/`article:modified_time` and their kin;
3. hints from the spider (WordPress REST, feed, sitemap);
4. `<time datetime>` and `itemprop` dates in the article's header or meta line, never in comments,
   related posts, sidebars, body prose or a "today is ..." widget; then a date written by the
   headline (the element holding the story's title when no `<h1>` does: a `<legend>`, an `<h2>`),
   also one written relative to the page's fetch time ("3 hours ago", `relative.py`) when the
   caller gave that time;
5. the day in the URL (`/2020/07/28/`);
6. when the page shows only an update ("Updated April 10, 2025", "Last updated on ..."): that day
   stands in for the published one, unless a picture of the story (its `og:image`, an image in
   the article) was uploaded more than three months earlier (`/2019/08/` in its address): then
   the story is older than its update and published is left empty;
7. htmldate's guess, never when it is a day the page gives as its update;
8. a short line led by a publishing label anywhere in the story ("Post time: 01-04-2024" by its
   share buttons), outside chrome and teasers.

A date is an update when its own words, the label before it or its (or its wrapper's) class say
so ("Updated", "Reviewed", "Last modified", `field--name-changed`); its own words count first.
A date in the future is never taken; a lower step is only asked when the ones above found nothing.
A day the story's header shows (unlabelled or "Published"), that the page labels nowhere as an
update and that its metadata gives neither as published nor as modified, wins over the declared
one (a story moved to a new site keeps its day on the page; the metadata stamps the move).
On a page that declares its published date in JSON-LD or microdata only (no `<meta name|property>`
tag for it), a header that shows readers the declared modified day ("Updated June 10, 2025" or
bare) and never the published one (nor does the URL) gives the modified instant: the only day
the page shows is the later one.
Dates in another story's teaser (a link card, a short `<article>` card, one of a row of
`<article>`s) are never the story's.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Iterator

from htmldate import find_date
from lxml import etree

from .dates import MONTHS, get_zone, is_future, parse_datetime, parse_human
from .dom import marker, marker_of, squash
from .evidence import Page, fold_name, in_teaser, iter_text_segments
from .relative import relative_moment

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published", "og:published_time",
    "datepublished", "published_time", "published-date", "published_date", "publish-date", "publish_date",
    "publishdate", "pubdate", "parsely-pub-date", "sailthru.date", "article.published", "article_date_original",
    "publication_date", "original-publish-date", "dc.date.issued", "dcterms.issued", "dcterms.created",
    "dc.date.created", "citation_publication_date", "citation_date", "rnews:datepublished", "date", "dc.date",
    "dcterms.date", "published",
)
MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "article:modified", "og:updated_time", "datemodified",
    "modified_time", "last-modified", "lastmod", "article.updated", "dcterms.modified", "dc.date.modified",
)


class _Cue:
    """Cue words of one kind: the ASCII ones searched in every text, the others (accents, other
    scripts) only in a text that has such letters; the leftmost match of the two."""

    def __init__(self, ascii_words: str, other_words: str) -> None:
        self.ascii, self.other = re.compile(ascii_words, re.I), re.compile(other_words, re.I)

    def search(self, text: str) -> re.Match | None:
        found = self.ascii.search(text)
        if text.isascii():
            return found
        more = self.other.search(text)
        return more if found is None or more is not None and more.start() < found.start() else found


# English, then the languages dates.py reads month names in; the ASCII words grouped by first letter
# (a class or id string of every dated element is searched: one branch a letter keeps that cheap;
# re.I matches Turkish "ı" to "i": "yayinlan" finds "Yayınlanma")
_MODIFIED_CUE = _Cue(
    r"a(?:ctualiz|ggiornat|ktuali[sz]|tualiz)|bijgewerkt|changed|di(?:perbarui|kemas kini)|edited|fact.?checked"
    r"|g(?:ewijzigd|uncelle)|mod(?:ified|ifica(?:d|t[oa]?\b))|op(?:dateret|pdatert)|re(?:vised|viewed)"
    r"|u(?:pdated|ppdaterad)|\bupdate",
    r"geändert|mis à jour|mise à jour|modifié|güncelle|обновл|изменен|оновл|ενημ[εέ]ρ|تحديث|تعديل|روزرسانی|ویرایش"
    r"|עודכן|更新|修改|수정|frissítve|frissítés|módosítva|cập nhật")
_PUBLISHED_CUE = _Cue(
    r"p(?:ubli(?:sh|ca(?:d[oa]|t\b)|ce(?:rad|ret)|sert)|osted|ost-date|ubdate|ubblicat)|entry-date|created"
    r"|released|originally|gepubliceerd|opublikow|di(?:terbitkan|publikasi)|y(?:ayinlan|ayin tarihi)",
    r"veröffentlicht|publié|publikováno|zveřejněno|опубликов|публикац|опублік|публікац"
    r"|δημοσ[ιί]ε[υύ]|نُ?شر|منشور|انتشار|פורסם|公開|掲載|配信|发布|發布|发表|發表|입력|게시|közzétéve|publikálva"
    r"|ngày đăng|đăng lúc")
_DATEISH = re.compile(r"date|time|publish|posted|updated|modified", re.I)
_TODAY = re.compile(r"today|current.?date", re.I)  # a page's "today is ..." widget, no story's date
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # a bare "2024-11-06" under the headline
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
    """'published', 'modified' or '' from, in this order: its itemprop, its own words before the
    date, its class or id, the label before it, the class of its two nearest wrappers."""
    itemprop = element.get("itemprop") or ""
    if itemprop in ("datePublished", "dateCreated"):
        return "published"
    if itemprop == "dateModified":
        return "modified"
    own = _cue(_lead(squash("".join(element.itertext()))))
    if own:
        return own  # the element's own words ("Updated April 10, 2025") over its class name
    cue = marker(element)
    if _PUBLISHED_CUE.search(cue):
        return "published"
    if _MODIFIED_CUE.search(cue):
        return "modified"
    kind = _cue(_label_before(element))
    for ancestor in list(element.iterancestors())[:2] if not kind else []:
        # a bare <time> in a wrapper that names it ("field--name-changed", "post-date")
        cue = marker(ancestor)
        kind = "published" if _PUBLISHED_CUE.search(cue) else "modified" if _MODIFIED_CUE.search(cue) else ""
        if kind:
            break
    return kind


def _cue(label: str) -> str:
    """'modified', 'published' or '' from a label's words: the later cue wins ("Published ...
    Updated" labels the date after it as modified)."""
    modified, published = _MODIFIED_CUE.search(label), _PUBLISHED_CUE.search(label)
    if modified and (not published or modified.start() > published.start()):
        return "modified"
    return "published" if published else ""


def _lead(text: str) -> str:
    """The words in front of the first date in `text` ("Last updated on" in "Last updated on
    Feb 27, 2026"), month and week-day names left out; its first words when it holds no date."""
    match = re.search(r"\d", text)
    dated = match and (parse_human(text) is not None or parse_datetime(text) is not None)
    words = re.findall(r"[^\W\d_]+", text[: match.start()] if dated else text[:30])
    return " ".join(w for w in words if w.lower().rstrip(".") not in MONTHS and w.lower()[:3] not in _WEEKDAYS)


_WEEKDAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}


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


def _is_today(element) -> bool:
    """A "today is Friday, December 19" widget (class or id `todays-date`, `current-date`), in or
    around `element`."""
    around = [element, *list(element.iterancestors())[:3]]
    return any(_TODAY.search(marker(e)) for e in [*element.iter(), *around])


def _in_prose(element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in PROSE:
            return len(squash("".join(ancestor.itertext()))) > 160
        if ancestor.tag in ("article", "main", "body", "header"):
            return False
    return False


_DATE_PROPS = ("datePublished", "dateModified", "dateCreated")  # microdata itemprops that date the story
_DATE_BOXES = {"span", "div", "p", "abbr", "small", "li"}  # elements a theme writes a date in, by class or id
_NO_DATES = {"script", "style", "noscript"}


@lru_cache(maxsize=4096)  # class-and-id strings repeat within a page and across a site's pages
def _dateish(cue: str) -> bool:
    """Does a class-and-id string (dom.marker_of) look like a date's?"""
    return _DATEISH.search(cue) is not None


def header_dates(page: Page, h1=None, shown: bool = False) -> tuple[list[Dated], list[Dated]]:
    """(published, modified) dates shown with the article, in page order; never one in another
    story's teaser (when the headline `h1` is known). `shown`: only those readers see (no
    microdata `<meta itemprop>`)."""
    published: list[Dated] = []
    modified: list[Dated] = []
    neutral: list[Dated] = []
    body_start = _body_start(page)
    # the cheapest tests first: most elements are neither a <time>, nor dated microdata, nor a
    # short box whose class or id looks dated (comments and processing instructions never are)
    for index, element in enumerate(page.tree.iter(etree.Element)):
        tag = element.tag
        if tag == "time":
            pass
        elif tag in _DATE_BOXES:
            if element.get("itemprop") not in _DATE_PROPS:
                names, ident = element.get("class"), element.get("id")
                if not (names or ident) or not _dateish(marker_of(names, ident)) \
                        or len(element) > 3 or element.xpath(".//time|.//*[@itemprop]"):
                    continue
        elif tag in _NO_DATES or element.get("itemprop") not in _DATE_PROPS or tag == "meta" and shown:
            continue
        value = _value(element)
        if not value or page.in_chrome(element) or _in_prose(element) or _is_today(element):
            continue
        if in_teaser(element, h1):
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
    return _header_text_dates(page, h1)[0]


def _header_text_dates(page: Page, h1, fetched: datetime | None = None) -> tuple[Dated | None, Dated | None]:
    """(the first date next to the headline not labelled as an update, the first one that is);
    with the page's fetch time, also one written relative to it ("3 hours ago")."""
    updated: Dated | None = None
    if h1 is None:
        return None, None
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
        if _is_today(parent):
            continue
        moment = parse_human(text) or (parse_datetime(text) if _ISO_DAY.match(text) else None)
        origin = "html"
        if moment is None and fetched is not None:
            moment, origin = relative_moment(text, fetched), "relative"
        if moment is None:
            continue
        moment = _settle_ambiguous(text, moment, page)
        label = _lead(text)
        if not label and distance > 1:  # the label is the piece or two just before ("Updated", "on")
            label = " ".join(squash(str(p)) for p in after[max(distance - 3, 0): distance - 1]
                             if len(squash(str(p))) <= 40)
        holder = parent.getparent() if piece.is_tail else parent
        if _cue(label) == "modified" or holder is not None and _kind(holder) == "modified":
            updated = updated or Dated(moment, origin)
            continue
        return Dated(moment, origin), updated
    return None, updated


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
    """Position (among the tree's elements, in document order) of the story's first long paragraph."""
    for index, element in enumerate(page.tree.iter(etree.Element)):
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


def detected_day(page: Page, now: datetime | None) -> datetime | None:
    """htmldate's guess of the original publication day (it prunes its tree: give it a copy)."""
    try:
        found = find_date(copy.deepcopy(page.tree), extensive_search=True, original_date=True,
                          url=page.url or None, max_date=now.strftime("%Y-%m-%d") if now else None)
    except Exception:  # htmldate must never stop an extraction
        return None
    return parse_datetime(found) if found else None


_TITLE_TEXT = etree.XPath("//body//text()[normalize-space(.) = $title]")


def headline_anchor(page: Page, title: str | None, h1):
    """The element dates are looked for around: the headline `h1`, unless it does not carry the
    story's `title` (a site name, a section heading in the body): then the element whose text is
    the title (a `<legend>`, an `<h2>`), when the page has one outside links and chrome."""
    if not title or h1 is not None and fold_name("".join(h1.itertext())) == fold_name(title):
        return h1
    for text in _TITLE_TEXT(page.tree, title=squash(title))[:5]:
        holder = text.getparent()
        if holder is not None and holder.tag not in ("a", "title", "option", "script") and not page.in_chrome(holder):
            return holder
    return h1


# --- the cascade ------------------------------------------------------------------------------------

def find_dates(page: Page, hints: dict[str, Any], now: datetime | None = None,
               h1=None) -> tuple[Dated | None, Dated | None]:
    """(published, modified), each with its origin; modified only when later than published."""
    now = now or _now(hints)
    origin = hints.get("origin", "feed")
    ld_pub, ld_mod = _pair(page, _jsonld(page, "datePublished"), _jsonld(page, "dateModified"), now)
    meta_pub, meta_mod = _pair(page, _meta(page, PUBLISHED_META), _meta(page, MODIFIED_META), now)
    header_pub, header_mod = header_dates(page, h1)
    header_pub = [d for d in header_pub if not is_future(d.moment, now)]
    header_mod = [d for d in header_mod if not is_future(d.moment, now)]
    shown = header_pub[0] if header_pub else None

    published = ld_pub or meta_pub
    if ld_pub and meta_pub and shown and _day(ld_pub) != _day(meta_pub) and _day(shown) == _day(meta_pub):
        published = meta_pub  # the page's meta tags and its header agree against its JSON-LD
    if published:
        own = _shown_date(page, h1, header_pub, header_mod, now)
        if own and not _agrees(own, published, (ld_pub, meta_pub, ld_mod, meta_mod)):
            # the story's header shows a day its metadata gives neither as published nor as
            # modified (a story moved to a new site, a stale CMS stamp): the day readers see
            published = own
    if published is not None and (ld_mod or meta_mod) and not _published_meta_tag(page):
        published = _shown_update(page, h1, published, (ld_mod, meta_mod), header_pub + header_mod, now) or published
    fetched = _fetched(hints)  # a date written "3 hours ago" is read against it, only here
    text_pub, text_mod = _header_text_dates(page, h1, fetched) if not published else (None, None)
    published = (
        published
        or _first(iter([(hints.get("published_at"), origin)]), now)
        or shown
        or _first(iter([(d.moment, d.origin) for d in [text_pub] if d]), now)
        or _first(iter([(url_day(page.url), "url")]), now)
    )
    modified = (
        ld_mod or meta_mod
        or _first(iter([(hints.get("modified_at"), origin)]), now)
        or (header_mod[0] if header_mod else None)
    )
    if not published:
        text_mod = text_mod if text_mod and not is_future(text_mod.moment, now) else None
        updates = [d for d in (ld_mod, meta_mod, *header_mod, text_mod) if d]
        published = (None if _older_media(page, updates) else _stand_in(text_mod, header_mod, updates)
                     ) or _detected(page, now, updates) or _labelled_date(page, h1, now)
    zone = get_zone(hints.get("timezone"))
    found = (ld_pub, ld_mod, meta_pub, meta_mod, *header_pub, *header_mod)
    stated = _stated(page, *found)
    offsets = [m for m in stated if m.utcoffset()]  # those with an offset other than zero: the site's own
    published = _settle(_same_instant(published, stated), zone, offsets)
    modified = _settle(_same_instant(modified, stated), zone, offsets)
    if published and modified and not _later(modified.moment, published.moment):
        modified = None
    return published, modified


_LABEL_LED = re.compile(
    r"^(?:published|posted|post(?:ed)?\s+(?:time|date|on)|publish(?:ed)?\s+(?:date|on)|date\s+(?:published|posted)"
    r"|date\s*:)\s*(?:on\b)?\s*:?\s*", re.I)
_FIRST_DIGIT = re.compile(r"\d")
_BODY_TEXT = etree.XPath("/html/body/descendant::text()[normalize-space()]")


def _label_end(text: str) -> int | None:
    """Where the publishing label leading `text` ends: an English one of _LABEL_LED, or the up to
    40 characters before its first digit (all of a text without one) when their cue, in any
    language the cues know, is "published" ("Veröffentlicht am 3. März 2025", "نشر بتاريخ:
    الثلاثاء 28 تموز 2020"). None when no such label leads it."""
    match = _LABEL_LED.match(text)
    if match:
        return match.end()
    digit = _FIRST_DIGIT.search(text)
    end = digit.start() if digit else len(text)
    return end if 0 < end <= 40 and _cue(text[:end]) == "published" else None


def _ours(page: Page, piece, h1) -> bool:
    """Is the text `piece` the story's: readable text, not in chrome nor in another story's teaser?"""
    parent = piece.getparent()
    if parent is None or parent.tag in ("script", "style", "noscript", "title", "option", "a"):
        return False
    holder = parent.getparent() if piece.is_tail and parent.getparent() is not None else parent
    return not page.in_chrome(holder) and not in_teaser(holder, h1)


def _labelled_date(page: Page, h1, now: datetime) -> Dated | None:
    """The last resort, when no update stands in and htmldate finds nothing: a short line led by
    a publishing label ("Posted on March 3, 2025", "Post time: 01-04-2024", "Date: 2024-03-05"),
    its date after the label or in the next text piece, anywhere in the story (under it, by its
    share buttons), outside chrome and teasers."""
    pieces = _BODY_TEXT(page.tree)
    for index, piece in enumerate(pieces):
        text = squash(str(piece))
        end = _label_end(text) if len(text) <= 80 else None
        if end is None or not _ours(page, piece, h1):
            continue
        rest = text[end:].strip() or (squash(str(pieces[index + 1])) if index + 1 < len(pieces) else "")
        moment = parse_human(rest[:80])
        if moment is not None and not is_future(moment, now):
            return Dated(_settle_ambiguous(text, moment, page), "html")
    return None


def _shown_date(page: Page, h1, header_pub: list[Dated], header_mod: list[Dated], now: datetime) -> Dated | None:
    """The day the story's header shows readers, unlabelled or labelled as published, when no
    date on the page labels that day an update."""
    text_pub, text_mod = _header_text_dates(page, h1)
    updates = {d.moment.date() for d in (*header_mod, text_mod) if d}
    for dated in (text_pub, header_pub[0] if header_pub else None):
        if dated and not is_future(dated.moment, now) and dated.moment.date() not in updates:
            # the same day in a <time datetime> of the header keeps its hour and offset
            return next((d for d in header_pub if d.moment.date() == dated.moment.date()), dated)
    return None


_MICRODATA_META = etree.XPath("boolean(//meta[@itemprop])")


def _published_meta_tag(page: Page) -> bool:
    """Does the page declare its published date in a `<meta name|property>` tag (not microdata)?"""
    return any((m.get("property") or m.get("name") or "").strip().lower() in PUBLISHED_META
               for m in page.tree.iter("meta"))


def _shown_update(page: Page, h1, declared: Dated, modified: tuple[Dated | None, ...],
                  in_header: list[Dated], now: datetime) -> Dated | None:
    """The declared modified instant when the story's header shows readers its day (as "Updated
    ..." or bare) and nowhere the declared published day, on a page that declares its published
    date in JSON-LD or microdata only: the only day the page shows is the later one."""
    text_pub, text_mod = _header_text_dates(page, h1)
    if _MICRODATA_META(page.tree):  # `in_header` holds dates of `<meta itemprop>`: readers see none
        in_header = [d for dates in header_dates(page, h1, shown=True) for d in dates]
    shown = {d.moment.date() for d in (text_pub, text_mod, *in_header)
             if d and not is_future(d.moment, now)}
    in_url = url_day(page.url)
    if not shown or shown & _days_of(declared) or in_url and in_url.date() in _days_of(declared):
        return None  # the page shows the published day (its address states it too: /2024/03/05/)
    for dated in modified:
        if dated and shown & _days_of(dated) and not _days_of(dated) & _days_of(declared):
            return dated
    return None


def _days_of(dated: Dated) -> set:
    """The instant's day as stated, and in UTC when it has an offset."""
    days = {dated.moment.date()}
    if dated.moment.tzinfo is not None:
        days.add(dated.moment.astimezone(timezone.utc).date())
    return days


def _agrees(shown: Dated, declared: Dated, others) -> bool:
    """Is the shown day the declared instant's day (in its own offset or in UTC, or a day apart:
    a time zone's), or any other day the page states for the story?"""
    shown_days = {shown.moment.date()}
    if shown.moment.day <= 12:
        shown_days.add(shown.moment.date().replace(month=shown.moment.day, day=shown.moment.month))  # 09.10.
    moment = declared.moment
    days = {moment.date()}
    if moment.tzinfo is not None:
        days.add(moment.astimezone(timezone.utc).date())
    if any(abs((day - d).days) <= 1 for d in days for day in shown_days):
        return True
    return any(d is not None and d.moment.date() in shown_days for d in others)


def _pair(page: Page, published, modified, now) -> tuple[Dated | None, Dated | None]:
    """One source's (published, modified); both dropped when modified comes before published."""
    first_published = _first(published, now, human=True)
    first_modified = _first(modified, now, human=True)
    if first_published and first_modified and _later(first_published.moment, first_modified.moment) \
            and not _day_stamp_of(first_modified.moment, first_published.moment):
        return None, None
    return first_published, first_modified


def _day_stamp_of(stamp: datetime, moment: datetime) -> bool:
    """Is `stamp` a bare day ("Thu, 09/25/2025 - 00:00", midnight) that is `moment`'s day? Then
    it is not before `moment`, only less precise (Drupal stamps its update so)."""
    return (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0) and stamp.date() == moment.date()


def _day(dated: Dated) -> str:
    return dated.moment.date().isoformat()


def _stand_in(text_mod: Dated | None, header_mod: list[Dated], updates: list[Dated]) -> Dated | None:
    """The shown "Updated <day>" taken for the published day when nothing else dates the story:
    the one whose day the page's metadata also gives as modified, else the one by the headline."""
    shown = [d for d in (text_mod, *header_mod) if d]
    stated = {d.moment.date() for d in updates if d.origin != "html"}
    chosen = next((d for d in shown if d.moment.date() in stated), shown[0] if shown else None)
    # the same day in a <time datetime> of the header keeps its hour and offset
    return next((d for d in header_mod if chosen and d.moment.date() == chosen.moment.date()), chosen)


_MEDIA_MONTH = re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/")


def _older_media(page: Page, updates: list[Dated]) -> bool:
    """True when the story's picture (`og:image`, `twitter:image`) or an image in the article (not
    in chrome) was uploaded (`/2019/08/` in its address) more than three months before the page's
    update: the story is older than its update (pictures readied the weeks before do not count)."""
    if not updates:
        return False
    year, month = max((d.moment.year, d.moment.month) for d in updates)
    cutoff = (year, month - 3) if month > 3 else (year - 1, month + 9)
    lead = " ".join(page.metas.get("og:image", []) + page.metas.get("twitter:image", []))
    if any((int(y), int(m)) < cutoff for y, m in _MEDIA_MONTH.findall(lead)):
        return True  # the story's own picture is older than its update
    for image in page.tree.iter("img", "source"):
        sources = " ".join(image.get(a) or "" for a in ("src", "data-src", "srcset", "data-srcset", "data-lazy-src"))
        months = [(int(y), int(m)) for y, m in _MEDIA_MONTH.findall(sources)]
        if months and min(months) < cutoff and not page.in_chrome(image):
            return True
    return False


def _detected(page: Page, now: datetime, updates: list[Dated]) -> Dated | None:
    """htmldate's guess, unless it is a bare year or the day the page says it was updated."""
    moment = detected_day(page, now)
    if moment is None or (moment.month, moment.day) == (1, 1):  # a bare year ("© 2024") is no date
        return None
    if any(moment.date() == d.moment.date() for d in updates):
        return None
    return _first(iter([(moment, "detected")]), now)


def _fetched(hints: dict[str, Any]) -> datetime | None:
    """The page's fetch time (`fetched_at`, aware), or None when the caller did not say it: then
    no "3 hours ago" is read (against the clock, an old saved page's would be wrong)."""
    value = hints.get("fetched_at")
    fetched = value if isinstance(value, datetime) else parse_datetime(value) if isinstance(value, str) else None
    return fetched if fetched and fetched.tzinfo else None


def _now(hints: dict[str, Any]) -> datetime | None:
    """The moment dates are judged against (no later date is a publication date): the `now`
    hint, else the page's `fetched_at`; None (nothing is future) without either: no clock here."""
    if isinstance(hints.get("now"), datetime):
        return hints["now"]
    return _fetched(hints)


def _stated(page: Page, *found: Dated | None) -> list[datetime]:
    """Every instant the page states with an offset (zero included): its metadata, header dates
    and `<time datetime>` values."""
    stated = [d.moment for d in found if d and d.moment.tzinfo is not None]
    for value in page.tree.xpath("//time/@datetime")[:50]:
        moment = parse_datetime(value)
        if moment is not None and moment.tzinfo is not None:
            stated.append(moment)
    return stated


def _same_instant(dated: Dated | None, stated: list[datetime]) -> Dated | None:
    """A naive time ('2023-04-28T19:20:36') that the page states elsewhere with its offset
    ('2023-04-28T19:20:36+02:00') keeps that offset: the same wall clock to the minute, read
    where it is written out in full."""
    if dated is None or dated.moment.tzinfo is not None or not (dated.moment.hour or dated.moment.minute):
        return dated
    wall = dated.moment.replace(second=0, microsecond=0)
    for moment in stated:
        if moment.replace(tzinfo=None, second=0, microsecond=0) == wall:
            return Dated(dated.moment.replace(tzinfo=moment.tzinfo), dated.origin)
    return dated


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
