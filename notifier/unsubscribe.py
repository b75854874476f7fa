"""One-click unsubscribe (RFC 8058): a link per subscription, signed with the deployment's secret.

The token is the subscription's id and an HMAC over its id, address and creation time: a forged
token fails the check, and a token of a subscription that was removed (or removed and made again)
names nothing. Without a secret there are no links: nobody could check them.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy.orm import Session

from storage import Subscription


def _signature(secret: str, subscription: Subscription) -> str:
    subject = f"{subscription.id}|{subscription.address}|{subscription.created_at:%Y-%m-%dT%H:%M:%S.%f}"
    return hmac.new(secret.encode(), subject.encode(), hashlib.sha256).hexdigest()[:32]


def token(secret: str, subscription: Subscription) -> str:
    return f"{subscription.id}.{_signature(secret, subscription)}"


def unsubscribe_url(base_url: str, secret: str | None, subscription: Subscription) -> str | None:
    """The link in a message's footer and List-Unsubscribe header, when both are configured."""
    if not secret or not base_url:
        return None
    return f"{base_url.rstrip('/')}/unsubscribe/{token(secret, subscription)}"


def manage_url(unsubscribe: str) -> str:
    """The page where the same token changes what the subscription is told (monitor/web/subscribe.py)."""
    base, _, value = unsubscribe.rpartition("/unsubscribe/")
    return f"{base}/manage/{value}"


def subscription_for(session: Session, secret: str | None, value: str) -> Subscription | None:
    """The subscription a token names, if it is genuine and still exists."""
    number, _, signature = value.partition(".")
    if not secret or not (number.isascii() and number.isdigit() and len(number) <= MAX_ID_DIGITS):
        return None
    subscription = session.get(Subscription, int(number))
    expected = _signature(secret, subscription).encode() if subscription is not None else b""
    if subscription is None or not hmac.compare_digest(signature.encode("utf-8", "replace"), expected):
        return None
    return subscription


MAX_ID_DIGITS = 18  # every id of this many digits fits a database integer
