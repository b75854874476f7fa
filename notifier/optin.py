"""Double opt-in: a subscription asked for on the web exists only once its address confirms it.

Anyone can type any address into a form, so the form only sends that address a message with a
signed link; the subscription is made when the link is followed. The link carries what was asked
(address, search, source, document) and when, signed with the deployment's secret: nothing is
stored for an offer nobody confirms, a forged or altered link fails the check, and an old one
(OFFER_DAYS) has lapsed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from storage import OutboxMessage

OFFER_DAYS = 7
MAX_TOKEN = 2000


@dataclass(frozen=True)
class Offer:
    """What a visitor asked to be told about: a search, a source, or one document."""

    address: str
    query: str = ""
    source: str = ""
    document_id: int | None = None
    made_at: str = ""  # ISO, UTC


def _sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), b"optin|" + body, hashlib.sha256).hexdigest()[:32]


def offer_token(secret: str, offer: Offer) -> str:
    body = base64.urlsafe_b64encode(json.dumps(asdict(offer), ensure_ascii=False).encode()).decode().rstrip("=")
    return f"{body}.{_sign(secret, body.encode())}"


def read_offer(secret: str | None, token: str, now: datetime) -> Offer | None:
    """The offer a genuine, unexpired token carries; None for anything else."""
    body, _, signature = token.partition(".")
    if not secret or len(token) > MAX_TOKEN or not body.isascii():
        return None
    if not hmac.compare_digest(signature.encode("utf-8", "replace"), _sign(secret, body.encode()).encode()):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        offer = Offer(**data)
        made = datetime.fromisoformat(offer.made_at)
    except (ValueError, TypeError):
        return None
    return offer if now - made <= timedelta(days=OFFER_DAYS) else None


def confirmation(offer: Offer, link: str, what: str) -> OutboxMessage:
    """The message asking the address to confirm, in both languages (the address has chosen
    none yet); sent like any other, through the outbox."""
    text = (
        f"有人（希望是您）在 policywatch 订阅了：{what}\n"
        f"Someone (we hope you) asked policywatch to send {offer.address} messages about: {what}\n\n"
        f"确认订阅 Confirm: {link}\n\n"
        f"如果不是您本人操作，请忽略本邮件：不确认就不会有任何消息。\n"
        f"If this was not you, ignore this message: nothing is sent unless you confirm.\n"
    )
    return OutboxMessage(
        channel="email",
        recipient=offer.address,
        subject="[policywatch] 请确认订阅 Please confirm your subscription",
        body_text=text,
        kind="confirm",
    )
