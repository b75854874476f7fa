"""The e-mail channel: smtplib, because Scrapy's MailSender needs the Twisted reactor."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import formatdate
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from storage import OutboxMessage


class SmtpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "localhost"
    port: int = Field(25, ge=1, le=65535)
    from_addr: str = "policywatch@localhost"
    username: str | None = None
    password: str | None = Field(None, repr=False)  # from $POLICYWATCH_SMTP_PASSWORD
    security: Literal["none", "starttls", "ssl"] = "none"
    timeout: float = Field(30.0, gt=0)


class PermanentDeliveryError(Exception):
    """The server refused the message itself; sending it again would fail again."""


class ChannelDownError(Exception):
    """The channel could not be reached for this message: it stays pending, however long."""


def ascii_domain(address: str) -> str:
    """The address with an internationalised domain in its ASCII form (例子.中国 → xn--…): every
    server takes that; only a non-ASCII local part needs the server's SMTPUTF8."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address  # not a domain IDNA takes: the server will say so, for this message only


def build_message(message: OutboxMessage, from_addr: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = from_addr
    email["To"] = ascii_domain(message.recipient)
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    # Stable per outbox row: if a send is repeated after a crash, mail clients see one message.
    domain = from_addr.rpartition("@")[2] or "policywatch"
    email["Message-ID"] = f"<outbox-{message.id}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"
    if message.unsubscribe_url:  # RFC 8058: mail clients show a one-click "unsubscribe"
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body_text, charset="utf-8")
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html", charset="utf-8")
    return email


class EmailChannel:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.username:
            smtp.login(s.username, s.password or "")
        return smtp

    def deliver(self, messages: list[OutboxMessage]) -> Iterator[tuple[OutboxMessage, Exception | None]]:
        """Send over one connection, yielding each message as it settles (None: sent).

        A refused message yields its error; a broken connection raises, and the caller keeps the
        messages not yet yielded pending.
        """
        with self._connect() as smtp:
            for message in messages:
                yield message, self._send(smtp, message)

    def _send(self, smtp: smtplib.SMTP, message: OutboxMessage) -> Exception | None:
        """One message's fate: None (sent), or the error that belongs to it alone. A broken
        connection raises: that is the channel's fate, and every message waits."""
        try:
            email = build_message(message, self.settings.from_addr)
        except (ValueError, TypeError) as exc:
            return PermanentDeliveryError(f"the message cannot be written: {exc}")
        try:
            smtp.send_message(email)
        except smtplib.SMTPNotSupportedError:
            return PermanentDeliveryError(
                f"the mail server does not take internationalised addresses (no SMTPUTF8): {message.recipient}"
            )
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            code = getattr(exc, "smtp_code", 0) or 0
            return PermanentDeliveryError(str(exc)) if code >= 500 or not code else exc
        except UnicodeEncodeError as exc:
            return PermanentDeliveryError(f"the address cannot be sent as it is: {exc}")
        return None
