"""Bytes to text by the same rules as the crawl: BOM, HTTP header, <meta>, then detection.

A declared charset that cannot decode the bytes is a lie (common: a server-wide `charset=UTF-8`
over windows-1256 pages); it is then ignored and the next rule applies."""

from __future__ import annotations

import codecs
import importlib
from functools import lru_cache

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding

# Pages that declare nothing are most often UTF-8; on our Arabic sites the usual legacy
# charset is windows-1256, so it is tried before the Latin fallback.
FALLBACK_ENCODINGS = ("utf-8", "cp1256")


@lru_cache(maxsize=64)
def byte_scannable(encoding: str) -> bool:
    """True when markup can be looked for in a page's bytes: `encoding` writes ASCII as the same
    bytes and a character as at most 4 bytes (UTF-8, and one-byte charsets such as windows-1256
    and Latin-1); False for UTF-16/32, stateful and multi-byte legacy charsets, unknown names."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    if name in ("utf-8", "ascii", "iso8859-1"):
        return True
    try:  # a one-byte charset is a charmap codec, made from a decoding table
        return hasattr(importlib.import_module(f"encodings.{name.replace('-', '_')}"), "decoding_table")
    except ImportError:
        return False


def _guess(body: bytes) -> str | None:
    for encoding in FALLBACK_ENCODINGS:
        try:
            body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def _decodes(body: bytes, encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        codecs.lookup(encoding)
        body.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return False
    return True


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding) for an HTML body; `content_type` is the HTTP header value."""
    header = content_type or ""
    header_encoding = http_content_type_encoding(header)
    if header_encoding and not _decodes(body, header_encoding):
        header = ""  # the header's charset does not fit the bytes: fall back to <meta>, then detection
    meta_encoding = html_body_declared_encoding(body)
    if "charset" not in header.lower() and not _decodes(body, meta_encoding):
        # nothing trustworthy declared: detect, so that undeclared windows-1256 is not read as latin-1
        header = f"text/html; charset={_guess(body) or 'cp1252'}"
    encoding, text = html_to_unicode(header, body, auto_detect_fun=_guess)
    return text, encoding
