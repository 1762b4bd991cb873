"""`scrapy crawl` with an exit status a scheduler can act on (README, "Exit statuses";
crawler.exitstatus): 0 the crawl ran to its end, 1 it could not do its job, 2 a usage or
configuration error found before any request, 3 interrupted by SIGTERM/SIGINT.

Usage errors (an unknown spider or argument, a bad URL or date, a broken sources file) are one
logged line, found before the crawl starts, so they write nothing. The status of a crawl that ran
is what crawler.extensions.outcome recorded in the stats (`news/exit_status`)."""

from __future__ import annotations

import argparse
import logging

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler import exitstatus, forkserver
from crawler.logs import quiet_robots_errors, quiet_startup

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        quiet_startup(self.settings.get("LOG_LEVEL"))  # before the crawler process logs its start-up dumps
        quiet_robots_errors()
        if forkserver.wanted(self.settings):  # its imports run beside Scrapy's and the spiders' own
            forkserver.start_forkserver()

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name: scrapy crawl news" if args else "")
        process = self.crawler_process
        assert process is not None
        try:
            spidercls = process.spider_loader.load(args[0])
        except KeyError:
            logger.error("unknown spider '%s' (known: %s)", args[0], ", ".join(sorted(process.spider_loader.list())))
            self.exitcode = exitstatus.USAGE
            return
        check = getattr(spidercls, "check_arguments", None)
        if check is not None:
            try:
                check(self.settings, opts.spargs)
            except ValueError as exc:  # one line; nothing requested, nothing written
                logger.error("%s", exc)
                self.exitcode = exitstatus.USAGE
                return
        crawler = process.create_crawler(spidercls)
        process.crawl(crawler, **opts.spargs)
        process.start()
        self.exitcode = self._status(crawler, process.bootstrap_failed)

    @staticmethod
    def _status(crawler, bootstrap_failed: bool) -> int:
        """The status the outcome extension recorded; 1 when the crawl did not even start."""
        try:
            status = crawler.stats.get_value("news/exit_status")
        except RuntimeError:  # no stats: the crawler failed before its engine existed
            return exitstatus.FAILED
        if status is None:  # the outcome extension is off: Scrapy's own view
            return exitstatus.FAILED if bootstrap_failed else exitstatus.OK
        return int(status)
