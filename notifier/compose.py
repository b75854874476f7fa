"""Matching events to subscriptions and rendering their messages: one per subscriber per crawl
(immediate), one per period (digests), one per day (deadline reminders); in HTML and text for
e-mail, Markdown and text for chat apps."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cleaning.urls import link_or_nothing
from storage import Follow, OutboxMessage, Subscription, utcnow
from storage.search_query import Query, parse, simplified

from . import markdown
from .notices import DraftReminder, Notice
from .rhythm import quiet_until
from .unsubscribe import manage_url, unsubscribe_url
from .wording import ZH, Wording, wording

_env = Environment(
    loader=PackageLoader("notifier", "templates"),
    autoescape=select_autoescape(["html"]),  # crawled text is hostile
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["link"] = link_or_nothing
_env.filters["manage"] = manage_url
markdown.environment.filters["manage"] = manage_url


def local_time(moment: str, timezone: str) -> str:
    """A UTC time (ISO, as events carry it) as the reader's clock shows it."""
    try:
        utc = datetime.strptime(moment, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return f"{utc.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M} ({timezone})"
    except (ValueError, KeyError):
        return moment


_env.filters["local"] = local_time


def local_today(timezone: str, now: datetime | None = None) -> date:
    """The reader's date now (a validity period ends on a local day)."""
    return (now or utcnow()).replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True)
class Delivery:
    """What every message of a deployment shares."""

    base_url: str = ""  # the web page, for diff and unsubscribe links
    secret: str | None = None  # signs unsubscribe links
    timezone: str = "Asia/Shanghai"  # of digest hours and quiet hours
    language: str = "zh"  # of the words around the content (wording.py)

    @property
    def words(self) -> Wording:
        return wording(self.language)


def selects(subscription: Subscription, source: str, text: str) -> bool:
    """The subscription's filters take a document of this source with this text. A keyword is
    a search (words all present, "a phrase", -excluded, OR), simplified and traditional alike."""
    if subscription.sources and source not in subscription.sources:
        return False
    if not subscription.keywords:
        return True
    plain = _simplified(text)
    return any(_query(word).matches(plain) for word in subscription.keywords)


@lru_cache(maxsize=512)
def _query(words: str) -> Query:
    return parse(words, lambda word: [word])


@lru_cache(maxsize=64)
def _simplified(text: str) -> str:
    return simplified(text)


def matches(subscription: Subscription, notice: Notice) -> bool:
    return selects(subscription, notice.source, f"{notice.title}\n{notice.related_title or ''}\n{notice.text}")


def wanted(subscription: Subscription, notice: Notice, followed: set[int]) -> bool:
    """A kind it asked for, and its filters match, or it follows the document (or the draft a
    final finalizes, the document a repeal ended)."""
    if subscription.kinds and notice.kind not in subscription.kinds:
        return False
    return notice.document_id in followed or notice.related_document_id in followed or matches(subscription, notice)


def told_before(subscription: Subscription, notice: Notice) -> bool:
    """A reprint's subscriber was told about its original: subscribed by then, and the original
    (of its source, with the same text) passed its filters."""
    if notice.original_seen is None or notice.original_source is None:
        return False
    subscribed = f"{subscription.created_at:%Y-%m-%dT%H:%M:%S}"
    return subscribed <= notice.original_seen and selects(
        subscription, notice.original_source, f"{notice.title}\n{notice.text}"
    )


def for_subscriber(subscription: Subscription, notices: list[Notice], followed: set[int]) -> list[Notice]:
    """The notices it wants; unless it asked for each reprint (reprints = "each"), a reprint goes
    under its original's entry when both are here, and is left out when it was told of the original."""
    # Copies: what goes under an original differs from one subscriber to the next.
    mine = [replace(n, republished=[], republished_changes=[]) for n in notices if wanted(subscription, n, followed)]
    if subscription.reprints == "each":
        return mine
    originals = {n.document_id: n for n in mine if n.reprint_of is None}
    kept = []
    for notice in mine:
        original = originals.get(notice.reprint_of) if notice.reprint_of is not None else None
        if original is not None:
            original.republished.append((notice.source, notice.title, notice.url))
            original.republished_changes.append(notice.change_id)
        elif notice.reprint_of is None or not told_before(subscription, notice):
            kept.append(notice)
    return kept


def followed_documents(session: Session) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for subscription_id, document_id in session.execute(select(Follow.subscription_id, Follow.document_id)):
        found[subscription_id].add(document_id)
    return found


def subject(notices: list[Notice], words: Wording = ZH) -> str:
    counts = Counter(n.kind for n in notices)
    parts = ", ".join(f"{count} {words.kinds[kind]}" for kind, count in counts.items())
    first = notices[0].title if len(notices[0].title) <= 40 else notices[0].title[:39] + "…"
    return f"[policywatch] {parts}: {first}"


