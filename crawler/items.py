"""What the spider hands the pipeline: one fetched page, good or bad."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .links import Listing


@dataclass
class PageFetched:
    url: str  # the URL asked for: a document's identity, even when the server redirected
    kind: Literal["listing", "document", "attachment"]
    run_id: int = 0  # the run it was fetched for
    status: int | None = None  # None when no HTTP response came back
    body: bytes = b""
    encoding: str | None = None  # charset from the Content-Type header, a hint only
    final_url: str | None = None
    error: str | None = None
    documents_found: int = 0  # for listing pages: document links read off the page
    not_modified: bool = False  # the server said 304, or Scrapy's HTTP cache held a fresh copy
    rendered: bool = False  # fetched through the browser
    script_built: bool = False  # a static listing naming no documents (or only a weak list) but running scripts
    parent_url: str | None = None  # an attachment's page
    content_type: str | None = None
    listing: Listing | None = None  # for listing pages: what was read off it (policywatch try shows it)
    listed: dict[str, str] | None = None  # for documents: their row in a catalogue table (文号, 发文机关…)
