"""Declared sources: `sources.toml`, one [[source]] table per site, validated before any request."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.extract.prune import to_xpath
from crawler.parsers import ParserError, check_path

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
KINDS = ("wordpress", "generic")
KNOWN_KEYS = {"name", "url", "kind", "feeds", "sitemaps", "archives", "allow", "deny", "prune", "timezone",
              "language", "max_pages", "since", "parser"}


class SourceError(ValueError):
    """A declared source is wrong; the message names the file, the source and the key."""


@dataclass
class Source:
    """One site to crawl, as declared in sources.toml."""

    name: str
    url: str
    kind: str | None = None  # None: detected
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    archives: list[str] = field(default_factory=list)  # URL patterns with {page}
    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)
    prune: list[str] = field(default_factory=list)
    timezone: str | None = None
    language: str | None = None
    max_pages: int | None = None
    since: date | None = None
    parser: str | None = None  # "package.module:Class" (crawler.parsers), imported when loaded

    def allows(self, url: str) -> bool:
        """True when `url` passes the allow/deny regexes."""
        if any(re.search(pattern, url) for pattern in self.deny):
            return False
        return not self.allow or any(re.search(pattern, url) for pattern in self.allow)


def _fail(path: Path, where: str, key: str, problem: str) -> SourceError:
    return SourceError(f"{path}: {where}: key '{key}': {problem}")


def _strings(path: Path, where: str, key: str, value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(path, where, key, "must be a string or a list of strings")
    return value


def _http_url(path: Path, where: str, key: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _fail(path, where, key, f"{value!r} is not an http(s) URL")
    return value


def _source(path: Path, index: int, table: dict) -> Source:
    where = f"source #{index + 1}" + (f" '{table['name']}'" if isinstance(table.get("name"), str) else "")
    unknown = set(table) - KNOWN_KEYS
    if unknown:
        raise _fail(path, where, sorted(unknown)[0], "unknown key (known: " + ", ".join(sorted(KNOWN_KEYS)) + ")")
    for key in ("name", "url"):
        if key not in table:
            raise _fail(path, where, key, "is required")
    name = table["name"]
    if not isinstance(name, str) or not NAME.match(name):
        raise _fail(path, where, "name", "must be a slug: lower-case letters, digits, '-' or '_'")
    source = Source(name=name, url=_http_url(path, where, "url", table["url"]))
    if "kind" in table:
        if table["kind"] not in KINDS:
            raise _fail(path, where, "kind", f"must be one of {', '.join(KINDS)}")
        source.kind = table["kind"]
    for key in ("feeds", "sitemaps"):
        if key in table:
            setattr(source, key, [_http_url(path, where, key, u) for u in _strings(path, where, key, table[key])])
    if "archives" in table:
        source.archives = _strings(path, where, "archives", table["archives"])
        for pattern in source.archives:
            if "{page}" not in pattern:
                raise _fail(path, where, "archives", f"{pattern!r} has no {{page}} placeholder")
            _http_url(path, where, "archives", pattern.replace("{page}", "1"))
    for key in ("allow", "deny"):
        if key in table:
            patterns = _strings(path, where, key, table[key])
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise _fail(path, where, key, f"{pattern!r} is not a regular expression ({exc})") from exc
            setattr(source, key, patterns)
    if "prune" in table:
        source.prune = _strings(path, where, "prune", table["prune"])
        for selector in source.prune:
            try:
                to_xpath(selector)
            except ValueError as exc:
                raise _fail(path, where, "prune", str(exc)) from exc
    if "timezone" in table:
        try:
            ZoneInfo(str(table["timezone"]))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _fail(path, where, "timezone", f"{table['timezone']!r} is not an IANA time zone") from exc
        source.timezone = table["timezone"]
    if "language" in table:
        if not isinstance(table["language"], str) or not re.match(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$", table["language"]):
            raise _fail(path, where, "language", "must be a language code such as 'en' or 'ar'")
        source.language = table["language"]
    if "max_pages" in table:
        if not isinstance(table["max_pages"], int) or isinstance(table["max_pages"], bool) or table["max_pages"] < 1:
            raise _fail(path, where, "max_pages", "must be a positive integer")
        source.max_pages = table["max_pages"]
    if "since" in table:
        source.since = parse_since(table["since"], lambda problem: _fail(path, where, "since", problem))
    if "parser" in table:
        if not isinstance(table["parser"], str):
            raise _fail(path, where, "parser", "must be a string 'package.module:Class'")
        try:
            check_path(table["parser"])
        except ParserError as exc:
            raise _fail(path, where, "parser", str(exc)) from None
        source.parser = table["parser"]
    return source


def entry_url(text: str) -> str:
    """The home URL given on the command line (`-a url=`), checked: http(s) with a host; a bare
    host name is refused with the URL it probably means. Raises SourceError with one line."""
    text = text.strip()
    if "://" not in text:
        guess = "https://" + text + ("" if "/" in text else "/")
        raise SourceError(f"-a url={text}: not a URL; did you mean -a url={guess} ?")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise SourceError(f"-a url={text}: only http and https URLs are crawled")
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise SourceError(f"-a url={text}: the port is not a number") from None
    if not parts.hostname:
        raise SourceError(f"-a url={text}: no host name")
    return text if parts.path else text + "/"


def parse_since(value, error=ValueError) -> date:
    """A date cut-off from TOML (a date) or text (YYYY-MM-DD)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise error(f"{value!r} is not a date (YYYY-MM-DD)") from None


def load_sources(path: str | Path) -> list[Source]:
    """Every source declared in `path`, validated; raises SourceError with one clear line."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file (set NEWS_SOURCES or create sources.toml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path}: not valid TOML: {exc}") from None
    others = sorted(set(data) - {"source"})
    if others:
        close = " (did you mean [[source]]?)" if "source" not in data else ""
        raise SourceError(f"{path}: unknown table or key '{others[0]}'{close}; sources are [[source]] tables")
    tables = data.get("source", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise SourceError(f"{path}: sources must be [[source]] tables")
    if not tables:
        raise SourceError(f"{path}: declares no source: add a [[source]] table with a name and a url")
    sources = [_source(path, i, t) for i, t in enumerate(tables)]
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise SourceError(f"{path}: source '{source.name}': key 'name': declared twice")
        seen.add(source.name)
    return sources
