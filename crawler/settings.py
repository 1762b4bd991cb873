"""Scrapy settings for the news crawler, and the NEWS_* defaults (documented in README.md)."""

BOT_NAME = "news-crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"  # `crawl` with exit statuses (README, "Exit statuses")

# --- our settings (NEWS_*) -----------------------------------------------------------------
NEWS_DB_PATH = "news.db"  # the SQLite store
NEWS_STORE_BATCH_SIZE = 200  # rows per write transaction
NEWS_STORE_FLUSH_SECONDS = 2.0  # flush a partial batch at least this often
NEWS_EXTRACT_WORKERS = "auto"  # extraction processes: "auto" = one per core; 0 = in the crawl process
NEWS_EXTRACT_TIMEOUT = 60  # seconds one page may take in a worker before the worker is replaced
NEWS_MIN_BODY_CHARS = 200  # shorter bodies are rejected as too_short
NEWS_LISTING_PATIENCE = 5  # listing pages of one URL shape in a row that bring nothing new before it is stopped
NEWS_LISTING_PROBATION = 10  # requests of a URL shape not yet shown to lead to stories, until one does
NEWS_REVISIT_DAYS = 7  # stored stories published this recently are re-requested (conditional GET) each run
NEWS_MAX_STORY_PARTS = 50  # pages of one multi-page story fetched and joined (/story/2/, ?page=2)
NEWS_MAX_RETRY_AFTER = 120  # longest Retry-After (seconds) honoured before a 429/503 retry
NEWS_MAX_CRAWL_DELAY = 30  # longest robots.txt Crawl-delay (seconds) honoured
NEWS_RECRAWL = ""  # "all": fetch stored stories and unchanged feeds/sitemaps again (a full re-crawl)
NEWS_SOURCES = "sources.toml"  # declared sources (issue #8)
NEWS_RUN_ID = ""  # crawl_runs.run_id for this crawl; empty: a fresh UTC-time-based id
NEWS_NEARDUP = True  # near-duplicate clusters (cluster_id): off skips the cluster pipeline
NEWS_NEARDUP_THRESHOLD = 0.3  # estimated Jaccard similarity at which two bodies are one story
NEWS_PROGRESS_SECONDS = 15  # a progress line per source this often; 0: none
NEWS_REDIS_URL = ""  # redis://HOST:PORT/DB: this crawl is a worker on the shared Redis frontier (crawler.frontier)
NEWS_REDIS_LEASE_SECONDS = 60  # a leased request whose worker stops renewing goes back to the queue after this
NEWS_MALLOC_TRIM_SECONDS = 10  # free heap memory back to the system this often (glibc malloc_trim); 0: never
NEWS_MALLOC_MMAP_THRESHOLD = 65536  # bytes: blocks this large get their own mapping, freed at once (glibc); 0: glibc's default

# --- politeness and limits -----------------------------------------------------------------
USER_AGENT = "news-crawler/0.1 (+https://github.com/news-crawler/news-crawler)"
ROBOTSTXT_OBEY = True
# Protego, keeping the Sitemap lines: the spider reads them from RobotsTxtMiddleware's one fetch
ROBOTSTXT_PARSER = "crawler.fetch.robots.RobotsFile"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# Items processed in parallel per response. Our callbacks yield one record and a few requests;
# Scrapy's default (100) starts 100 asyncio tasks for every response, a main-thread cost.
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # also bounds gzip decompression
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"  # the page also leaves a rejects row with its reason
DEPTH_LIMIT = 20  # hops from the home page; the next page of a listing is no hop (crawler.fetch.middlewares)
DEPTH_PRIORITY = 0
SPIDER_MIDDLEWARES = {
    # Scrapy's depth middleware, counting the requests it cuts per source (news/.../cut/depth)
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "crawler.fetch.middlewares.SourceDepthMiddleware": 900,
    "crawler.crawlstore.ConditionalGetMiddleware": 950,  # validators for conditional GETs, one store trip per callback
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.extensions.progress.QueueMeter": 1,  # first: sees each request leave the queue (progress line)
    "crawler.fetch.middlewares.RedirectLoopMiddleware": 610,  # sees 3xx before RedirectMiddleware (600)
    # honours Retry-After; replaces Scrapy's own retry middleware at its place
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.fetch.middlewares.RetryAfterMiddleware": 550,
    "crawler.fetch.middlewares.SourceStatsMiddleware": 851,  # per-source requests/responses/errors
    # Scrapy's meta refresh, at its place, looking for the word in the page's bytes before decoding it
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.fetch.middlewares.BytesFirstMetaRefreshMiddleware": 580,
    # last before the wire: per-host concurrency and delay (Crawl-delay too), shared on Redis crawls
    "crawler.fetch.politeness.PolitenessMiddleware": 950,
}
COOKIES_ENABLED = False
# Scrapy's duplicate filter with 8-byte fingerprint keys (memory flat in N, #19)
DUPEFILTER_CLASS = "crawler.dupefilter.CompactDupeFilter"
TELNETCONSOLE_ENABLED = False

ITEM_PIPELINES = {
    "crawler.pipelines.validate.ValidatePipeline": 100,
    "crawler.pipelines.normalise.NormalisePipeline": 200,
    "crawler.pipelines.dedupe.DedupePipeline": 300,
    "crawler.pipelines.cluster.ClusterPipeline": 400,  # near-duplicates share a cluster_id
    "crawler.pipelines.store.StorePipeline": 900,
}
EXTENSIONS = {
    "crawler.crawlsources.CrawlSources": 100,  # the crawl's sources, config error, robots.txt delays
    "crawler.extensions.outcome.CrawlOutcomeExtension": 400,  # the exit status, before crawl_runs reads it
    "crawler.extensions.crawl_runs.CrawlRunsExtension": 500,  # one crawl_runs row per run and source
    # the one store of the crawl; after crawl_runs, so at the end its rows are written before it closes
    "crawler.crawlstore.CrawlStore": 550,
    "crawler.extensions.progress.ProgressExtension": 600,  # a line per NEWS_PROGRESS_SECONDS
    "crawler.memory.MallocTrim": 700,  # free heap memory back to the system (memory flat in N, #19)
    "scrapy.extensions.logstats.LogStats": None,  # its once-a-minute line: the progress line says more
    # Scrapy 2.19's RemoteControl: an HTTP server on localhost running Python code sent to it, and a
    # job file in the user's profile; an unattended crawl wants neither (as the telnet console)
    "scrapy.extensions.remote_control.RemoteControl": None,
}
ADDONS = {"crawler.frontier.addon.RedisFrontier": 0}  # the Redis frontier scheduler when NEWS_REDIS_URL is set
LOG_FORMATTER = "crawler.logformatter.NewsLogFormatter"
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
