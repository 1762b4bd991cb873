"""`scrapy crawl` that exits non-zero when the crawl closed for a failing reason
(a broken sources.toml, an unwritable store), so schedulers see the failure."""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

FAILING_REASONS = {"config_error", "store_error", "already_running"}


class Command(ScrapyCrawlCommand):
    def _create_crawler(self, spname):
        self.crawler = super()._create_crawler(spname)
        return self.crawler

    def run(self, args, opts) -> None:
        super().run(args, opts)
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            if crawler.stats.get_value("finish_reason") in FAILING_REASONS:
                self.exitcode = 1
