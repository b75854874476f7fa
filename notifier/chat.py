"""Chat apps through Apprise: DingTalk, WeCom, Feishu/Lark, Slack, Telegram, ntfy, json:// and
the rest of its URL schemes. A subscription's address is an Apprise URL, validated by Apprise
itself; the message is Markdown where the app renders it, plain text where it does not, cut to
the app's size limit."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import apprise

from storage import OutboxMessage

from .email import ChannelDownError, PermanentDeliveryError
from .markdown import escape, fit
from .outbox import idempotency_key

CUT_TAIL = "…(更多见网页 more on the web page)"
# Apprise says only whether a send worked; its log names the HTTP status ("…error=400."). A 4xx
# other than 408/429 is the app refusing this message or this address: sending again would fail.
_REFUSED = re.compile(r"error=4(?!08|29)\d\d\b")


@contextmanager
def _apprise_said() -> Iterator[io.StringIO]:
    """Apprise's warnings for this call, kept from the program's own log (we report them ourselves)."""
    logger = logging.getLogger("apprise")
    propagated, logger.propagate = logger.propagate, False
    try:
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
            yield log
    finally:
        logger.propagate = propagated


def is_chat_address(address: str) -> bool:
    """An Apprise URL rather than an e-mail address or our own http(s) webhook."""
    return "://" in address and not address.lower().startswith(("http://", "https://", "mailto:"))


def check_chat_url(address: str) -> str | None:
    """None if Apprise can send to address, else the reason in one line."""
    with _apprise_said() as log:
        plugin = apprise.Apprise.instantiate(address)
        said = log.getvalue().splitlines()
    if plugin is None:
        scheme = address.split("://", 1)[0]
        why = f": {said[0].strip()}" if said else ""
        return f"not a chat address Apprise can use: {scheme}://…{why} (see https://github.com/caronc/apprise/wiki)"
    return None


# Apprise's generic targets take extra HTTP headers as "+Name=value" in the URL's query.
_HEADER_SCHEMES = ("json", "jsons", "form", "forms", "xml", "xmls")


def _target(message: OutboxMessage) -> str:
    """The address, with an Idempotency-Key header where the target is a generic HTTP one."""
    scheme = message.recipient.split("://", 1)[0].lower()
    if scheme not in _HEADER_SCHEMES:
        return message.recipient
    joiner = "&" if "?" in message.recipient else "?"
    return f"{message.recipient}{joiner}{urlencode({'+Idempotency-Key': idempotency_key(message)})}"


def _formats(plugin: apprise.NotifyBase) -> tuple:
    formats = plugin.notify_format
    return formats if isinstance(formats, tuple) else (formats,)


class AppriseChannel:
    """One notify() per message; Markdown where the app takes it."""

    def deliver(self, messages: list[OutboxMessage]) -> Iterator[tuple[OutboxMessage, Exception | None]]:
        for message in messages:
            with _apprise_said():
                plugin = apprise.Apprise.instantiate(_target(message))
            if plugin is None:
                yield message, PermanentDeliveryError(check_chat_url(message.recipient) or "not a chat address")
                continue
            markdown = apprise.NotifyFormat.MARKDOWN in _formats(plugin) and message.body_markdown
            body = message.body_markdown if markdown else message.body_text
            body = fit(body, plugin.body_maxlen, CUT_TAIL)
            title = (escape(message.subject) if markdown else message.subject) if plugin.title_maxlen else ""
            with _apprise_said() as log:
                sent = plugin.notify(
                    body=body,
                    title=title[: plugin.title_maxlen],
                    body_format=apprise.NotifyFormat.MARKDOWN if markdown else apprise.NotifyFormat.TEXT,
                )
                said = " ".join(log.getvalue().split())[-500:]
            if sent:
                yield message, None
            elif _REFUSED.search(said):
                yield message, PermanentDeliveryError(said or "refused by the chat app")
            else:
                yield message, ChannelDownError(said or "the chat app did not take the message")