def render(
    notices: list[Notice], base_url: str = "", timezone: str = "Asia/Shanghai", words: Wording = ZH, **extra: object
) -> tuple[str, str, str]:
    """(plain text, HTML, Markdown) of a list of events, in the reader's words and on their clock."""
    context = {
        "notices": notices,
        "w": words,
        "base_url": base_url.rstrip("/"),
        "heading": None,
        "timezone": timezone,
    }
    return _bodies("digest", {"unsubscribe": None} | context | extra)


def _bodies(name: str, context: dict) -> tuple[str, str, str]:
    """The template `name` as plain text, HTML (autoescaped) and Markdown (escaped)."""
    return (
        _env.get_template(f"{name}.txt").render(context),
        _env.get_template(f"{name}.html").render(context),
        markdown.environment.get_template(f"{name}.md").render(context),
    )


def subscriptions(session: Session) -> list[Subscription]:
    return list(session.scalars(select(Subscription).order_by(Subscription.id)))


def _message(
    subscription: Subscription,
    title: str,
    bodies: tuple[str, str, str],
    kind: str,
    unsubscribe: str | None,
    notices: list[Notice] | None = None,
) -> OutboxMessage:
    text, html, md = bodies
    return OutboxMessage(
        channel=subscription.channel,
        recipient=subscription.address,
        subject=" ".join(title.split()),  # one header line, whatever a crawled title holds
        body_text=text,
        body_html=html if subscription.channel != "chat" else "",
        body_markdown=md if subscription.channel == "chat" else "",
        kind=kind,
        subscription_id=subscription.id,
        unsubscribe_url=unsubscribe,
        change_ids=[i for n in notices or [] for i in (n.change_id, *n.republished_changes)],
    )


def enqueue(
    session: Session, notices: list[Notice], delivery: Delivery, now: datetime | None = None
) -> list[OutboxMessage]:
    """One message per immediate subscription with wanted events, held through its quiet hours;
    same transaction as the events. Digest subscribers get theirs from enqueue_digest()."""
    if not notices:
        return []
    now = now or utcnow()
    follows = followed_documents(session)
    messages = []
    for subscription in subscriptions(session):
        if subscription.rhythm != "immediate":
            continue
        mine = for_subscriber(
            subscription,
            [replace(n, republished=[], republished_changes=[]) for n in notices],
            follows[subscription.id],
        )
        if not mine:
            continue
        link = unsubscribe_url(delivery.base_url, delivery.secret, subscription)
        bodies = render(mine, delivery.base_url, delivery.timezone, delivery.words, unsubscribe=link)
        message = _message(subscription, subject(mine, delivery.words), bodies, "changes", link, mine)
        message.next_attempt_at = quiet_until(subscription.quiet_hours, now, delivery.timezone) or now
        session.add(message)
        messages.append(message)
    session.flush()
    return messages


def enqueue_digest(
    session: Session,
    subscription: Subscription,
    notices: list[Notice],
    period: tuple[datetime, datetime],
    delivery: Delivery,
    followed: set[int],
) -> OutboxMessage | None:
    """The period's wanted events in one message, grouped by source, oldest first; none if none."""
    chosen = for_subscriber(
        subscription, [replace(n, republished=[], republished_changes=[]) for n in notices], followed
    )
    mine = sorted(chosen, key=lambda n: (n.source, n.detected_at))
    if not mine:
        return None
    link = unsubscribe_url(delivery.base_url, delivery.secret, subscription)
    words = delivery.words
    name = words.digest.get(subscription.rhythm, subscription.rhythm)
    start, end = (local_time(f"{t:%Y-%m-%dT%H:%M:%S}Z", delivery.timezone) for t in period)
    heading = f"{name}, {start} – {end}"
    bodies = render(mine, delivery.base_url, delivery.timezone, words, unsubscribe=link, heading=heading)
    title = f"[policywatch] {name}: {words.count(len(mine))}"
    message = _message(subscription, title, bodies, "digest", link, mine)
    session.add(message)
    session.flush()
    return message


def enqueue_reminder(
    session: Session, subscription: Subscription, drafts: list[DraftReminder], delivery: Delivery
) -> OutboxMessage | None:
    """Open drafts whose comment deadline is near, soonest first; none if none."""
    if not drafts:
        return None
    drafts = sorted(drafts, key=lambda d: d.deadline)
    link = unsubscribe_url(delivery.base_url, delivery.secret, subscription)
    words = delivery.words
    bodies = _bodies("reminder", {"drafts": drafts, "unsubscribe": link, "w": words})
    count = words.reminder.format(n=len(drafts))
    title = f"[policywatch] {words.comments_close.format(count=count, date=drafts[0].deadline)}"
    message = _message(subscription, title, bodies, "reminder", link)
    session.add(message)
    session.flush()
    return message
