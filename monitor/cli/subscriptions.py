"""Commands that decide who is told: subscribe and unsubscribe."""

from __future__ import annotations

import argparse

from storage import Database, queries

from ..config import Settings
from .common import AddCommand, UsageError


def cmd_subscribe(args: argparse.Namespace, settings: Settings) -> int:
    channel = "webhook" if args.address.startswith(("http://", "https://")) else "email"
    if channel == "email" and "@" not in args.address:
        raise UsageError(f"not an e-mail address or webhook URL: {args.address!r}")
    known = {s.name for s in settings.sources()} if args.source else set()  # naming none needs no seeds
    unknown = [s for s in args.source if s not in known]
    if unknown:
        raise UsageError(f"unknown source {', '.join(unknown)}")
    db = Database(settings.database_url)
    with db.session() as session:
        sub = queries.subscribe(session, args.address, args.source, args.keyword, channel)
        scope = ", ".join(sub.sources) or "all sources"
        words = f"; keywords: {', '.join(sub.keywords)}" if sub.keywords else ""
        print(f"subscribed {sub.address} ({channel}) to {scope}{words}")
    return 0


def cmd_unsubscribe(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        removed = queries.unsubscribe(session, args.address)
    if not removed:
        raise UsageError(f"{args.address} has no subscription")
    print(f"unsubscribed {args.address}")
    return 0


def register(add: AddCommand) -> None:
    p = add("subscribe", cmd_subscribe, "get e-mail (or webhook posts) about changes")
    p.add_argument("address", metavar="EMAIL", help="an e-mail address, or an http(s) webhook URL")
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable)")
    p.add_argument("--keyword", action="append", default=[], metavar="WORD", help="only documents with this word")
    p = add("unsubscribe", cmd_unsubscribe, "stop notifications to an address")
    p.add_argument("address", metavar="EMAIL")
