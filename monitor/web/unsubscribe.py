"""Leaving a list in one click, without login: /unsubscribe/TOKEN from a message's footer or its
List-Unsubscribe header. GET only asks (mail scanners follow links); POST removes, whether from
the page's button or a mail client's RFC 8058 one-click request. A forged, altered or old token
changes nothing and says only that the link is not valid."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from notifier.address import shown
from notifier.unsubscribe import subscription_for

from .common import Db, WriteDb, page, settings_of

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _not_valid(request: Request) -> HTMLResponse:
    response = page(request, "unsubscribe.html", state="invalid", address="", token="")
    response.status_code = 404
    return response


@router.get("/unsubscribe/{token}")
def confirm(request: Request, s: Db, token: str) -> HTMLResponse:
    subscription = subscription_for(s, settings_of(request).notify.secret, token)
    if subscription is None:
        return _not_valid(request)
    return page(request, "unsubscribe.html", state="confirm", address=shown(subscription.address), token=token)


@router.post("/unsubscribe/{token}")
def unsubscribe(request: Request, s: WriteDb, token: str) -> HTMLResponse:
    subscription = subscription_for(s, settings_of(request).notify.secret, token)
    if subscription is None:
        return _not_valid(request)
    address = shown(subscription.address)
    s.delete(subscription)
    return page(request, "unsubscribe.html", state="done", address=address, token="")
