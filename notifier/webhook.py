"""The chat-webhook channel: one JSON POST per message to the subscriber's URL."""

from __future__ import annotations

from collections.abc import Iterator

import requests

from storage import OutboxMessage

from .email import PermanentDeliveryError
from .outbox import idempotency_key

TIMEOUT_SECONDS = 15


class WebhookChannel:
    """Posts {"subject", "text", "html"}; a 4xx answer is permanent, anything else is retried."""

    def __init__(self, session: requests.Session | None = None) -> None:
        self.http = session or requests.Session()

    def deliver(self, messages: list[OutboxMessage]) -> Iterator[tuple[OutboxMessage, Exception | None]]:
        for message in messages:
            payload = {"subject": message.subject, "text": message.body_text, "html": message.body_html}
            try:
                response = self.http.post(
                    message.recipient,
                    json=payload,
                    headers={"Idempotency-Key": idempotency_key(message)},
                    timeout=TIMEOUT_SECONDS,
                )
            except requests.RequestException as exc:
                yield message, exc
                continue
            if 200 <= response.status_code < 300:
                yield message, None
            elif 400 <= response.status_code < 500 and response.status_code != 429:
                yield message, PermanentDeliveryError(f"HTTP {response.status_code} from the webhook")
            else:
                yield message, RuntimeError(f"HTTP {response.status_code} from the webhook")
