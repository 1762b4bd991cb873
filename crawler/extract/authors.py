"""The story's authors: JSON-LD people, meta tags, hints, then the byline in the article.

Every candidate goes through `clean_author`: "By"/"Written by" prefixes, dates, roles and
credentials are stripped, "A and B" / "A, B" split, and what is left must look like a name
(never an email, URL, "View all posts", a login, a social network, or the site's own name).
An organisation is an author only when no person is named anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree

from .dates import parse_datetime, parse_human
from .dom import marker, marker_of, squash, token_words, tokens
from .evidence import TERM_HREF, Page, fold_name, in_teaser, iter_text_segments, types_of, unescape
from .vocabulary import CHROME_PHRASES, OTHERS_WORDS

BYLINE_PREFIX = re.compile(
    r"^\s*(?:(?:article|story|post|words|text|reporting|report)\s+)?"
    r"(?:written\s+by|authored\s+by|posted\s+by|published\s+by|created\s+by|article\s+by|by|authors?|writers?|"
    r"contributors?|von|par|por|door|av|di|autor(?:in)?|كتب|بقلم|بواسطة)\b\s*[:\-–—]?\s*",
    re.I,
)
_SEPARATOR = re.compile(r"\s*[·•⋅|]\s*")
# "Jane Doe on behalf of the Docs Group": the name ends there.
ON_BEHALF = re.compile(r"\bon\s+behalf\s+of\b", re.I)
# "This post was written by Jane Doe": a short lead-in before the label.
WRITTEN_BY = re.compile(r"^(?:this|the)\s+(?:[\w-]+\s+)?(?:post|article|story|piece|guide|review|blog|entry)\s+"
                        r"(?:was|is|has\s+been)\s+(?:originally\s+)?(?:written|authored|contributed)\s+by\b\s*:?\s*",
                        re.I)
# Someone other than the author: the name after these is skipped, and the byline ends there.
OTHER_ROLE = re.compile(
    r"\b(?:updated|reviewed|fact[- ]?checked|edited|medically\s+reviewed|photos?|photography|illustrations?|"
    r"video|produced|translated|additional\s+reporting|contributions?|sponsored|presented|in\s+partnership|"
    r"expert\s+reviewed|verified)\s+(?:by|with)\b",
    re.I,
)
# Labels of other byline parts (dates, reading time, links): the byline's names end there.
META_LABEL = re.compile(
    r"\b(?:published|posted|updated|last\s+updated|modified|reviewed|read\s+more|more\s+from|more\s+about|"
    r"view\s+all|see\s+all|all\s+posts|follow|share|min(?:ute)?s?\s+read|read\s+time)\b|[·•⋅|]",
    re.I,
)
VIEW_ALL = re.compile(r"^(?:view|see|read|browse)\s+all\s+(?:of\s+(?P<a>.+?)['’]s?\s+(?:posts|articles|stories)"
                      r"|(?:posts|articles|stories)\s+by\s+(?P<b>.+?))\.?$", re.I)
_BRACKETS = re.compile(r"\s*\([^()]*\)")
NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\+|\band\b|\bund\b|\bet\b|\by\b|،|\|)\s*", re.I)
CONJUNCTION = re.compile(r"^(?:,|;|&|\+|and|und|et|y|،|with)$", re.I)
# Degrees and credentials that follow a name ("Jane Doe, PhD", "RD", "E-RYT 200").
CREDENTIAL = re.compile(
    r"^(?:[A-Z]{1,6}(?:[-/][A-Z]{1,6})*|\d{2,4}|(?:[A-Z][a-z]?\.){1,4}[A-Z]?\.?|Ph\.?\s?D\.?|M\.?\s?D\.?|"
    r"Dr\.?|Jr\.?|Sr\.?|MSc|BSc|MBA|MPH|MA|BA|MS|BS|RN|PharmD|DPhil|Esq\.?)$"
)
# Job titles: a part with one of these is a role, not a name ("Senior Editor", "Head of Marketing").
ROLE_WORDS = {
    "writer", "editor", "reporter", "correspondent", "columnist", "contributor", "contributing", "founder",
    "co-founder", "cofounder", "ceo", "cto", "cmo", "coo", "cfo", "president", "director", "manager", "senior",
    "associate", "assistant", "deputy", "executive", "specialist", "strategist", "expert", "consultant", "analyst",
    "marketer", "reviewer", "producer", "journalist", "blogger", "freelance", "freelancer", "intern", "dietitian",
    "nutritionist", "trainer", "instructor", "professor", "researcher", "scientist", "engineer", "developer",
    "designer", "photographer", "officer", "vp", "advisor", "adviser", "copywriter", "therapist", "physician",
    "chief", "head", "architect", "marketing", "former", "partner", "owner", "lead", "principal", "coordinator",
    "educator", "horticulturist", "horticulturalist", "representative", "ambassador", "attorney", "lawyer",
}
# Words that never occur in a name: navigation, page furniture, sections.
NOT_NAME_WORDS = {
    "admin", "administrator", "webmaster", "guest", "unknown", "undefined", "null", "none", "anonymous",
    "user", "home", "about", "contact", "facebook", "twitter", "linkedin", "instagram", "pinterest",
    "youtube", "tiktok", "reddit", "whatsapp", "email", "e-mail", "rss", "threads", "bluesky", "mastodon",
    "telegram", "print", "share", "follow", "more", "posts", "articles", "bio", "profile", "website", "reply",
    "comments", "comment", "advertisement", "sponsored", "published", "updated", "written", "read", "min",
    "menu", "search", "subscribe", "login", "logout", "log", "sign", "register", "account", "member", "members",
    "privacy", "policy", "terms", "cookie", "cookies", "newsletter", "category", "categories", "topic", "topics",
    "tag", "tags", "edition", "view", "review", "reviews", "powered", "copyright", "rights", "reserved", "skip",
    "content", "download", "app", "help", "support", "click", "here", "back", "next", "previous", "top",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu",
    "fri", "sat", "sun", "today", "yesterday", "ago", "listen", "audio", "podcast", "watch", "video",
    "originally", "accept", "learn", "guide", "guides", "wellness", "resources", "insights", "size",
}
NOT_NAMES = {"x", "by", "editor", "editors", "author", "authors", "team", "staff", "the author", "about the author",
             "our team", "editorial team", "editorial staff", "sign in"}
# After the site's name, these make an author the site itself ("Acme Editorial Team").
SITE_DESK_WORDS = ("editorialteam", "editorialstaff", "editors", "editorial", "official", "admin", "blog")
# A team signs a story only when no person does.
TEAM_NAME = re.compile(r"\b(?:team|staff|editors|editorial|newsroom|desk|contributors?)\b", re.I)
PARTICLES = {"van", "der", "den", "de", "la", "le", "da", "di", "von", "bin", "ibn", "al", "el", "du", "dos",
             "das", "del", "della", "ten", "ter", "y", "zu", "st.", "mc", "mac", "o'", "d'", "of", "the"}
_DATE_TAIL = re.compile(r"(?:\s*[-–—|•·,]\s*|\s+on\s+|\s+)(?:\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}|"
                        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
                        r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b).*$", re.I)


@dataclass(frozen=True)
class Site:
    """What the site calls itself (folded): a name equal to these is the site, not an author."""

    declared: frozenset[str] = frozenset()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, page: Page) -> "Site":
        return cls(frozenset(page.declared_site_names), frozenset(page.host_names))

    def owns(self, name: str, organisation: bool = False) -> bool:
        """True when `name` is the site or its team ("Acme", "Acme Editorial Team"). What reads as
        a person's name ("Jane Doe" on janedoe.com, or a site called "Jane Doe") is a one-person
        site's author, unless it is declared an organisation."""
        folded = fold_name(name)
        if not organisation and _personal(name):
            return False
        for site in self.declared | self.hosts:
            if not site:
                continue
            if folded == site or (folded.startswith(site) and folded[len(site):] in SITE_DESK_WORDS):
                return True  # "Acme", "Acme Editorial Team" (the site's desk; "Acme Team" may sign stories)
        return False


