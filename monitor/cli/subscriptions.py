"""Commands that decide who is told, how and when: subscribe, follow and unsubscribe."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

from notifier.address import channel_of
from notifier.rhythm import RHYTHMS, clock, quiet_window
from storage import Database, Subscription, queries
from storage.models import CHANGE_KINDS

from ..config import ConfigError, Settings
from .common import AddCommand, UsageError, current, find_document


def _channel(address: str) -> str:
    try:
        return channel_of(address)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _checked(kind: str, check: Callable[[str], object]) -> Callable[[str], str]:
    """An argparse type that keeps the text once check() accepts it."""

    def parse(value: str) -> str:
        try:
            check(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return value

    parse.__name__ = kind
    return parse


def days(value: str) -> int:
    """ "3d" or "3" as 3, for --remind-deadlines."""
    match = re.fullmatch(r"(\d{1,3})d?", value.strip())
    if not match or not 1 <= int(match[1]) <= 365:
        raise argparse.ArgumentTypeError(f"not a number of days (1d to 365d): {value!r}")
    return int(match[1])


def _describe(sub: Subscription) -> str:
    scope = ", ".join(sub.sources) or "all sources"
    words = f"; keywords: {', '.join(sub.keywords)}" if sub.keywords else ""
    when = sub.rhythm if sub.rhythm == "immediate" else f"{sub.rhythm} digest at {sub.digest_at}"
    quiet = f", quiet {sub.quiet_hours}" if sub.quiet_hours else ""
    remind = f"; deadline reminders {sub.remind_days}d ahead" if sub.remind_days else ""
    kinds = f"; only {', '.join(sub.kinds)}" if sub.kinds else ""
    reprints = "; every reprint" if sub.reprints == "each" else ""
    return f"{sub.address} ({sub.channel}) to {scope}{words}{kinds}{reprints}; {when}{quiet}{remind}"


def cmd_subscribe(args: argparse.Namespace, settings: Settings) -> int:
    channel = _channel(args.address)
    known = {s.name for s in settings.sources()} if args.source else set()  # naming none needs no seeds
    unknown = [s for s in args.source if s not in known]
    if unknown:
        raise UsageError(f"unknown source {', '.join(unknown)}")
    rhythm = queries.Rhythm(args.digest, args.at, args.quiet, args.remind_deadlines)
    db = Database(settings.database_url)
    with db.session() as session:
        sub = queries.subscribe(
            session, args.address, args.source, args.keyword, channel, rhythm, args.kind, args.reprints
        )
        print(f"subscribed {_describe(sub)}")
    return 0


def cmd_follow(args: argparse.Namespace, settings: Settings) -> int:
    channel = _channel(args.address)
    db = Database(settings.database_url)
    with db.session() as session:
        document = find_document(session, args.document)
        queries.follow(session, args.address, document.id, channel)
        print(f"{args.address} follows document {document.id}: {current(document).title}")
    return 0


def cmd_unsubscribe(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        removed = queries.unsubscribe(session, args.address)
    if not removed:
        raise UsageError(f"{args.address} has no subscription")
    print(f"unsubscribed {args.address}")
    return 0


_ADDRESS = "an e-mail address, an http(s) webhook URL, or an Apprise chat URL (dingtalk://, wecombot://, feishu://…)"


def register(add: AddCommand) -> None:
    p = add("subscribe", cmd_subscribe, "get e-mail, chat messages or webhook posts about changes")
    p.add_argument("address", metavar="ADDRESS", help=_ADDRESS)
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable)")
    p.add_argument("--keyword", action="append", default=[], metavar="WORD", help="only documents with this word")
    p.add_argument("--digest", choices=RHYTHMS, default="immediate", help="a message per crawl, or one a day/week")
    p.add_argument("--at", default="08:00", type=_checked("time", clock), metavar="HH:MM", help="digest hour, local")
    p.add_argument(
        "--quiet",
        type=_checked("quiet hours", quiet_window),
        metavar="HH:MM-HH:MM",
        help="hold immediate messages during these local hours",
    )
    p.add_argument(
        "--kind",
        action="append",
        default=[],
        choices=CHANGE_KINDS,
        help="only events of this kind (repeatable), e.g. --kind repealed --kind expired",
    )
    p.add_argument(
        "--reprints",
        choices=("once", "each"),
        default="once",
        help="once: a reprint of a policy you were told about is not news; each: it is",
    )
    p.add_argument(
        "--remind-deadlines",
        type=days,
        metavar="Nd",
        help="once a day, the open drafts whose comment deadline is within N days",
    )
    p = add("follow", cmd_follow, "tell an address about one document (and its final), whatever its filters")
    p.add_argument("address", metavar="ADDRESS", help=_ADDRESS)
    p.add_argument("document", metavar="DOCUMENT", help="a document id or URL")
    p = add("unsubscribe", cmd_unsubscribe, "stop notifications to an address")
    p.add_argument("address", metavar="ADDRESS")
