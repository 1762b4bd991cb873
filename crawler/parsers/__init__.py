"""Per-source parsers: a source's own rules on top of the generic extraction (as Fundus has).

A source in sources.toml may name one: `parser = "package.module:Class"`. The class is built once
per process, with no arguments. Each of its methods named after a record field (`title`, `body`,
`authors`, `published_at`, `modified_at`, `language`, `description`, `image`, `site_name`,
`categories`, `tags`, `url`) receives the page and the generic result and returns the field's
value, or None to keep the generic one; `reject(page, article)` may return a reason (text) to
reject the page (`parser_rejected`). Overridden fields get the provenance `parser`:

    class ExampleParser:
        def authors(self, page: Page, article: Article) -> list[str] | None:
            return [a.text_content().strip() for a in page.css(".writer")] or None

A parser is pure like extraction: no network, no clock (`page.fetched_at` is the fetch time,
which lets one parser read two layouts of a site, before and after a redesign).
"""

from __future__ import annotations

import importlib
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any

import lxml.html

from crawler.extract import Article, Rejection, decode_html

TEXT_FIELDS = ("url", "title", "body", "published_at", "modified_at", "language", "description", "image",
               "site_name")
LIST_FIELDS = ("authors", "categories", "tags")
FIELDS = TEXT_FIELDS + LIST_FIELDS


class ParserError(ValueError):
    """A parser that cannot be used (does not import, is no class, gives a value of the wrong type)."""


class Page:
    """The fetched page as a parser sees it: `html` (text), `url`, `fetched_at` and, parsed on
    first use, `tree` (lxml) with `css()` and `xpath()`."""

    def __init__(self, html: str | bytes, url: str, content_type: str | None = None,
                 fetched_at: datetime | None = None) -> None:
        self.html = decode_html(html, content_type, url)[0] if isinstance(html, bytes) else html
        self.url, self.fetched_at = url, fetched_at

    @cached_property
    def tree(self):
        return lxml.html.document_fromstring(self.html)

    def css(self, selector: str) -> list:
        """Elements matching a CSS selector."""
        return self.tree.cssselect(selector)

    def xpath(self, expression: str) -> list:
        return self.tree.xpath(expression)


def check_path(path: str) -> None:
    """Raise ParserError (one line) unless `path` names an importable class with at least one
    parser method."""
    load_parser(path)


@lru_cache(maxsize=64)
def load_parser(path: str) -> Any:
    """The parser instance for "package.module:Class", built once per process."""
    return _build(path)


def _build(path: str) -> Any:
    module_name, _, class_name = path.partition(":")
    if not module_name or not class_name:
        raise ParserError(f"{path!r} is not of the form 'package.module:Class'")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or an error raised by the module's own code
        raise ParserError(f"{path!r}: cannot import {module_name}: {exc}") from None
    cls = getattr(module, class_name, None)
    if not isinstance(cls, type):
        raise ParserError(f"{path!r}: {module_name} has no class {class_name}")
    if not any(callable(getattr(cls, name, None)) for name in (*FIELDS, "reject")):
        raise ParserError(f"{path!r}: {class_name} has no parser method ({', '.join(FIELDS)}, reject)")
    try:
        return cls()
    except Exception as exc:
        raise ParserError(f"{path!r}: {class_name}() failed: {exc!r}") from None


def apply_parser(parser: Any, page: Page, article: Article) -> Article | Rejection:
    """`article` with the fields the parser overrides, or the parser's rejection of the page."""
    reject = getattr(parser, "reject", None)
    if callable(reject):
        reason = reject(page, article)
        if reason:
            return Rejection(article.url, "parser_rejected", str(reason))
    for name in FIELDS:
        method = getattr(parser, name, None)
        if not callable(method):
            continue
        value = method(page, article)
        if value is None:
            continue
        _check(parser, name, value)
        setattr(article, name, list(value) if name in LIST_FIELDS else value)
        article.provenance[name] = "parser"
        if name == "body":
            article.content_hash = None  # hashed again when normalised
    return article


def _check(parser: Any, name: str, value: Any) -> None:
    ok = (isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)) if name in LIST_FIELDS \
        else isinstance(value, str)
    if not ok:
        kind = "a list of strings" if name in LIST_FIELDS else "a string"
        raise ParserError(f"{type(parser).__name__}.{name} gave {type(value).__name__}, not {kind} (or None)")
