"""RedisFrontier: the Scrapy add-on that puts a crawl on the shared Redis frontier when
NEWS_REDIS_URL is set (`-s NEWS_REDIS_URL=redis://host:6379/0`); without it nothing changes."""

from __future__ import annotations

from scrapy.settings import BaseSettings


class RedisFrontier:
    """Switches SCHEDULER to crawler.frontier.scheduler.FrontierScheduler for Redis crawls."""

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.get("NEWS_REDIS_URL"):
            settings.set("SCHEDULER", "crawler.frontier.scheduler.FrontierScheduler", "addon")
