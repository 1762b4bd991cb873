"""The reject reason for a request that ended without a usable response, told by the public
exception classes of Scrapy (>= 2.15) and Twisted, never by class-name strings."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as twisted_error
from twisted.python.failure import Failure


class RedirectLoop(IgnoreRequest):
    """A redirect that leads back into its own chain (raised by RedirectLoopMiddleware)."""


# Download errors by class. Scrapy's HTTP handlers wrap Twisted's errors into its own classes;
# the Twisted ones stay for paths that raise them unwrapped (a custom download handler, a TCP
# connect timeout, Scrapy < 2.15 habits in third-party middlewares).
ERROR_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((RedirectLoop,), "redirect_loop"),
    ((DownloadTimeoutError, twisted_error.TimeoutError, twisted_error.TCPTimedOutError), "timeout"),
    ((CannotResolveHostError, twisted_error.DNSLookupError), "dns_error"),
    ((DownloadConnectionRefusedError, twisted_error.ConnectionRefusedError), "connection_refused"),
    ((ResponseDataLossError,), "truncated"),
    ((DownloadCancelledError,), "cancelled"),
)

# Scrapy raises these as a plain IgnoreRequest (robots.txt, RedirectMiddleware, HttpCompression's
# decompression limit) or a plain DownloadCancelledError (DOWNLOAD_MAXSIZE): no subclass or
# attribute tells them apart (Scrapy 2.19), only the message. Lower-case words of those messages:
IGNORED_BY_MESSAGE: tuple[tuple[str, str], ...] = (
    ("robots.txt", "robots_forbidden"),  # "Forbidden by robots.txt"
    ("max redirections", "too_many_redirects"),  # "max redirections reached"
    ("exceeded download_maxsize", "too_large"),  # "... exceeded DOWNLOAD_MAXSIZE (...) during decompression."
)
CANCELLED_FOR_SIZE = "max size"  # "... larger than download max size (...)": DOWNLOAD_MAXSIZE


def failure_reason(failure: Failure) -> str:
    """A short reject reason (`timeout`, `connection_refused`, `too_large`, ...) for a request that
    ended without a usable response; `ignored` / `fetch_error` when nothing more is known."""
    for classes, reason in ERROR_REASONS:
        if failure.check(*classes):
            if reason == "cancelled" and CANCELLED_FOR_SIZE in failure.getErrorMessage().lower():
                return "too_large"
            return reason
    if failure.check(IgnoreRequest):
        message = failure.getErrorMessage().lower()
        return next((reason for words, reason in IGNORED_BY_MESSAGE if words in message), "ignored")
    return "fetch_error"