# Words that make a name an organisation's rather than a person's.
ORG_WORDS = {
    "inc", "llc", "ltd", "co", "corp", "company", "group", "media", "news", "team", "store", "shop", "bank", "care",
    "construction", "marketing", "social", "strategies", "renovation", "online", "global", "security", "solutions",
    "dental", "studio", "studios", "labs", "lab", "digital", "agency", "services", "service", "teacher", "journey",
    "handmade", "light", "remodel", "hall", "wild", "network", "magazine", "press", "daily", "times", "post",
    "journal", "review", "blog", "university", "college", "school", "institute", "foundation", "association",
    "center", "centre", "clinic", "health", "travel", "foods", "coffee", "design", "designs", "photography", "on",
    "the", "we", "your", "my", "our", "top", "best", "canada", "america", "usa", "uk", "official", "hq", "world",
    "makers", "books", "pc", "dentistry", "tips", "financial", "planted", "kitchen", "home", "homes", "outdoors",
}


def _personal(name: str) -> bool:
    """Does `name` read as a person's ("Rick Steves", "Anna de la Cruz"), not an organisation's?"""
    words = name.split()
    return (2 <= len(words) <= 4 and all(w[:1].isupper() or w.lower() in PARTICLES for w in words)
            and not any(w.lower().strip(".,") in ORG_WORDS for w in words)
            and not any(ch.isdigit() for ch in name))


