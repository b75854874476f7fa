"""Scrapy settings: polite by default, because Scrapy's own defaults are not.

settings_for() layers the configured politeness and a source's overrides on top.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.settings import Settings

from .browser.guard import SubrequestGuard
from .browser.settings import BrowserOptions, browser_settings
from .files import FileLimits
from .source import USER_AGENT, Politeness, Source

BOT_NAME = "policywatch"
SPIDER_MODULES = ["crawler.spiders"]
USER_AGENT = USER_AGENT
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20_000_000
DOWNLOAD_WARNSIZE = 0
# Scrapy 2.19 opens a Telnet console and a remote-code HTTP endpoint by default: neither belongs
# in a long-running monitor.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Every request is checked against its source's scope before anything else (robots.txt comes
# next), redirected and refreshed ones included; host names resolve through a resolver that
# refuses internal addresses (crawler/scope.py). Only http(s) is ever fetched.
DOWNLOADER_MIDDLEWARES = {"crawler.scope.ScopeMiddleware": 50, "crawler.middlewares.BackoffMiddleware": 560}
TWISTED_DNS_RESOLVER = "crawler.scope.GuardedResolver"
NO_OTHER_SCHEMES = {"file": None, "ftp": None, "s3": None, "data": None}
DOWNLOAD_HANDLERS = NO_OTHER_SCHEMES
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
# Scrapy starts this many asyncio tasks for every callback's output, one item or a hundred. Our
# pipeline only hands the page to the store workers, so one is enough; the default (100) cost
# about 0.4 ms of CPU per page, a quarter of the crawl process's time on a fast site.
CONCURRENT_ITEMS = 1
LOG_LEVEL = "WARNING"
LOGSTATS_INTERVAL = 0
MEMUSAGE_ENABLED = True
MEMUSAGE_CHECK_INTERVAL_SECONDS = 5.0


@dataclass
class CrawlOptions:
    """What a crawl process needs besides its sources."""

    database_url: str
    politeness: Politeness
    cache_dir: str | None = None  # Scrapy's HTTP cache, for conditional requests; None: off
    memory_limit_mb: int = 0  # 0: no limit
    log_level: str = "WARNING"


def settings_for(options: CrawlOptions, source: Source | None = None, render: str = "auto") -> Settings:
    """This module's settings with the configured politeness and the source's own overrides; a
    crawl that renders gets the browser's settings too (crawler/browser/settings.py)."""
    politeness = options.politeness
    settings = Settings()
    settings.setmodule(__name__, priority="project")
    delay = source.delay if source and source.delay is not None else politeness.delay
    concurrency = source.concurrency if source and source.concurrency else politeness.concurrency_per_domain
    settings.setdict(
        {
            "USER_AGENT": politeness.user_agent,
            "ROBOTSTXT_OBEY": politeness.obey_robots,
            "DOWNLOAD_DELAY": delay,
            "DOWNLOAD_DELAY_JITTER": 0.5 if delay > 0 else 0.0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "CONCURRENT_REQUESTS": max(16, 2 * concurrency),
            "AUTOTHROTTLE_ENABLED": politeness.autothrottle,
            "AUTOTHROTTLE_START_DELAY": max(delay, 0.01),
            "AUTOTHROTTLE_TARGET_CONCURRENCY": float(concurrency),
            "RETRY_TIMES": politeness.retries,
            "DOWNLOAD_TIMEOUT": politeness.timeout,
            "DOWNLOAD_MAXSIZE": politeness.max_page_bytes,
            "LOG_LEVEL": options.log_level,
            "POLICYWATCH_DATABASE_URL": options.database_url,
            "POLICYWATCH_STORE_WORKERS": politeness.store_workers,
            "POLICYWATCH_FILE_LIMITS": FileLimits(politeness.attachment_seconds, politeness.attachment_memory_mb),
            "POLICYWATCH_FILE_MAX_BYTES": int(politeness.attachment_max_mb * 1_000_000),
            "POLICYWATCH_ATTACHMENTS_PER_DOCUMENT": politeness.attachments_per_document,
            # Scrapy's HTTP cache with the RFC 2616 policy sends If-None-Match/If-Modified-Since for
            # pages that carried an ETag or Last-Modified; a 304 comes back flagged "cached".
            "HTTPCACHE_ENABLED": options.cache_dir is not None,
            "HTTPCACHE_DIR": options.cache_dir or "httpcache",
            "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
            "MEMUSAGE_LIMIT_MB": options.memory_limit_mb,
        },
        priority="cmdline",
    )
    if render == "browser" and source is not None:
        browser = BrowserOptions(
            politeness.browser,
            politeness.browser_pages,
            politeness.browser_page_seconds,
            politeness.browser_restart_pages,
        )
        settings.setdict(browser_settings(browser), priority="cmdline")
        settings.set("PLAYWRIGHT_ABORT_REQUEST", SubrequestGuard(source.scope, delay), priority="cmdline")
    return settings
