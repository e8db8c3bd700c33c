"""Scrapy settings for Kansenradar's spiders: polite by default.

``jobs.crawl`` starts from these and adds the database URL and source options from Kansenradar's own settings;
this module reads no environment.
"""

BOT_NAME = "kansenradar"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "Kansenradar/0.1 (+https://github.com/kansenradar/kansenradar; tender matcher for resident companies)"
ROBOTSTXT_OBEY = True  # default False, template True: obey each site's robots.txt
CONCURRENT_REQUESTS = 8  # default 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # default 8: the TED news page blocks bursts as bad bots
DOWNLOAD_DELAY = 0.5  # default 0
AUTOTHROTTLE_ENABLED = True  # default False: adapt the delay to the server's latency
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60  # default 180
DOWNLOAD_WARNSIZE = 256 * 1024 * 1024  # default 32 MiB: monthly TED packages are large
DOWNLOAD_MAXSIZE = 2 * 1024 * 1024 * 1024  # default 1 GiB

RETRY_ENABLED = True
RETRY_TIMES = 5  # default 2; TED's own fetcher retries 5 times
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# Back-off: Retry-After when the server sends one, else base * 2 ** attempt seconds, capped.
KANSENRADAR_RETRY_BACKOFF_BASE = 2.0
KANSENRADAR_RETRY_BACKOFF_MAX = 120.0

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,  # the built-in retry's slot
}
ITEM_PIPELINES = {"crawler.pipelines.StoragePipeline": 300}
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,  # no listening port on a cron host
    "crawler.extensions.JobRunRecorder": 500,
    "crawler.extensions.CloseWhenIdle": 510,
}

REMOTE_CONTROL_ENABLED = False  # default True (Scrapy 2.19): no listening port on a cron host or crawl worker

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
