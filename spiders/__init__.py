"""Fetching: Scrapy spiders (feeds now; sitemaps and site spiders later), their settings and the
item pipeline that hands each fetched page to monitor.pipeline."""