def split_names(text: str) -> list[str]:
    """'A, B and C' -> ['A', 'B', 'C']; after the first name, credential and role parts
    ('PhD', 'Senior Editor') are dropped, and so are remarks in brackets. The bench splits the
    truth with this same rule."""
    text = _BRACKETS.sub(" ", squash(text))
    parts = [p.strip(" .:-–—|\"'“”‘’") for p in NAME_SPLIT.split(text)]
    parts = [p for p in parts if p]
    return parts[:1] + [p for p in parts[1:] if not _is_credential(p) and not _is_role(p)]


def _is_credential(part: str) -> bool:
    return all(CREDENTIAL.match(token) for token in part.replace("®", "").split())


def _is_role(part: str) -> bool:
    words = [word.strip(".,()").lower() for word in part.split()]
    return any(word in ROLE_WORDS or (word.endswith("s") and word[:-1] in ROLE_WORDS) for word in words)


def looks_like_name(text: str, strict: bool = True, login: bool = False) -> bool:
    """Could `text` be a person's (or a team's) name as printed in a byline? `strict` (for text
    read off the page) also wants capitalised words; declared names may be lower-case."""
    if not 2 <= len(text) <= 50 or any(ch.isdigit() for ch in text) or re.search(r"[@/\\<>{}=?!:;#*®™©]|://", text):
        return False
    if re.search(r"[a-z]\.[a-z]", text) and (not login or "author" in text.lower()):
        return False  # "page.head.author", "jane.doe": a template key or a login, not a name
    words = text.split()
    lowered = [w.strip(".,()'’").lower() for w in words]
    if not 1 <= len(words) <= 5 or text.lower() in NOT_NAMES or any(w in NOT_NAME_WORDS for w in lowered):
        return False
    if len(words) == 1 and ((text.islower() and not login) or (text.isupper() and len(text) <= 3)):
        return False  # a login ("jsmith") or an avatar's initials ("CM")
    lower = [w for w in words if w.strip("(\"'“”‘’")[:1].isalpha() and w.strip("(\"'“”‘’")[:1].islower()
             and w.strip("(\"'“”‘’").lower() not in PARTICLES]
    if lower and (strict or len(lower) < len(words)):
        return False  # "Years in the Moving Industry"; a declared name may be all lower-case
    if words[-1].endswith(".") and len(words[-1]) > 3 and not CREDENTIAL.match(words[-1]):
        return False  # the end of a sentence, not an initial
    return parse_human(text) is None


