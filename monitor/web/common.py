"""What the web app's routers share: the database session, templates, lookups that answer 404,
and the document-list query the page and the API both run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cleaning.urls import link_or_nothing
from notifier.address import shown
from notifier.wording import ZH
from storage import Change, Document, Source, Version, queries, utcnow
from storage.models import CHANGE_KINDS

from ..config import Settings
from ..diff.render_html import stylesheet

HERE = Path(__file__).parent
Row = TypeVar("Row", Document, Version, Change)
PER_PAGE = 50
KINDS = CHANGE_KINDS
KIND_LABELS = ZH.kinds
PERIODS = {"today": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=31)}

# Autoescaped (crawled text is hostile); the diff stylesheet is ours.
templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html", "xml", "atom"]))
)
templates.env.globals.update(kind_labels=KIND_LABELS, diff_css=Markup(stylesheet()))
templates.env.filters["address"] = shown  # chat URLs carry tokens
templates.env.filters["link"] = link_or_nothing  # a crawled href is linked only if http(s) or mailto


def _session(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as session:
        yield session


Db = Annotated[Session, Depends(_session)]
# For routes that write: committed before the response goes out, so the next request sees it.
WriteDb = Annotated[Session, Depends(_session, scope="function")]


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def page(request: Request, name: str, partial: str | None = None, **context: object) -> HTMLResponse:
    """The whole page; or, when htmx asks (a filter changed), only the part it swaps."""
    wanted = partial if partial and request.headers.get("HX-Request") == "true" else name
    return templates.TemplateResponse(request, wanted, context)


def since(period: str | None) -> datetime | None:
    return utcnow() - PERIODS[period] if period in PERIODS else None


MAX_ID = 2**63 - 1  # what a database integer holds: any larger id names nothing
MAX_PAGE = 10**9


def _row(s: Session, model: type[Row], row_id: int, name: str) -> Row:
    """The row with this id, or 404: also for an id no database integer can hold."""
    row = s.get(model, row_id) if 0 < row_id <= MAX_ID else None
    if row is None:
        raise HTTPException(404, f"no {name} {row_id}")
    return row


def get_document(s: Session, document_id: int) -> Document:
    return _row(s, Document, document_id, "document")


def get_version(s: Session, version_id: int) -> Version:
    return _row(s, Version, version_id, "version")


def get_change(s: Session, change_id: int) -> Change:
    return _row(s, Change, change_id, "change")


def source_names(s: Session) -> list[str]:
    return list(s.scalars(select(Source.name).order_by(Source.name)))


@dataclass
class ListQuery:
    """The document list's query parameters, the same for the page and the API."""

    q: str = ""
    source: str = ""
    status: str = ""  # draft or final
    period: str = ""  # today, week, month: changed since
    has_final: bool = False
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1


FIRST_INDEX_WAIT = 10.0  # seconds a search waits for the server's first indexing pass


def document_filter(request: Request, asked: ListQuery) -> queries.DocumentFilter:
    """The list's filters for the storage query. Right after the server starts, a search waits
    (a little) for the first indexing pass."""
    if asked.q:
        request.app.state.indexed.wait(FIRST_INDEX_WAIT)
    return queries.DocumentFilter(
        q=asked.q.strip(),
        source=asked.source or None,
        status=asked.status or None,
        changed_since=since(asked.period),
        has_final=asked.has_final,
    )


def find(request: Request, s: Session, asked: ListQuery) -> queries.Found:
    """One page of the documents the list's filters and search select, and how many (capped)."""
    found = document_filter(request, asked)
    return queries.documents(s, found, offset=(asked.page - 1) * PER_PAGE, limit=PER_PAGE)
