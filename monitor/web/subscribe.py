"""Self-service for watchers: subscribe to a search, a source or a document by e-mail from the web
page, confirm it from the message that asks (double opt-in), and later change or cancel it from
the link every message carries. No login: the links are signed with `[notify] secret`, and
without one (or without `[web] base_url`, which the links need) these pages say so and do nothing.

GETs only show (mail scanners follow links); every change is a POST.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notifier.address import channel_of
from notifier.channels import channels
from notifier.optin import Offer, confirmation, offer_token, read_offer
from notifier.outbox import dispatch
from notifier.unsubscribe import subscription_for, token
from storage import OutboxMessage, Subscription, queries, utcnow
from storage.models import CHANGE_KINDS

from ..config import Settings
from .common import Db, WriteDb, get_document, page, settings_of

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
RHYTHMS = ("immediate", "daily", "weekly")
ASKS_PER_DAY = 3  # confirmation messages one address gets in a day, whoever asks


def _ready(settings: Settings) -> bool:
    return bool(settings.notify.secret and settings.web.base_url)


def _what(offer: Offer, title: str | None) -> str:
    parts = [
        f"搜索 search «{offer.query}»" if offer.query else "",
        f"来源 source {offer.source}" if offer.source else "",
    ]
    if offer.document_id is not None:
        parts.append(f"文件 document «{title or offer.document_id}»")
    return ", ".join(p for p in parts if p) or "全部 everything"


@router.get("/subscribe")
def form(request: Request, s: Db, q: str = "", source: str = "", document: int | None = None) -> HTMLResponse:
    title = get_document(s, document).title if document is not None else None
    offer = Offer("", q.strip(), source, document)
    return page(request, "subscribe.html", state="form", offer=offer, what=_what(offer, title))


@router.post("/subscribe")
def ask(
    request: Request,
    s: WriteDb,
    background: BackgroundTasks,
    address: Annotated[str, Form(max_length=300)],
    q: Annotated[str, Form(max_length=200)] = "",
    source: Annotated[str, Form(max_length=100)] = "",
    document: Annotated[int | None, Form()] = None,
) -> HTMLResponse:
    """Send the address a link to confirm; nothing is subscribed yet."""
    settings = settings_of(request)
    title = get_document(s, document).title if document is not None else None
    offer = Offer(address.strip(), q.strip(), source.strip(), document, utcnow().isoformat())
    if not _ready(settings):
        return _refused(request, "not_ready", offer, title)
    if not _is_email(offer.address) or (offer.source and offer.source not in {x.name for x in settings.sources()}):
        return _refused(request, "not_email", offer, title)
    if _asked_lately(s, offer.address) >= ASKS_PER_DAY:  # the form must not become a way to send mail
        return _refused(request, "too_often", offer, title)
    link = f"{settings.web.base_url.rstrip('/')}/subscribe/confirm/{offer_token(str(settings.notify.secret), offer)}"
    s.add(confirmation(offer, link, _what(offer, title)))
    background.add_task(dispatch, request.app.state.db, channels(settings.smtp))  # sent after the answer
    return page(request, "subscribe.html", state="sent", offer=offer, what=_what(offer, title))


def _is_email(address: str) -> bool:
    try:
        return channel_of(address) == "email"
    except ValueError:
        return False


def _asked_lately(s: Session, address: str) -> int:
    since = utcnow() - timedelta(days=1)
    asked = select(func.count()).where(
        OutboxMessage.recipient == address, OutboxMessage.kind == "confirm", OutboxMessage.created_at >= since
    )
    return s.scalar(asked) or 0


def _refused(request: Request, state: str, offer: Offer, title: str | None) -> HTMLResponse:
    response = page(request, "subscribe.html", state=state, offer=offer, what=_what(offer, title))
    response.status_code = 400
    return response


@router.get("/subscribe/confirm/{value}")
def confirm_form(request: Request, s: Db, value: str) -> HTMLResponse:
    offer = read_offer(settings_of(request).notify.secret, value, utcnow())
    if offer is None:
        return _invalid(request)
    title = get_document(s, offer.document_id).title if offer.document_id is not None else None
    return page(request, "subscribe.html", state="confirm", offer=offer, what=_what(offer, title), token=value)


@router.post("/subscribe/confirm/{value}")
def confirm(request: Request, s: WriteDb, value: str) -> Response:
    """Make the subscription (or the follow) the link names; then its page, to change it."""
    settings = settings_of(request)
    offer = read_offer(settings.notify.secret, value, utcnow())
    if offer is None or not settings.notify.secret:
        return _invalid(request)
    if offer.document_id is not None:
        subscription = queries.follow(s, offer.address, get_document(s, offer.document_id).id, "email")
    else:
        known = queries.subscription_of(s, offer.address, "email")
        keywords = sorted({*(known.keywords if known else []), *([offer.query] if offer.query else [])})
        sources = sorted({*(known.sources if known else []), *([offer.source] if offer.source else [])})
        subscription = queries.subscribe(s, offer.address, sources, keywords, "email")
    s.flush()
    return RedirectResponse(f"/manage/{token(settings.notify.secret, subscription)}?confirmed=1", status_code=303)


def _invalid(request: Request) -> HTMLResponse:
    response = page(request, "subscribe.html", state="invalid", offer=Offer(""), what="")
    response.status_code = 404
    return response


@router.get("/manage/{value}")
def manage_form(request: Request, s: Db, value: str) -> HTMLResponse:
    subscription = subscription_for(s, settings_of(request).notify.secret, value)
    if subscription is None:
        return _invalid(request)
    return _manage_page(request, subscription, value)


def _manage_page(request: Request, subscription: Subscription, value: str) -> HTMLResponse:
    return page(request, "manage.html", subscription=subscription, token=value, kinds=CHANGE_KINDS, rhythms=RHYTHMS)


@router.post("/manage/{value}")
def manage(
    request: Request,
    s: WriteDb,
    value: str,
    keywords: Annotated[str, Form(max_length=2000)] = "",
    kinds: Annotated[list[str] | None, Form()] = None,
    rhythm: Annotated[str, Form()] = "immediate",
    reprints: Annotated[str, Form()] = "once",
) -> HTMLResponse:
    """Change what the subscription is told about and how often; its address and sources stay."""
    subscription = subscription_for(s, settings_of(request).notify.secret, value)
    if subscription is None:
        return _invalid(request)
    words = [line.strip() for line in keywords.splitlines() if line.strip()][:50]
    chosen: list[str] = [k for k in kinds or [] if k in CHANGE_KINDS]
    every = queries.Rhythm(
        rhythm if rhythm in RHYTHMS else "immediate",
        subscription.digest_at,
        subscription.quiet_hours,
        subscription.remind_days,
    )
    queries.subscribe(
        s,
        subscription.address,
        list(subscription.sources),
        words,
        subscription.channel,
        every,
        chosen,
        "each" if reprints == "each" else "once",
    )
    return _manage_page(request, subscription, value)