def _strip_role_tail(name: str) -> str:
    """'Keith Barry Senior Autos Reporter' -> 'Keith Barry'; 'David Jackson - FullStack Team' -> 'David Jackson'."""
    head = re.split(r"\s+[-–—]\s+", name, maxsplit=1)[0]
    words = head.split()
    for index, word in enumerate(words):
        if index >= 2 and word.strip(".,").lower() in ROLE_WORDS:
            return " ".join(words[:index])
    return head


def _after_date(text: str) -> str:
    """'Dec. 19, 2025 · Jane Doe': the name after a date and a separator."""
    parts = _SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 2 and parts[1] and parse_human(parts[0]) is not None:
        return parts[1]
    return text


def _drop_role_groups(text: str) -> str:
    """'Jane Doe, Head of Marketing and Community Development' -> 'Jane Doe': a comma group after
    the first that begins or ends with a job title (or is all lower-case: "gastroenterologist") is
    the role, "and" and all; what follows it is the employer."""
    groups = re.split(r"\s*[,;]\s*", text)
    kept = groups[:1]
    for group in groups[1:]:
        parts = [p for p in NAME_SPLIT.split(group) if p.strip()]
        if parts and (_is_role(parts[0]) or _is_role(parts[-1]) or group.islower()):
            break  # the role, and the employer after it
        kept.append(group)
    return ", ".join(kept)


def clean_author(raw: str, site: Site = Site(), strict: bool = True, organisation: bool = False,
                 login: bool = False) -> list[str]:
    """Names in one byline string: prefixes, dates, roles, credentials and non-names removed.
    `login` also accepts a bare user name ("jsmith"), for a page that declares nothing better."""
    if type(raw) is not str:
        raw = str(raw)  # an lxml "smart" string holds its element, and so its tree: never kept
    return list(_cleaned(raw, site, strict, organisation, login))


@lru_cache(maxsize=4096)  # byline pieces ("By", a date, the names) repeat on a page and across a site
def _cleaned(raw: str, site: Site, strict: bool, organisation: bool, login: bool) -> tuple[str, ...]:
    """clean_author's names, remembered (a tuple: callers get a list of their own)."""
    return tuple(_clean_author(raw, site, strict, organisation, login))


def _clean_author(raw: str, site: Site, strict: bool, organisation: bool, login: bool) -> list[str]:
    text = squash(unescape(raw))
    if re.fullmatch(r"[\[(\"'“‘].*[\])\"'”’]", text):
        text = text[1:-1].strip(" \"'“”‘’")  # ['Jane Doe'] or "Jane Doe"
    view_all = VIEW_ALL.match(text)
    if view_all:
        text = view_all["a"] or view_all["b"]
    text = BYLINE_PREFIX.sub("", text, count=1)
    text = WRITTEN_BY.sub("", text, count=1)
    text = _after_date(text)
    for pattern in (OTHER_ROLE, META_LABEL, ON_BEHALF):
        cut = pattern.search(text)
        if cut and cut.start() > 0:
            text = text[: cut.start()]
    text = _drop_role_groups(_DATE_TAIL.sub("", text))
    names = []
    parts = [_strip_role_tail(BYLINE_PREFIX.sub("", part, count=1)).strip(" .,-–—|\"'“”‘’")
             for part in split_names(text)]
    if any(part.lower() in NOT_NAME_WORDS for part in parts):
        parts = [part for part in parts if " " in part]  # "Wellness & Prevention": a section, not two names
    rejected = False
    for part in parts:
        if (looks_like_name(part, strict, login) and not _is_role(part) and not site.owns(part, organisation)
                and part not in names):
            names.append(part)
        elif not looks_like_name(part, strict, login):
            rejected = True
    if rejected and len(parts) > 1:
        # "Center for Drug Evaluation and Research": one organisation's name split at "and"
        names = [name for name in names if " " in name]
    return names


# --- sources -------------------------------------------------------------------------------------

