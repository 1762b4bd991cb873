"""Bytes to text by the same rules as the crawl: BOM, HTTP header, <meta>, then detection."""

from __future__ import annotations

from w3lib.encoding import html_body_declared_encoding, html_to_unicode

# Pages that declare nothing are most often UTF-8; on our Arabic sites the usual legacy
# charset is windows-1256, so it is tried before the Latin fallback.
FALLBACK_ENCODINGS = ("utf-8", "cp1256")


def _guess(body: bytes) -> str | None:
    for encoding in FALLBACK_ENCODINGS:
        try:
            body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding) for an HTML body; `content_type` is the HTTP header value."""
    header = content_type or ""
    if "charset" not in header.lower() and html_body_declared_encoding(body) is None:
        # No declaration anywhere: detect, so that undeclared windows-1256 is not read as latin-1.
        header = f"text/html; charset={_guess(body) or 'cp1252'}"
    encoding, text = html_to_unicode(header, body, auto_detect_fun=lambda b: _guess(b))
    return text, encoding
