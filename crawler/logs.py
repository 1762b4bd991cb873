"""A log that fits a terminal and a log file: Scrapy's start-up dumps (versions, settings,
enabled components) only at DEBUG, and a robots.txt that cannot be downloaded as one line."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

# Loggers whose INFO records are start-up dumps only: "Scrapy … started", "Versions:", "Enabled
# addons/extensions/middlewares/item pipelines:". `scrapy.crawler` also says "Received SIGTERM",
# so only its "Overridden settings:" record is held back. Filters, not levels: Scrapy's
# configure_logging resets the levels of existing `scrapy.*` loggers.
STARTUP_LOGGERS = ("scrapy.utils.log", "scrapy.addons", "scrapy.middleware")
SETTINGS_LOGGER = "scrapy.crawler"
ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class _StartupFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        if record.name == SETTINGS_LOGGER:
            return not str(record.msg).startswith("Overridden settings")
        return False


_startup_filter = _StartupFilter()


def quiet_startup(log_level: str | int | None) -> None:
    """Start-up dumps only at DEBUG (`-L DEBUG` keeps them); at INFO the log starts with the crawl."""
    debug = log_level in (logging.DEBUG, "DEBUG", "debug")
    for name in (*STARTUP_LOGGERS, SETTINGS_LOGGER):
        logger = logging.getLogger(name)
        if debug:
            logger.removeFilter(_startup_filter)
        elif _startup_filter not in logger.filters:
            logger.addFilter(_startup_filter)


class RobotsErrorFilter(logging.Filter):
    """Scrapy's RobotsTxtMiddleware logs a robots.txt it could not download at ERROR with a
    traceback; the crawl goes on as if robots.txt allowed everything, and a page of the same host
    fails the same way and says so. One WARNING line, without the traceback, is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.exc_info:
            error = record.exc_info[1]
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = "robots.txt of %s not fetched (%s): crawling as if it allowed everything"
            args = record.args if isinstance(record.args, dict) else {}
            url = str(getattr(args.get("request"), "url", ""))
            record.args = (urlsplit(url).netloc or url or "?", error)
        return True


_robots_filter = RobotsErrorFilter()


def quiet_robots_errors() -> None:
    """Install RobotsErrorFilter once (idempotent)."""
    logger = logging.getLogger(ROBOTS_LOGGER)
    if _robots_filter not in logger.filters:
        logger.addFilter(_robots_filter)