def jsonld_authors(page: Page, login: bool = False) -> tuple[list[str], list[str]]:
    """(people, organisations) named as the author of the page's article node."""
    site = Site.of(page)
    people: list[str] = []
    orgs: list[str] = []
    for node in page.ld_articles[:1] or [n for n in page.ld_pages if n.get("author")][:1]:
        value = node.get("author") or node.get("creator")
        for item in value if isinstance(value, list) else [value]:
            item = page.resolve(item)
            if isinstance(item, str):
                people.extend(clean_author(item, site, strict=False, login=login))
            elif isinstance(item, dict):
                name = item.get("name")
                if isinstance(name, list):
                    name = " and ".join(str(n) for n in name)
                if not isinstance(name, str):
                    continue
                kinds = types_of(item)
                if "person" not in kinds and kinds & {"organization", "corporation", "newsmediaorganization",
                                                      "website", "brand", "localbusiness"}:
                    orgs.extend(clean_author(name, site, strict=False, organisation=True))
                else:
                    people.extend(clean_author(name, site, strict=False, login=login))
    return list(dict.fromkeys(people)), list(dict.fromkeys(orgs))


META_AUTHOR = ("author", "article:author", "og:article:author", "dc.creator", "dcterms.creator", "parsely-author",
               "sailthru.author", "byl", "citation_author", "twitter:data1")


def meta_authors(page: Page, login: bool = False) -> list[str]:
    site = Site.of(page)
    names: list[str] = []
    for key in META_AUTHOR:
        for value in page.meta_all(key):
            if key == "twitter:data1" and (page.meta("twitter:label1") or "").lower() not in ("written by", "author"):
                continue
            if "://" in value or value.startswith("@"):
                continue
            if key == "citation_author" and value.count(",") == 1:
                last, first = value.split(",")
                value = f"{first.strip()} {last.strip()}"  # "Doe, Jane" -> "Jane Doe"
            names.extend(n for n in clean_author(value, site, strict=False, login=login) if n not in names)
        if names:
            break
    return names


AUTHORISH = re.compile(r"author|byline|by-line|writer|contributor|posted-?by|creator", re.I)
# Words of a class that mark a part of an author block other than the name.
NOT_BYLINE_WORDS = {"bio", "biography", "desc", "description", "avatar", "img", "image", "photo", "pic", "picture",
                    "thumb", "thumbnail", "social", "follow", "role", "job", "position", "count", "email", "mail",
                    "more", "icon", "share", "date", "time", "comment", "comments", "quote", "pullquote",
                    "testimonial", "review", "reviewer", "checkbox", "form"}


def _not_byline(cue: str) -> bool:
    """'author-image', 'author_bio': a part of the author block other than the name."""
    for token in cue.split():
        words = token_words(token)
        if words and words[-1] in NOT_BYLINE_WORDS:
            return True
    return False


AUTHOR_HREF = re.compile(r"/(?:author|authors|writer|writers|people|staff|contributors?|profiles?|experts?|team|"
                         r"journalists?|columnists?|bio)/[^/?#]+", re.I)
BY_TEXT = re.compile(r"^(?:by|(?:(?:article|post|story)\s+)?written by|posted by|words by|story by|article by|"
                     r"(?:authors?|author\(s\)|contributors?):?$|von|par|por|door|بقلم|كتب)(?:\s|:|$)", re.I)
LABEL_ONLY = re.compile(r"^(?:by|(?:(?:article|post|story)\s+)?written\s+by|posted\s+by|article\s+by|authors?|"
                        r"author\(s\)|writers?|contributors?|autor)\s*:?$", re.I)
NOT_IN = {"figcaption", "blockquote", "cite", "q", "figure", "script", "style", "noscript", "button", "svg",
          "select", "option", "label", "form"}


@lru_cache(maxsize=4096)  # class and id strings repeat on a page and across a site's pages
def _authorish(names: str | None, ident: str | None) -> bool:
    """Do an element's class and id name an author block's name part ('author', 'byline'; not
    'author-bio')?"""
    cue = marker_of(names, ident)
    return bool(cue and AUTHORISH.search(cue) and not _not_byline(cue))


