"""Log dropped items as one line (reason and URL) instead of the whole record."""

from __future__ import annotations

import logging

from scrapy import logformatter


class NewsLogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider):
        level = getattr(exception, "log_level", None) or logging.INFO
        url = getattr(item, "url", None) or (item.get("url") if isinstance(item, dict) else None)
        return {
            "level": getattr(logging, level) if isinstance(level, str) else level,
            "msg": "Dropped (%(exception)s): %(url)s",
            "args": {"exception": exception, "url": url},
        }
