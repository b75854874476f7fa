"""The admin pages: crawl a source now, see and manage subscriptions, follow a document. Every
action, and the list of subscribers, needs the token from the config ([web] admin_token), as a
form field or a Bearer header; without one, actions are off."""

from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from notifier.address import channel_of
from storage import Subscription, queries

from .common import Db, WriteDb, get_document, page, settings_of

router = APIRouter(include_in_schema=False)


class Throttle:
    """Wrong admin tokens from one client: after `limit` within `window` seconds, every admin
    request from it is answered 429 until the oldest of them is older than the window."""

    def __init__(self, limit: int = 5, window: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._wrong: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, client: str) -> deque[float]:
        wrong, now = self._wrong[client], self.clock()
        while wrong and now - wrong[0] > self.window:
            wrong.popleft()
        return wrong

    def check(self, client: str) -> None:
        with self._lock:
            if len(self._recent(client)) >= self.limit:
                raise HTTPException(429, "too many wrong admin tokens: try again later")

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(self.clock())


def _require_admin(request: Request, form_token: str) -> None:
    expected = settings_of(request).web.admin_token
    if not expected:
        raise HTTPException(403, "admin actions are off: set [web] admin_token in the config")
    throttle: Throttle = request.app.state.admin_throttle
    client = request.client.host if request.client else "?"
    throttle.check(client)
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else form_token
    if not hmac.compare_digest(token.encode(), expected.encode()):
        throttle.failed(client)
        raise HTTPException(403, "wrong admin token")


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request) -> HTMLResponse:
    """The admin forms; who is subscribed is shown only to the token (POST /admin)."""
    return _admin(request, None)


@router.post("/admin", response_class=HTMLResponse)
def admin_subscribers(request: Request, s: Db, token: Annotated[str, Form()] = "") -> HTMLResponse:
    _require_admin(request, token)
    return _admin(request, list(s.scalars(select(Subscription).order_by(Subscription.id))))


def _admin(request: Request, subscriptions: list[Subscription] | None) -> HTMLResponse:
    settings = settings_of(request)
    return page(
        request,
        "admin.html",
        subscriptions=subscriptions,
        sources=[x.name for x in settings.sources()],
        enabled=bool(settings.web.admin_token),
        message=request.query_params.get("message", ""),
    )


@router.post("/admin/crawl")
def admin_crawl(
    request: Request, source: Annotated[str, Form()], token: Annotated[str, Form()] = ""
) -> RedirectResponse:
    _require_admin(request, token)
    settings = settings_of(request)
    chosen = [x for x in settings.sources() if x.name == source]
    if not chosen:
        raise HTTPException(404, f"no source {source}")
    from ..ops.crawl import crawl  # imports Scrapy: only when asked

    db = request.app.state.db
    threading.Thread(target=crawl, args=(settings, chosen), kwargs={"db": db}, daemon=True).start()
    return RedirectResponse(f"/admin?message=crawl+of+{source}+started", status_code=303)


@router.post("/admin/subscriptions")
def admin_subscribe(
    request: Request,
    s: WriteDb,
    address: Annotated[str, Form()],
    keywords: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
    remove: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    _require_admin(request, token)
    if remove:
        queries.unsubscribe(s, address)
    else:
        queries.subscribe(s, address, [], keywords.split(), _channel(address))
    return RedirectResponse("/admin?message=saved", status_code=303)


def _channel(address: str) -> str:
    try:
        return channel_of(address.strip())
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None


@router.post("/admin/follow")
def admin_follow(
    request: Request,
    s: WriteDb,
    address: Annotated[str, Form()],
    document_id: Annotated[int, Form()],
    token: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """The address is told about this document (and its final) whatever its filters say."""
    _require_admin(request, token)
    get_document(s, document_id)
    queries.follow(s, address.strip(), document_id, _channel(address))
    return RedirectResponse(f"/documents/{document_id}?followed=1", status_code=303)