def _candidates(scope) -> list:
    """Elements that may hold a byline, in document order: itemprop/rel author, an author-ish
    class or id, a link to an author page, or text starting "By", "Written by" and the like."""
    found = []
    for element in scope.iter(etree.Element):  # elements only, no comments or processing instructions
        tag = element.tag
        if tag in NOT_IN:
            continue
        get = element.get
        names, ident = get("class"), get("id")
        text = element.text
        if (
            get("itemprop") == "author"
            or "author" in (get("rel") or "").split()
            or ((names or ident) and _authorish(names, ident))
            or (tag == "a" and AUTHOR_HREF.search(get("href") or ""))
            or (text and not text.isspace() and (BY_TEXT.match(text := text.strip()) or WRITTEN_BY.match(text)))
        ):
            found.append(element)
    return found


TERM_LINKS = './/a[contains(concat(" ", normalize-space(@rel), " "), " tag ") or contains(@rel, "category")]'


def byline_names(element, site: Site = Site()) -> list[str]:
    """The names of one byline element: the first name read in it, and those joined to it by
    "and" or commas; labels ("By", "Published") are skipped, other people ("Edited by") end it."""
    if element.get("itemprop") == "author":
        inner = element.xpath('.//*[@itemprop="name"]')
        if inner:
            value = inner[0].get("content") or " ".join(iter_text_segments(inner[0]))
            return clean_author(value, site)
        if element.get("content"):
            return clean_author(element.get("content"), site)
    terms = {squash("".join(a.itertext())) for a in element.xpath(TERM_LINKS)}
    terms |= {squash("".join(a.itertext())) for a in element.iter("a") if TERM_HREF.search(a.get("href") or "")}
    names: list[str] = []
    expecting_more = False
    skip_next = False
    labelled = False
    marked = element.get("itemprop") == "author" or "author" in (element.get("rel") or "").split() or bool(
        AUTHORISH.search(element.get("class") or ""))
    for segment in iter_text_segments(element):
        if segment in terms:
            continue  # a category or tag link ("By" over the post's categories)
        if OTHER_ROLE.search(segment):
            if names:
                break
            skip_next = not OTHER_ROLE.sub("", segment).strip(" :")
            continue
        if names and CONJUNCTION.match(segment.strip()):
            expecting_more = True
            continue
        found = clean_author(segment, site)
        labelled = labelled or bool(BYLINE_PREFIX.match(segment))
        if not labelled and not marked:
            found = [n for n in found if len(n.split()) > 1]  # a lone word needs "By" or an author mark
        if skip_next:
            skip_next = not found and len(segment) < 4
            continue
        if not found:
            if names:
                break
            continue
        if names and not expecting_more and not re.match(r"^\s*(?:,|and\b|&)", segment, re.I):
            break
        names.extend(n for n in found if n not in names)
        expecting_more = bool(re.search(r"(?:,|\band|&)\s*$", segment, re.I))
    return names


# Chrome that lists other posts, other people or other pages: a name there is never the story's
# author, even when nothing else names one (sidebars, banners and asides may hold its byline).
OTHERS_CHROME = OTHERS_WORDS | {"pagination", "pager"}
MENU_WORDS = {"menu", "menus", "submenu", "dropdown", "megamenu", "nav", "navbar", "navigation", "drawer"}
POSITION_WORDS = {"under", "below", "above", "after", "before", "beneath", "offset", "over"}
_STATE_FLAG = re.compile(r"^(?:has|is|with|no)[A-Z]")  # "hasSlider": a state of the block, not its name


def _lists_others(token: str) -> bool:
    if CHROME_PHRASES.search(token):
        return True
    words = token_words(token)
    if not words or _STATE_FLAG.match(token):
        return False
    if words[0] in POSITION_WORDS:
        return False  # "under-menu", "offset-nav": placed by the menu, not one
    return any(w in OTHERS_CHROME or w in MENU_WORDS for w in (words[0], words[-1]))


