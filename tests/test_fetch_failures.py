"""failure_reason names a failed download by its public exception class (Scrapy's, and Twisted's
for paths that raise them unwrapped); the real downloads behind each reason are crawled in
tests/test_hostile.py (timeout, truncated, too_large, redirect_loop, too_many_redirects),
tests/test_exit_status.py (connection_refused) and tests/test_crawl.py (robots_forbidden)."""

from __future__ import annotations

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as twisted_error
from twisted.python.failure import Failure

from crawler.fetch.failures import RedirectLoop, failure_reason

CASES = [
    (DownloadTimeoutError("Getting http://x/ took longer than 4.0 seconds."), "timeout"),
    (twisted_error.TimeoutError(), "timeout"),
    (twisted_error.TCPTimedOutError(), "timeout"),
    (CannotResolveHostError("no such host"), "dns_error"),
    (twisted_error.DNSLookupError("no such host"), "dns_error"),
    (DownloadConnectionRefusedError("refused"), "connection_refused"),
    (twisted_error.ConnectionRefusedError(), "connection_refused"),
    (ResponseDataLossError(), "truncated"),
    (DownloadCancelledError("Expected to receive 62914560 bytes which is larger than download max size (10485760)"),
     "too_large"),
    (DownloadCancelledError("the connection was cancelled"), "cancelled"),
    (RedirectLoop("redirect loop: http://x/a -> http://x/b"), "redirect_loop"),
    (IgnoreRequest("Forbidden by robots.txt"), "robots_forbidden"),
    (IgnoreRequest("max redirections reached"), "too_many_redirects"),
    (IgnoreRequest("Ignored response <200 http://x/> because its body (100 B compressed, 11000000 B decompressed "
                   "so far) exceeded DOWNLOAD_MAXSIZE (10485760 B) during decompression."), "too_large"),
    (IgnoreRequest("Filtered offsite request to 'elsewhere.example'"), "ignored"),
    (DownloadFailedError("connection lost"), "fetch_error"),
    (ValueError("anything else"), "fetch_error"),
]


@pytest.mark.parametrize("exception, reason", CASES, ids=[f"{type(e).__name__}-{r}" for e, r in CASES])
def test_failure_reason_by_public_class(exception, reason):
    assert failure_reason(Failure(exception)) == reason
