"""Commands that show what has not been delivered yet, and send a failed message again."""

from __future__ import annotations

import argparse
import json

from notifier.address import shown
from notifier.outbox import dispatch, retry, waiting
from storage import Database, OutboxMessage

from ..config import Settings
from .common import AddCommand, UsageError, identifier


def _row(message: OutboxMessage) -> dict:
    return {
        "id": message.id,
        "status": message.status,
        "kind": message.kind,
        "channel": message.channel,
        "recipient": shown(message.recipient),
        "subject": message.subject,
        "attempts": message.attempts,
        "created_at": message.created_at.isoformat(timespec="seconds"),
        "next_attempt_at": message.next_attempt_at.isoformat(timespec="seconds"),
        "last_error": message.last_error,
    }


def _line(row: dict) -> str:
    why = f"\n      {row['last_error']}" if row["last_error"] else ""
    return (
        f"#{row['id']:<5} {row['status']:<8} {row['kind']:<8} {row['channel']:<7} {row['recipient']}"
        f"  attempts {row['attempts']}, due {row['next_attempt_at']}\n      {row['subject']}{why}"
    )


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    if args.action == "retry":
        return _retry(db, args.id, settings)
    if args.action is not None:
        raise UsageError(f"unknown outbox action {args.action!r}; try: policywatch outbox retry ID")
    rows = [_row(m) for m in waiting(db)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print("\n".join(_line(r) for r in rows) or "nothing waiting: every message was sent")
    return 0


def _retry(db: Database, message_id: int | None, settings: Settings) -> int:
    from notifier.channels import channels

    if message_id is None:
        raise UsageError("which message? policywatch outbox retry ID (the ids are in policywatch outbox)")
    if not retry(db, message_id):
        raise UsageError(f"no failed message #{message_id}")
    report = dispatch(db, channels(settings.smtp))
    print(f"message #{message_id} queued again; {report.sent} sent, {report.pending} pending, {report.failed} failed")
    return 0


def register(add: AddCommand) -> None:
    p = add("outbox", cmd_outbox, "messages not delivered yet (pending or failed) and why; retry ID sends one again")
    p.add_argument("action", nargs="?", metavar="retry", help="retry: put a failed message back in the queue")
    p.add_argument("id", nargs="?", type=identifier, metavar="ID", help="the message to retry")
    p.add_argument("--json", action="store_true", help="machine-readable")