def _in_others_chrome(page: Page, element) -> bool:
    """Is `element` in comments, related or recent posts, pagination, a menu or the site's footer?"""
    for container in page.chrome_ancestors(element):
        if container.tag == "main" or container.find(".//h1") is not None:
            continue  # the story's own header or banner, holding its headline
        if page.is_site_footer(container):
            return True
        names = tokens(container)
        if any(_lists_others(token) for token in names):
            if "footer" in " ".join(names).lower() and container.xpath("ancestor::article"):
                continue  # the story's own footer ("article-template-footer")
            return True
    return False


def _linked_authors(element, site: Site) -> list[str]:
    """The names of every author-page link in one byline block, in order, up to a link that
    follows "Reviewed by", "Edited by" and the like ("A, 4+ years covering laptops; B, senior editor")."""
    names: list[str] = []
    text = squash("".join(element.itertext()))
    start = 0
    for link in element.iter("a"):
        if not (AUTHOR_HREF.search(link.get("href") or "") or "author" in (link.get("rel") or "").split()):
            continue
        name = squash("".join(link.itertext()))
        where = text.find(name, start)
        if not name or where < 0 or OTHER_ROLE.search(text[start:where]):
            break
        start = where + len(name)
        names.extend(n for n in clean_author(name, site) if n not in names)
    return names


def _facet_link(element) -> bool:
    """'By Manufacturer' linking to a listing, not to an author's page: a way to browse the site."""
    href = element.get("href")
    return (element.tag == "a" and href is not None and not AUTHOR_HREF.search(href)
            and bool(re.fullmatch(r"by\s+\S+", squash("".join(element.itertext())), re.I)))


def _listed(label, site: Site) -> list[str]:
    """'Author(s)' over a list: a name from each item."""
    following = label.getnext()
    if following is None or following.tag not in ("ul", "ol"):
        return []
    names: list[str] = []
    for item in following.findall("li"):
        names.extend(n for n in clean_author(" ".join(iter_text_segments(item)), site) if n not in names)
    return names


def html_authors(page: Page, scope=None, lenient: bool = False, labelled: bool = False, h1=None) -> list[str]:
    """The first byline inside `scope` (default: the whole page), never in chrome. `lenient`
    also reads bylines in sidebars, banners, asides and site headers (some layouts put the
    story's byline there), but never in comments, related posts or the site's footer.
    `labelled` reads only bylines that start with "By", "Written by" and the like. A team's
    byline is returned only when no person's follows. A byline in another story's teaser (a link
    card, a row of `<article>` cards; `h1` is the story's headline when known) is never read."""
    site = Site.of(page)
    scope = scope if scope is not None else page.tree
    done: set = set()
    team: list[str] = []
    key = ("author-candidates", scope)
    if key not in page.memo:  # several readings per page (strict, labelled, lenient): one scan
        page.memo[key] = _candidates(scope)
    for element in page.memo[key]:
        if any(a in done for a in element.iterancestors()):
            continue
        if _in_others_chrome(page, element) if lenient else page.in_chrome(element):
            continue
        if any(a.tag in NOT_IN for a in element.iterancestors()) or in_teaser(element, h1):
            continue
        text = squash("".join(element.itertext()))
        if labelled and not BY_TEXT.match(text):
            continue
        marked = AUTHORISH.search(marker(element)) or element.get("itemprop")
        if len(text) > (600 if marked else 120):
            continue  # an author block may carry a bio; a bare "By ..." line is short
        done.add(element)
        names_key = ("byline-names", element)
        if names_key not in page.memo:  # read once a page, however many readings reach it
            page.memo[names_key] = _byline_block(element, text, site)
        names = list(page.memo[names_key])
        if names:
            if not all(TEAM_NAME.search(name) for name in names) and (not team or any(map(_personal, names))):
                return names
            team = team or names  # "By Team Acme": a person's byline further on wins
    return team


