"""Small helpers over lxml elements that every extraction module shares: the HTML parser, whitespace
squashed one way, an element's class and id read one way, class and id tokens split into words one way."""

from __future__ import annotations

import re
import threading

import lxml.html
from lxml import etree

_SPACES = re.compile(r"[ \t\r\n\f\v]+")
# a class or id token's words: split at anything not a letter or digit, and at case changes
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")


def squash(text: str | None) -> str:
    """ASCII whitespace runs squashed to one space, ends stripped; no-break spaces are kept as the
    page has them (a title's "10\u00a0km" stays one unit), everywhere text is read or measured."""
    if not text:
        return ""
    if "\n" in text or "  " in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        return _SPACES.sub(" ", text).strip()
    return text.strip()  # every run is one space already (most texts): a scan each, no new string


def marker(element) -> str:
    """The element's class and id in one string ("" for comments and processing instructions):
    what class/id cues are searched in."""
    if not isinstance(element.tag, str):
        return ""
    return marker_of(element.get("class"), element.get("id"))


def marker_of(names: str | None, ident: str | None) -> str:
    """`marker` of an element whose class and id attributes are `names` and `ident` (a string a
    cue test can be remembered by: class and id strings repeat on a page and across a site)."""
    return f"{names or ''} {ident or ''}".strip()


def tokens(element) -> list[str]:
    """The class and id tokens of an element, as written."""
    return marker(element).split()


def token_words(token: str) -> list[str]:
    """The lower-case words of a class or id token: 'relatedPosts_list' -> related, posts, list."""
    return [w.lower() for w in _WORD_SPLIT.split(token) if w]


def class_words(element) -> set[str]:
    """The words of all of an element's class and id tokens."""
    return {w for token in tokens(element) for w in token_words(token)}


class _Parser(lxml.html.HTMLParser):
    """lxml.html's parser, but every element is a plain HtmlElement, its class picked in C:
    lxml.html's own lookup (a Python call each time lxml makes an element's proxy, thousands a
    page, also in trafilatura) only adds form-field classes that extraction never uses."""

    def __init__(self) -> None:
        super().__init__()
        self.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))


_PARSERS = threading.local()  # an lxml parser is not to be shared between threads


def html_parser() -> lxml.html.HTMLParser:
    """The parser extraction builds its trees (and new elements of them) with, one per thread."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = _Parser()
    return parser
