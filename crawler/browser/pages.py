"""What the spider does with a rendered page: turn the browser over every few hundred pages, and
walk a listing whose pager only scripts understand ("下一页" without an address, "加载更多")."""

from __future__ import annotations

import re

from playwright.async_api import Error as BrowserError
from playwright.async_api import Locator, Page

# A control that shows the next part of a list, by its whole text.
_NEXT = re.compile(
    r"^\s*(?:下一页|下页|后页|下一頁|加载更多|點擊加載更多|点击加载更多|查看更多|更多>>|Next)\s*[>›»]*\s*$"
)
_SCRIPTED_HREF = re.compile(r"^\s*(?:#|javascript:|$)", re.IGNORECASE)
SETTLE_MS = 5000  # how long to wait for a clicked list to fill
POLL_MS = 100


class Recycler:
    """Pages render in a context named policywatch-<generation>; every restart_pages pages a new
    generation starts. When the last page of an old generation is released its context closes,
    and with it the renderer processes that hold what a long crawl leaves behind.

    The browser process itself lives as long as the crawl process (one run). Closing it too
    raced with scrapy-playwright: a page of the next generation could be opened on the closing
    browser before the handler noticed the disconnect ("Failed to open a new tab")."""

    def __init__(self, restart_pages: int) -> None:
        self.restart_pages = max(1, restart_pages)
        self.generation = self.rendered = 0

    def context(self) -> str:
        """The context the next page renders in."""
        name = f"policywatch-{self.generation}"
        self.rendered += 1
        if self.rendered >= self.restart_pages:
            self.generation, self.rendered = self.generation + 1, 0
        return name

    async def release(self, page: Page, context_name: str) -> None:
        context = page.context
        await page.close()
        if context_name != f"policywatch-{self.generation}" and not context.pages:
            await context.close()


async def _next_control(page: Page) -> Locator | None:
    """The visible control (link without an address, button) that shows the next part."""
    for candidate in await page.get_by_text(_NEXT).all():
        try:
            if not await candidate.is_visible():
                continue
            href = await candidate.get_attribute("href")
        except BrowserError:
            continue
        if href is None or _SCRIPTED_HREF.match(href):
            return candidate
    return None


async def next_view(page: Page) -> str | None:
    """Click the listing's script-driven pager or "load more" control and return the page's
    HTML once it has changed and settled; None when there is no such control or nothing changed.

    A click is no navigation, so there is no load state to wait for: the page is read until its
    content has changed and then held still for one look (a script fetching the next part)."""
    control = await _next_control(page)
    if control is None:
        return None
    before = await page.content()
    try:
        await control.click(timeout=SETTLE_MS)
        last = before
        for _ in range(SETTLE_MS // POLL_MS):
            await page.wait_for_timeout(POLL_MS)
            now = await page.content()
            if now != before and now == last:
                return now
            last = now
    except BrowserError:
        return None
    return None