def _byline_block(element, text: str, site: Site) -> list[str]:
    """The names one byline block gives html_authors (its squashed text is `text`): its own,
    its short parent's or its author links' where they name more; [] for a facet link."""
    if _facet_link(element):
        return []
    names = byline_names(element, site)
    parent = element.getparent()
    if not names and LABEL_ONLY.match(text) and parent is not None:
        names = _listed(element, site) or byline_names(parent, site)  # "Written by" here, the name next
    if names:
        if parent is not None and len(squash("".join(parent.itertext()))) <= 150:
            more = byline_names(parent, site)
            if set(names) < set(more):
                names = more
        linked = _linked_authors(element, site)
        if set(names) < set(linked):
            names = linked
    return names


HONORIFIC = re.compile(r"^(?:dr|prof|mr|mrs|ms|mx)\.?\s+", re.I)


def _same_person(name: str) -> str:
    """A name compared without case or an honorific: 'Dr Jane Doe' and 'jane doe' are one person."""
    return fold_name(HONORIFIC.sub("", name))


def byline_correction(page: Page, declared: list[str], scope=None) -> list[str]:
    """The article's visible byline, where it corrects the declared (JSON-LD or meta) authors:
    it names them and more people (co-authors the data left out), or it is a "By" line naming
    other people (the declared one is an account or a desk). Otherwise []."""
    def read(**kind) -> list[str]:
        return (html_authors(page, scope, **kind) if scope is not None else []) or html_authors(page, **kind)

    mine = {_same_person(n) for n in declared}
    shown = read()
    extra = [n for n in shown if _same_person(n) not in mine]
    if extra and mine <= {_same_person(n) for n in shown} and all(_personal(n) for n in extra):
        return shown
    people = [n for n in read(labelled=True) if _personal(n)]
    if people and not mine & {_same_person(n) for n in people}:
        return people
    return []


_IN_SECTION = re.compile(r"\s+in\s+[A-Z].*$")  # "Jane Doe in Project Management": the post's section


def headline_byline(page: Page, h1) -> list[str]:
    """An unmarked line right under the headline that pairs a date with one person's name, with
    separators: "Jane Doe | Senior Writer | July 2, 2025", "2025-12-17 · Jane Doe"."""
    if h1 is None:
        return []
    site = Site.of(page)
    for line in list(h1.itersiblings())[:2]:
        if not isinstance(line.tag, str) or page.in_chrome(line):
            continue
        parts = [p for p in _SEPARATOR.split(squash("".join(line.itertext()))) if p]
        if not 2 <= len(parts) <= 4 or sum(len(p) for p in parts) > 100:
            continue
        dated = [p for p in parts if parse_datetime(p, human=True) is not None]
        others = [_IN_SECTION.sub("", p) for p in parts
                  if p not in dated and not _is_role(p) and not META_LABEL.search(p)]  # "5 min read"
        names = [n for p in others for n in clean_author(p, site)]
        if dated and len(others) == 1 and len(names) == 1 and _personal(names[0]):
            return names
    return []


NAME_WORD = re.compile(r"[A-Z][a-z]+(?:['’\-]?[A-Z][a-z]+)*")  # "Jane", "McNally", "O'Brien", not "US"
HOME_LINKS = '//a[@rel="home" or @href="/" or contains(concat(" ", @class, " "), " site-title ")]'


def site_owner(page: Page) -> list[str]:
    """A one-person site's author: the site's home link reads as a person's two-word name, and
    one of its words is the host's name ("Jane Doe" linking home on doe.dev). A declared site
    name alone is not enough: "Greenhouse Conservatory" on greenhouse.example is a business."""
    for link in page.tree.xpath(HOME_LINKS)[:6]:
        name = squash("".join(link.itertext()))
        words = name.split()
        if (len(words) == 2 and all(NAME_WORD.fullmatch(word) for word in words) and _personal(name)
                and looks_like_name(name) and sum(fold_name(word) in page.host_names for word in words) == 1):
            return [name]
    return []


def hint_authors(hints: dict[str, Any], page: Page) -> list[str]:
    site = Site.of(page)
    names: list[str] = []
    for raw in hints.get("authors") or []:
        names.extend(n for n in clean_author(str(raw), site, strict=False) if n not in names)
    return names
