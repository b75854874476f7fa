"""The outbox: messages are written with their changes and sent later, exactly once.

A message is claimed (pending -> sending) before it goes out and marked sent right after, one
commit each, so a crash or a second dispatcher never sends it twice. A connection failure puts
the message back to pending for the next dispatch. Only a message stuck in "sending" past
STALE_CLAIM (the dispatcher died mid-send) is tried again; its fixed Message-ID lets mail clients
fold the rare duplicate.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select, update

from storage import Database, OutboxMessage, utcnow
from storage.db import changed_rows, row

from .email import ChannelDownError, PermanentDeliveryError

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=15)
MAX_ATTEMPTS = 20


class Channel(Protocol):
    def deliver(self, messages: list[OutboxMessage]) -> Iterator[tuple[OutboxMessage, Exception | None]]: ...


@dataclass
class DispatchReport:
    sent: int = 0
    failed: int = 0
    pending: int = 0
    error: str | None = None


def idempotency_key(message: OutboxMessage) -> str:
    """The same for every send of one message, so a receiver can drop the rare duplicate."""
    return f"policywatch-outbox-{message.id}-{message.created_at:%Y%m%d%H%M%S}"


def _claim(db: Database, now: datetime) -> list[OutboxMessage]:
    with db.session() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - STALE_CLAIM)
            .values(status="pending")
        )
        ids = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.id)
            )
        )
        claimed = []
        for message_id in ids:
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
                .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
            )
            if changed_rows(result) == 1:
                claimed.append(message_id)
        return list(
            session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id))
        )


def _settle(db: Database, message_id: int, error: Exception | None, *, channel_down: bool = False) -> str:
    """Record how a send ended. A channel that is down never fails a message, however long."""
    with db.session() as session:
        message = row(session, OutboxMessage, message_id)
        if error is None:
            message.status, message.sent_at, message.last_error = "sent", utcnow(), None
        elif not channel_down and (isinstance(error, PermanentDeliveryError) or message.attempts >= MAX_ATTEMPTS):
            message.status, message.last_error = "failed", str(error)[:1000]
        else:
            message.status, message.last_error = "pending", str(error)[:1000]
        return message.status


def dispatch(db: Database, channels: dict[str, Channel], now: datetime | None = None) -> DispatchReport:
    """Send every due pending message; never raises for a channel that is down."""
    report = DispatchReport()
    messages = _claim(db, now or utcnow())
    by_channel: dict[str, list[OutboxMessage]] = {}
    for message in messages:
        by_channel.setdefault(message.channel, []).append(message)
    for name, batch in by_channel.items():
        unsettled = {m.id for m in batch}
        channel = channels.get(name)
        try:
            if channel is None:
                raise RuntimeError(f"no {name} channel is configured")
            for message, error in channel.deliver(batch):
                status = _settle(db, message.id, error, channel_down=isinstance(error, ChannelDownError))
                unsettled.discard(message.id)
                report.sent += status == "sent"
                report.failed += status == "failed"
                report.pending += status == "pending"
        except (OSError, smtplib.SMTPException, RuntimeError) as exc:
            report.error = f"{name}: {exc}"
            log.warning("cannot deliver %d %s message(s): %s", len(unsettled), name, exc)
            for message_id in unsettled:
                _settle(db, message_id, exc, channel_down=True)
                report.pending += 1
    return report


def pending_count(db: Database) -> int:
    with db.session() as session:
        return len(session.scalars(select(OutboxMessage.id).where(OutboxMessage.status != "sent")).all())


def waiting(db: Database) -> list[OutboxMessage]:
    """Messages not sent yet (pending, being sent, failed), oldest first, for `policywatch outbox`."""
    with db.session() as session:
        return list(
            session.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent").order_by(OutboxMessage.id))
        )


def retry(db: Database, message_id: int, now: datetime | None = None) -> bool:
    """A failed message back to pending, due now, with its attempts counted afresh."""
    with db.session() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "failed")
            .values(status="pending", attempts=0, next_attempt_at=now or utcnow())
        )
        return changed_rows(result) == 1
