"""What a source may fetch: its crawl scope, enforced in one place for every request.

Crawled pages are hostile. A listing link, an attachment href, a `302 Location`, a
`<meta http-equiv="refresh">` or a script in the browser can each point the crawler at an address
the watched site does not own: another port on its host, the machine's own services, the cloud's
metadata endpoint. Whatever such a request returned would be stored as a version and shown to
people. So a source may fetch only

- http and https URLs (Scrapy's file, ftp, s3 and data handlers are switched off as well);
- the hosts of its seed URLs (start_urls and documents), on the seed's own port (either default
  port when the seed uses one, so http→https upgrades work), and hosts the seed file names in
  `allowed_hosts` ("files.example.gov.cn", "files.example.gov.cn:8080", "*.example.gov.cn");
- WeChat article pages (mp.weixin.qq.com), where offices publish too;

and an address that resolves to loopback, private, link-local, shared or metadata ranges is
refused unless a seed URL names that very host (a local test site, an intranet the operator
means to watch). Host names are checked by the DNS resolver the crawl installs: it resolves,
checks and caches the answer, and the connection uses that cached answer, so a name that
rebinds to 127.0.0.1 after the check cannot slip through. A refused request is a failed fetch
with its reason, never a version.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import SplitResult, urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from .cleaning.wechat import ARTICLE_HOST

WEB_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
PUBLISHING_PLATFORMS = frozenset((ARTICLE_HOST,))
REFUSED = "refused"  # how every refusal's reason starts (a fetch row's error)


class OutOfScopeError(IgnoreRequest):
    """A request the source's scope does not allow; its message is the fetch row's error."""


def _parts(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return None
    return parts


def port_of(parts: SplitResult) -> int | None:
    try:
        return parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None


def internal_address(address: str) -> bool:
    """Loopback, private, link-local (the metadata service), shared, reserved or unspecified."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def host_and_ports(entry: str) -> tuple[str, list[int]]:
    """An allowed_hosts entry ("files.x.gov.cn", "files.x.gov.cn:8080", "*.x.gov.cn") as a host
    and its ports (both default ports when it names none)."""
    host, sep, port = entry.strip().lower().rpartition(":")
    if not sep or not port.isdigit():
        return entry.strip().lower(), list(DEFAULT_PORTS.values())
    return host, [int(port)]


@dataclass(frozen=True)
class Scope:
    """The origins one source may fetch, and the hosts its seeds name (which may be internal)."""

    origins: frozenset[tuple[str, int]]  # (host, port)
    subdomains_of: frozenset[tuple[str, int]] = frozenset()  # ("x.gov.cn", port) from "*.x.gov.cn"
    seed_hosts: frozenset[str] = frozenset()
    platforms: frozenset[str] = field(default=PUBLISHING_PLATFORMS)

    @classmethod
    def of(cls, seed_urls: list[str], allowed_hosts: list[str]) -> Scope:
        origins: set[tuple[str, int]] = set()
        wildcards: set[tuple[str, int]] = set()
        seeds: set[str] = set()
        for url in seed_urls:
            parts = _parts(url)
            port = port_of(parts) if parts is not None else None
            if parts is None or not parts.hostname or port is None:
                continue
            seeds.add(parts.hostname)
            ports = DEFAULT_PORTS.values() if port in DEFAULT_PORTS.values() else [port]
            origins |= {(parts.hostname, p) for p in ports}
        for entry in allowed_hosts:
            host, ports = host_and_ports(entry)
            if host.startswith("*."):
                wildcards |= {(host[2:], p) for p in ports}
            else:
                origins |= {(host, p) for p in ports}
        return cls(frozenset(origins), frozenset(wildcards), frozenset(seeds))

    def _origin_allowed(self, host: str, port: int) -> bool:
        if (host, port) in self.origins:
            return True
        return any(host.endswith("." + suffix) and p == port for suffix, p in self.subdomains_of)

    def refusal(self, url: str) -> str | None:
        """None when the source may fetch url, else why not (one line)."""
        parts = _parts(url)
        if parts is None or parts.scheme not in WEB_SCHEMES or not parts.hostname:
            return f"{REFUSED}: not an http(s) address: {url[:200]}"
        host, port = parts.hostname, port_of(parts)
        if port is None:
            return f"{REFUSED}: no port for {url[:200]}"
        if host in self.platforms and port in DEFAULT_PORTS.values():
            return None
        if not self._origin_allowed(host, port):
            return f"{REFUSED}: {host}:{port} is outside the source's scope (name it in allowed_hosts to fetch it)"
        if is_ip_literal(host) and internal_address(host) and host not in self.seed_hosts:
            return f"{REFUSED}: {host} is an internal address"
        return None

    def allows(self, url: str) -> bool:
        return self.refusal(url) is None


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver that refuses internal addresses for names no seed names. The
    answer it checked is the answer it caches and the connection uses (no DNS rebinding)."""

    trusted: ClassVar[set[str]] = set()  # seed hosts of every source this process crawls
    refused: ClassVar[dict[str, str]] = {}  # name → the internal address it resolved to

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 - Twisted's API
        checked: Deferred[str] = super().getHostByName(name, timeout)
        return checked.addCallback(self._check, name)

    def _check(self, address: str, name: str) -> str:
        if internal_address(address) and name.lower() not in self.trusted:
            self.refused[name.lower()] = address
            raise DNSLookupError(refusal_of_name(name))
        return address


def refusal_of_name(host: str) -> str | None:
    """Why the resolver refused host, if it did (Twisted reports only "no results")."""
    address = GuardedResolver.refused.get(host.lower())
    return f"{REFUSED}: {host} resolves to the internal address {address}" if address else None


class ScopeMiddleware:
    """Every request of a crawl, the redirected and refreshed ones included (Scrapy sends them
    through the downloader middlewares again), checked against its source's scope."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        refusal = getattr(self.crawler.spider, "refusal", None)
        reason = (refusal(request) if refusal is not None else None) or refusal_of_name(
            urlsplit(request.url).hostname or ""
        )
        if reason is not None:
            raise OutOfScopeError(reason)


def explain(url: str, error: str) -> str:
    """A failed fetch's error, naming the refusal when the resolver refused its host."""
    parts = _parts(url)
    reason = refusal_of_name(parts.hostname or "") if parts is not None else None
    return reason or error
