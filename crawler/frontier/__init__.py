"""The Redis frontier: workers on any number of machines share one crawl (issue #16).

`scrapy crawl news -a url=BASE/ -s NEWS_REDIS_URL=redis://HOST:PORT/DB` on each worker. The
add-on (crawler.frontier.addon) switches the scheduler to FrontierScheduler when NEWS_REDIS_URL is
set; the scheduler keeps page requests in Redis under leases (crawler.frontier.client), so a
request whose worker died is fetched by another one once its lease expires.
"""
