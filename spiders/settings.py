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
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_DELAY": 0,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_ENABLED": False,
        "HTTPERROR_ALLOWED_CODES": [304],  # a conditional GET's "not modified" reaches the feed callback
        "DOWNLOADER_MIDDLEWARES": {
            "spiders.middlewares.PrivateNetworkGuard": 50,
            "spiders.middlewares.FetchTiming": 60,
        },
        "ITEM_PIPELINES": {"spiders.pipelines.StorePipeline": 100},
        "NEWSWATCH_ALLOW_PRIVATE_NETWORKS": settings.allow_private_networks,
    }
