"""What the daemon sends on the clock rather than after a crawl: digests of a period's events
(daily or weekly, at the subscriber's hour), reminders of drafts whose comment deadline is near
(once a day), and documents whose stated validity has ended (expired). Each is written with its
bookkeeping in one transaction, so it is composed once, whatever crashes; `now` is injectable
for tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from notifier import compose
from notifier.notices import DraftReminder
from notifier.rhythm import digest_period
from storage import Change, Database, Subscription, utcnow

from ..config import Settings
from ..detect.changes import enqueue_notices, notice_for, with_attachments
from ..detect.deadlines import OpenDraft, drafts_closing, how_to_comment
from ..detect.validity import expire_due


def send_digests(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Compose every digest that is due; returns how many messages were written."""
    now, delivery, written = now or utcnow(), settings.delivery(), 0
    with db.session() as session:
        digesting = session.scalars(select(Subscription).where(Subscription.rhythm.in_(("daily", "weekly"))))
        follows = compose.followed_documents(session)
        for subscription in digesting:
            since = subscription.last_digest_at or subscription.created_at
            period = digest_period(subscription.rhythm, subscription.digest_at, since, now, delivery.timezone)
            if period is None:
                continue
            changes = session.scalars(
                select(Change)
                .where(Change.detected_at > period[0], Change.detected_at <= period[1])
                .order_by(Change.detected_at, Change.id)
            )
            notices = with_attachments([notice_for(session, change) for change in changes])
            digest = compose.enqueue_digest(session, subscription, notices, period, delivery, follows[subscription.id])
            written += digest is not None
            subscription.last_digest_at = period[1]
    return written


def _reminders_for(subscription: Subscription, drafts: list[OpenDraft], followed: set[int]) -> list[DraftReminder]:
    """The drafts within the subscriber's window that it follows or its filters take."""
    return [
        DraftReminder(
            draft.version.title,
            draft.document.url,
            draft.document.source.name,
            draft.deadline.isoformat(),
            draft.days_left,
            how_to_comment(draft.version.text),
        )
        for draft in drafts
        if draft.days_left <= (subscription.remind_days or 0)
        and (
            draft.document.id in followed
            or compose.selects(subscription, draft.document.source.name, f"{draft.version.title}\n{draft.version.text}")
        )
    ]


def send_reminders(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Once a local day per subscriber who asked: the open drafts whose deadline is near."""
    delivery = settings.delivery()
    today = compose.local_today(delivery.timezone, now)
    written = 0
    with db.session() as session:
        asking = [
            s
            for s in session.scalars(select(Subscription).where(Subscription.remind_days.is_not(None)))
            if s.last_reminder_on != today.isoformat()
        ]
        if not asking:
            return 0
        follows = compose.followed_documents(session)
        drafts = drafts_closing(session, today, max(s.remind_days or 0 for s in asking))  # once for all of them
        for subscription in asking:
            mine = _reminders_for(subscription, drafts, follows[subscription.id])
            written += compose.enqueue_reminder(session, subscription, mine, delivery) is not None
            subscription.last_reminder_on = today.isoformat()
    return written


def send_expiries(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Once a local day, even when nothing is crawled: documents whose stated validity ended
    yesterday become `expired` events, told like any other."""
    delivery = settings.delivery()
    with db.session() as session:
        expired = expire_due(session, compose.local_today(delivery.timezone, now))
        enqueue_notices(session, expired, delivery)
    return len(expired)
