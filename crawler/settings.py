"""Scrapy settings for the news crawler, and the NEWS_* defaults (documented in README.md)."""

BOT_NAME = "news-crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"  # `crawl` exits non-zero on config or store errors

# --- our settings (NEWS_*) -----------------------------------------------------------------
NEWS_DB_PATH = "news.db"  # the SQLite store
NEWS_STORE_BATCH_SIZE = 200  # rows per write transaction
NEWS_STORE_FLUSH_SECONDS = 2.0  # flush a partial batch at least this often
NEWS_MIN_BODY_CHARS = 200  # shorter bodies are rejected as too_short
NEWS_MAX_DEPTH = 20  # link-following depth from the home page (listings only)
NEWS_SOURCES = "sources.toml"  # declared sources (issue #8)
NEWS_RUN_ID = ""  # crawl_runs.run_id for this crawl; empty: a fresh UTC-time-based id

# --- politeness and limits -----------------------------------------------------------------
USER_AGENT = "news-crawler/0.1 (+https://github.com/news-crawler/news-crawler)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # also bounds gzip decompression
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DEPTH_PRIORITY = 0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

ITEM_PIPELINES = {
    "crawler.pipelines.validate.ValidatePipeline": 100,
    "crawler.pipelines.normalise.NormalisePipeline": 200,
    "crawler.pipelines.dedupe.DedupePipeline": 300,
    "crawler.pipelines.store.StorePipeline": 900,
}
EXTENSIONS = {
    "crawler.extensions.crawl_runs.CrawlRunsExtension": 500,  # one crawl_runs row per run and source
}
LOG_FORMATTER = "crawler.logformatter.NewsLogFormatter"
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
