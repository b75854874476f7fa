"""Which node crawls a source: rendezvous (highest random weight) hashing on its domain.

Every scheduler ranks the nodes the same way for a domain, so a domain is always crawled from the
same node while that node answers, and the per-domain politeness Scrapy keeps stays on one host.
When the first node is down, the next in the domain's own order takes it; adding or removing a
node moves only the domains that ranked it first.
"""

from __future__ import annotations

import hashlib

from crawler.source import Source


def domain_of(source: Source) -> str:
    """The host a source is pinned by: the first of its hosts, in order."""
    return sorted(source.hosts)[0]


def ranked(domain: str, nodes: list[str]) -> list[str]:
    """The nodes in this domain's order of preference."""
    return sorted(nodes, key=lambda node: hashlib.sha256(f"{node}|{domain}".encode()).digest(), reverse=True)
