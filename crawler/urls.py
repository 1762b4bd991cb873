"""URL canonicalisation in one place: the form every stored and compared URL takes."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

TRACKING_PARAM = re.compile(r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|ref_src)$", re.I)
DEFAULT_PORTS = {"http": 80, "https": 443}
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


# URLs whose canonical form (and url_shape) is kept: the crawl asks for a URL's form several times
# within a few pages (a listing's links, their requests, the pages' hints and aliases) and for the
# site's navigation links on every page. 16,384 of each held ~8 MB at 32,000 pages (#19); a miss
# costs ~20 us here, ~8 us for url_shape.
CACHED_URLS = 4096


@lru_cache(maxsize=CACHED_URLS)
def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters,
    percent-escapes in lower case (as WordPress writes its slugs), non-ASCII escaped.

    Cached (the latest CACHED_URLS): it is pure, a miss only computes it again."""
    parts = urlsplit(safe_url_string(url.strip()))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not TRACKING_PARAM.match(k)], doseq=True)
    path = _ESCAPE.sub(lambda m: m.group(0).lower(), parts.path or "/")
    return urlunsplit((scheme, netloc, path, query, ""))


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on the same host and port."""
    a, b = urlsplit(url), urlsplit(other)
    return (a.hostname or "").lower() == (b.hostname or "").lower() and (a.port == b.port)


def site_name_of(url: str) -> str:
    """The source name for an `-a url=` crawl: host, with the port when not the default."""
    parts = urlsplit(canonical_url(url))
    return parts.netloc
