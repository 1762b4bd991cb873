"""Bytes to text by the same rules as the crawl: BOM, HTTP header, <meta>, then detection.

A declared charset that cannot decode the bytes is a lie (common: a server-wide `charset=UTF-8`
over windows-1256 pages); it is then ignored and the next rule applies. Detection is a browser's
(frostwork, which w3lib >= 2.6 decodes with): UTF-8 when the bytes are valid UTF-8, else the
charset Firefox would guess from them and from the address's top-level domain (`.iq` pages lean
to windows-1256)."""

from __future__ import annotations

import codecs
import importlib
from functools import lru_cache

from frostwork.encoding import autodetect_encoding, bom_encoding, codec_name, declared_encoding, decode
from w3lib.encoding import http_content_type_encoding


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


def _trusted(body: bytes, label: str | None) -> tuple[str, str] | None:
    """(text, Python codec) when the whole body decodes with the charset `label` names, else None.
    Valid UTF-8 reads the same by every decoder: its strict decoding is the text; another charset
    is decoded the WHATWG way (frostwork), as a browser reads it."""
    name = codec_name(label) if label else None
    if not name:
        return None
    try:
        text = body.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None
    return (text if name == "utf-8" else decode(body, name)), name


def decode_html(body: bytes, content_type: str | None = None, url: str | None = None) -> tuple[str, str]:
    """Return (text, encoding) for an HTML body; `content_type` is the HTTP header value, `url`
    the page's address (its top-level domain helps the guess for a page that declares nothing)."""
    bom = bom_encoding(body)
    if bom is not None:
        label, length = bom
        return decode(body[length:], label), codec_name(label) or label
    for declared in (http_content_type_encoding(content_type or ""), declared_encoding(body)):
        trusted = _trusted(body, declared)
        if trusted:
            return trusted
    label = autodetect_encoding(body, url=url)
    return decode(body, label), codec_name(label) or label
