"""robots.txt read once per host: Scrapy's RobotsTxtMiddleware fetches it and parses it with
RobotsFile (ROBOTSTXT_PARSER), which also keeps the file's Sitemap lines; the spider receives the
parser through Scrapy's `robots_parsed` signal (Scrapy >= 2.18) instead of fetching the file again."""

from __future__ import annotations

from protego import Protego
from scrapy.robotstxt import RobotParser

from crawler.discovery.sitemaps import sitemaps_from_robots


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


class RobotsFile(RobotParser):
    """A robots.txt as Protego reads it (Scrapy's default parser too), with its `sitemaps`
    (absolute or relative URLs, as listed) for the spider's sitemap discovery."""

    def __init__(self, text: str) -> None:
        self.sitemaps = sitemaps_from_robots(text)
        self.protego = Protego.parse(text)

    @classmethod
    def from_crawler(cls, crawler, robotstxt_body: bytes) -> "RobotsFile":
        return cls(robotstxt_body.decode("utf-8", "replace"))  # text whatever its Content-Type says

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return self.protego.can_fetch(_text(url), _text(user_agent))

    def crawl_delay(self, user_agent: str | bytes) -> float | None:
        delay = self.protego.crawl_delay(_text(user_agent))
        return float(delay) if delay else None
