"""What a seed file says about a source, and the politeness every crawl keeps."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from .cleaning import Rules
from .scope import Scope, host_and_ports

USER_AGENT = "policywatch/0.1 (government policy change monitor; +https://github.com/policywatch/policywatch)"


def _check_selector(selector: str) -> None:
    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise ValueError(f"not a CSS selector: {selector!r} ({exc})") from None


class Politeness(BaseModel):
    """Defaults for every source; a seed file may override delay and concurrency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    delay: float = Field(1.0, ge=0, description="seconds at least between two requests to one domain")
    concurrency_per_domain: int = Field(1, ge=1, le=32)
    requests_in_flight: int = Field(256, ge=1, le=10_000, description="requests at once over all domains")
    autothrottle: bool = True
    obey_robots: bool = True
    retries: int = Field(3, ge=0, le=10)
    timeout: float = Field(30.0, gt=0)
    max_page_bytes: int = Field(20_000_000, ge=10_000)
    user_agent: str = USER_AGENT
    # Not politeness, but the crawl's own pace: processes that clean and store fetched pages. More
    # than one helps only when fetching outpaces cleaning (fast sites and politeness lifted): on the
    # crawl benchmark, 92 % of bare Scrapy with one, 96 % with two, at 70 MB more.
    store_workers: int = Field(1, ge=1, le=16)
    # For sources that need a browser (crawler/browser/): Debian's chromium, never a downloaded one.
    browser: str = "/usr/bin/chromium"
    browser_pages: int = Field(2, ge=1, le=16, description="pages rendering at once, per crawl")
    browser_page_seconds: float = Field(30.0, gt=0)
    browser_restart_pages: int = Field(
        200, ge=1, description="a fresh browser context (new renderer processes) after this many pages"
    )
    # Attachments and files linked from listings (crawler/files/): fetched up to this size (Scrapy
    # stops reading beyond it), at most this many per document page, each read in a child process
    # bounded in time and memory.
    attachment_max_mb: float = Field(50.0, gt=0, le=2000)
    attachments_per_document: int = Field(20, ge=0, le=500)
    attachment_seconds: float = Field(120.0, gt=0)
    attachment_memory_mb: int = Field(1024, ge=128)


class Source(BaseModel):
    """One watched site section. Only name and start_urls (or documents) are required; the rest is
    found."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
    title: str = ""
    start_urls: list[str] = Field(default_factory=list, description="listing pages")
    # Pages watched as documents themselves, without a listing (a single policy page).
    documents: list[str] = Field(default_factory=list)
    # Overrides for sites the automatic path gets wrong.
    document_pattern: str | None = None
    content_selector: str | None = None
    title_selector: str | None = None
    drop_selectors: list[str] = Field(default_factory=list)
    # Hosts besides the seeds' own that the crawl may fetch (a file server, "*.x.gov.cn");
    # "allowed_domains" is the older name.
    allowed_hosts: list[str] = Field(
        default_factory=list, validation_alias=AliasChoices("allowed_hosts", "allowed_domains")
    )
    max_pages: int = Field(5, ge=1, le=1000, description="listing pages followed per start URL")
    max_documents: int = Field(1000, ge=1)
    delay: float | None = Field(None, ge=0)
    concurrency: int | None = Field(None, ge=1, le=32)
    schedule: str = "every 6h"  # "every 30m", "every 6h", "every 1d", or a crontab line "0 */6 * * *"
    # rhythm: drafts and recently changed documents every run, settled finals daily or weekly;
    # always: every known document at every run.
    revisit: Literal["rhythm", "always"] = "rhythm"
    # auto: static, and a browser when the listing turns out to be built by scripts (remembered);
    # static: never a browser; browser: always render the listings.
    render: Literal["auto", "static", "browser"] = "auto"
    enabled: bool = True

    @model_validator(mode="after")
    def _something_to_watch(self) -> Source:
        if not self.start_urls and not self.documents:
            raise ValueError("start_urls: give at least one listing URL (or documents: pages to watch)")
        return self

    @field_validator("start_urls", "documents")
    @classmethod
    def _http_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"not an http(s) URL: {url!r}")
        return urls

    @field_validator("allowed_hosts")
    @classmethod
    def _host_names(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            host, _ports = host_and_ports(entry)
            if not re.fullmatch(r"(?:\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?", host):
                raise ValueError(f"not a host name (host, host:port or *.domain): {entry!r}")
        return entries

    @field_validator("document_pattern")
    @classmethod
    def _regex(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return pattern

    @field_validator("content_selector", "title_selector")
    @classmethod
    def _selector(cls, selector: str | None) -> str | None:
        if selector is not None:
            _check_selector(selector)
        return selector

    @field_validator("drop_selectors")
    @classmethod
    def _selectors(cls, selectors: list[str]) -> list[str]:
        for selector in selectors:
            _check_selector(selector)
        return selectors

    @property
    def hosts(self) -> set[str]:
        """The hosts of the seed URLs (where the source lives: its domain for placement)."""
        return {urlsplit(u).hostname or "" for u in [*self.start_urls, *self.documents]}

    @property
    def scope(self) -> Scope:
        """What the crawl may fetch for this source (crawler/scope.py)."""
        return Scope.of([*self.start_urls, *self.documents], self.allowed_hosts)

    @property
    def rules(self) -> Rules:
        return Rules(
            content_selector=self.content_selector,
            title_selector=self.title_selector,
            drop_selectors=list(self.drop_selectors),
        )
