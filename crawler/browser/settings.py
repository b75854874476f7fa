"""The Scrapy settings that make a crawl able to render: scrapy-playwright's download handler,
Debian's chromium (never a downloaded browser), bounded pages and time. Only a source that needs
the browser gets them: a static crawl never starts Playwright's driver."""

from __future__ import annotations

from dataclasses import dataclass

HANDLER = "crawler.browser.handler.SpacedPlaywrightHandler"
# What a root process in a container needs, and no calls home (this machine's network is closed).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class BrowserOptions:
    executable: str = "/usr/bin/chromium"
    pages: int = 2  # at most this many pages rendering at once, per crawl
    page_seconds: float = 30.0  # a page that takes longer is a failed fetch
    restart_pages: int = 200  # the browser is restarted after this many pages


def browser_settings(options: BrowserOptions) -> dict[str, object]:
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER, "file": None, "ftp": None, "s3": None, "data": None},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": options.executable, "headless": True, "args": CHROMIUM_ARGS},
        # One context at a time (the Recycler turns it over), options.pages pages in it.
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": options.pages,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": int(options.page_seconds * 1000),
        "PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER": True,
        "POLICYWATCH_BROWSER": options,
    }
