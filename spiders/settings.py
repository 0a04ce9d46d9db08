"""Scrapy settings derived from Newswatch's settings: one User-Agent, robots.txt, caps and timeouts."""

from __future__ import annotations

from typing import Any

from monitor.config import Settings


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    max_bytes = int(settings.max_body_mb * 1024 * 1024)
    return {
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_TIMEOUT": settings.fetch_timeout_s,
        "DOWNLOAD_MAXSIZE": max_bytes,  # also enforced after decompression by HttpCompressionMiddleware
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": 5,
        "RETRY_ENABLED": False,  # a failed poll is recorded and retried on the source's back-off schedule
        # requests waiting out a host's delay count against this too: with 16, a worker polling a
        # few hundred outlets a minute spent its time waiting (bench/soak.py)
        "CONCURRENT_REQUESTS": 32,
        # Scrapy starts this many tasks for every response's output: the default 100 made each
        # unchanged feed's poll cost ~3 ms of task churn; items are stored one at a time anyway
        "CONCURRENT_ITEMS": 1,
        # politeness: each host has its own turns (spiders.hosts), so two outlets never slow each
        # other, and one host gets at most 2 requests at once, spaced by the delay (±50 % jitter),
        # never a burst, whichever crawls of the process send them
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        # The host delay is kept by spiders.hosts for every crawl of the process together (each
        # crawl has slots of its own, and a worker runs several at once): Scrapy's slot only holds a
        # crawl's requests to a host to 2. Its delay is never 0: with none, Scrapy 2.19 hands a
        # slot's whole queue to the downloader at once (the per-domain limit is checked before the
        # requests it let through count as in flight), so a host got 7 requests at once instead of
        # 2. Any delay makes it release one at a time.
        "DOWNLOAD_DELAY": 0.001,
        "DOWNLOAD_DELAY_JITTER": 0,
        "DOWNLOAD_HANDLERS": {scheme: "spiders.hosts.PoliteDownloadHandler" for scheme in ("http", "https")},
        "NEWSWATCH_HOST_DELAY_S": settings.host_delay_s,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_ENABLED": False,
        "HTTPERROR_ALLOWED_CODES": [304],  # a conditional GET's "not modified" reaches the feed callback
        "DOWNLOADER_MIDDLEWARES": {
            "spiders.middlewares.PrivateNetworkGuard": 50,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "spiders.robots.RememberedRobotsTxt": 100,
            "spiders.middlewares.FetchTiming": 60,
            "spiders.capture.CaptureExchanges": 610,  # the raw exchanges kept as evidence (WARC)
            "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
            "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
        },
        # what Newswatch never reads or sets (depth limits, HTTP auth, download counts, Scrapy's
        # own stats and log lines, memory checks) is left out: each part ran for every request or
        # response, and an unchanged feed's poll is little more than one request (bench/ingest.py)
        "SPIDER_MIDDLEWARES": {
            "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
            "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
        },
        "EXTENSIONS": {
            "scrapy.extensions.corestats.CoreStats": None,
            "scrapy.extensions.logcount.LogCount": None,
            "scrapy.extensions.logstats.LogStats": None,
            "scrapy.extensions.memusage.MemoryUsage": None,
            "scrapy.extensions.memdebug.MemoryDebugger": None,
            "scrapy.extensions.remote_control.RemoteControl": None,
        },
        "ITEM_PIPELINES": {"spiders.pipelines.StorePipeline": 100},
        "NEWSWATCH_ALLOW_PRIVATE_NETWORKS": settings.allow_private_networks,
    }
