"""Matching events to subscriptions and rendering one message per subscriber per crawl."""

from __future__ import annotations

from collections import Counter

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import OutboxMessage, Subscription

from .notices import Notice

KIND_LABELS = {
    "new": "新发布 new",
    "changed": "已修改 changed",
    "removed": "已删除 removed",
    "restored": "已恢复 restored",
    "finalized": "正式稿 finalized",
}
_env = Environment(
    loader=PackageLoader("notifier", "templates"),
    autoescape=select_autoescape(["html"]),  # crawled text is hostile
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def matches(subscription: Subscription, notice: Notice) -> bool:
    if subscription.sources and notice.source not in subscription.sources:
        return False
    if not subscription.keywords:
        return True
    haystack = f"{notice.title}\n{notice.related_title or ''}\n{notice.text}"
    return any(word in haystack for word in subscription.keywords)


def subject(notices: list[Notice]) -> str:
    counts = Counter(n.kind for n in notices)
    parts = ", ".join(f"{count} {kind}" for kind, count in counts.items())
    first = notices[0].title if len(notices[0].title) <= 40 else notices[0].title[:39] + "…"
    return f"[policywatch] {parts}: {first}"


def render(notices: list[Notice], base_url: str = "") -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one digest."""
    context = {"notices": notices, "labels": KIND_LABELS, "base_url": base_url.rstrip("/")}
    return (
        subject(notices),
        _env.get_template("digest.txt").render(context),
        _env.get_template("digest.html").render(context),
    )


def subscriptions(session: Session) -> list[Subscription]:
    return list(session.scalars(select(Subscription).order_by(Subscription.id)))


def enqueue(session: Session, notices: list[Notice], base_url: str = "") -> list[OutboxMessage]:
    """One outbox message per subscription with matching events; same transaction as the events."""
    if not notices:
        return []
    messages = []
    for subscription in subscriptions(session):
        mine = [n for n in notices if matches(subscription, n)]
        if not mine:
            continue
        title, text, html = render(mine, base_url)
        message = OutboxMessage(
            channel=subscription.channel,
            recipient=subscription.address,
            subject=title,
            body_text=text,
            body_html=html,
            change_ids=[n.change_id for n in mine],
        )
        session.add(message)
        messages.append(message)
    session.flush()
    return messages
