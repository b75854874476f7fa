"""Every channel a message can go out by, keyed as subscriptions name them: the outbox's
dispatcher looks a message's channel up here."""

from __future__ import annotations

from .chat import AppriseChannel
from .email import EmailChannel, SmtpSettings
from .outbox import Channel
from .webhook import WebhookChannel


def channels(smtp: SmtpSettings) -> dict[str, Channel]:
    return {"email": EmailChannel(smtp), "webhook": WebhookChannel(), "chat": AppriseChannel()}
