"""Scrapy settings: polite by default, because Scrapy's own defaults are not, and shaped for a
broad crawl (Scrapy's "Broad Crawls"): many domains at once in one process, each its own slot.

settings_for() layers the configured politeness on top; a crawl that renders gets the browser's
settings too. A source's own delay and concurrency go to its hosts' slots (crawler/politeness.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.settings import Settings

from .browser.guard import SubrequestGuard
from .browser.settings import BrowserOptions, browser_settings
from .files import FileLimits
from .politeness import slot_delay
from .source import USER_AGENT, Politeness

BOT_NAME = "policywatch"
SPIDER_MODULES = ["crawler.spiders"]
USER_AGENT = USER_AGENT
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY, DOWNLOAD_DELAY_JITTER = slot_delay(1.0)
CONCURRENT_REQUESTS = 256  # requests in flight over all domains
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
# Every request is checked against its run before anything else (robots.txt comes next),
# redirected and refreshed ones included; host names resolve through a resolver that refuses
# internal addresses (crawler/scope.py). Only http(s) is ever fetched.
DOWNLOADER_MIDDLEWARES = {"crawler.scope.ScopeMiddleware": 50, "crawler.politeness.BackoffMiddleware": 560}
TWISTED_DNS_RESOLVER = "crawler.scope.GuardedResolver"
NO_OTHER_SCHEMES = {"file": None, "ftp": None, "s3": None, "data": None}
SPACED = "crawler.politeness.SpacedHTTPHandler"  # the delay kept at the moment of sending
DOWNLOAD_HANDLERS = {"http": SPACED, "https": SPACED, **NO_OTHER_SCHEMES}
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
# AutoThrottle with per-slot minimums in its place (crawler/politeness.py).
EXTENSIONS = {"scrapy.extensions.throttle.AutoThrottle": None, "crawler.politeness.PoliteThrottle": 0}
# One process, many runs: a document seen by one run is not a duplicate for the next.
DUPEFILTER_CLASS = "crawler.feed.dupefilter.RunDupeFilter"
# A spider middleware must never drop a request silently (crawler/feed/runs.py counts them).
URLLENGTH_LIMIT = 0
# Broad crawls: the scheduler hands out requests for the slots with the fewest in flight.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
REACTOR_THREADPOOL_MAXSIZE = 20  # DNS lookups for many domains at once
# Scrapy starts this many asyncio tasks for every callback's output, one item or a hundred. Our
# pipeline only hands the page to the store workers, so one is enough; the default (100) cost
# about 0.4 ms of CPU per page, a quarter of the crawl process's time on a fast site.
CONCURRENT_ITEMS = 1
LOG_LEVEL = "WARNING"
LOGSTATS_INTERVAL = 0
MEMUSAGE_ENABLED = False  # one process only; crawler/feed/service.py measures the whole tree


@dataclass
class CrawlOptions:
    """What a crawl process needs besides its runs."""

    database_url: str
    politeness: Politeness
    cache_dir: str | None = None  # Scrapy's HTTP cache, for conditional requests; None: off
    memory_limit_mb: int = 0  # the whole process tree (PSS); 0: no limit
    log_level: str = "WARNING"
    time_limit: float = 3600.0  # seconds a run may take
    sources_in_flight: int = 500  # runs crawled at once
    poll_seconds: float = 1.0  # how often the queue is looked at
    recycle_hours: float = 6.0  # a long-lived process drains and ends after this
    idle_seconds: float = 300.0  # a long-lived process with nothing to do ends after this


def settings_for(options: CrawlOptions, render: str = "static") -> Settings:
    """This module's settings with the configured politeness; a crawl that renders gets the
    browser's settings too (crawler/browser/settings.py)."""
    politeness = options.politeness
    settings = Settings()
    settings.setmodule(__name__, priority="project")
    delay, jitter = slot_delay(politeness.delay)
    concurrency = politeness.concurrency_per_domain
    settings.setdict(
        {
            "USER_AGENT": politeness.user_agent,
            "ROBOTSTXT_OBEY": politeness.obey_robots,
            "DOWNLOAD_DELAY": delay,
            "DOWNLOAD_DELAY_JITTER": jitter,
            "POLICYWATCH_MIN_DELAY": politeness.delay,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "CONCURRENT_REQUESTS": politeness.requests_in_flight,
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
        },
        priority="cmdline",
    )
    if render == "browser":
        browser = BrowserOptions(
            politeness.browser,
            politeness.browser_pages,
            politeness.browser_page_seconds,
            politeness.browser_restart_pages,
        )
        settings.setdict(browser_settings(browser), priority="cmdline")
        settings.set("PLAYWRIGHT_ABORT_REQUEST", SubrequestGuard(), priority="cmdline")
    return settings
