"""The command for the crawl nodes: each one checked end to end."""

from __future__ import annotations

import argparse
import json

from ..config import Settings
from .common import AddCommand, UsageError


def _line(row: dict) -> str:
    if not row["reachable"]:
        return f"{row['node']}: DOWN — {row['error']}"
    if row["error"]:
        return f"{row['node']}: {row['error']}"
    jobs = f"{row['running']} running, {row['pending']} pending"
    return f"{row['node']}: ok, reaches the database, runs crawl code {row['code_version']}; jobs {jobs}"


def cmd_nodes(args: argparse.Namespace, settings: Settings) -> int:
    from ..ops.cluster.check import describe

    if not settings.cluster.nodes:
        raise UsageError('no crawl nodes: add [cluster] nodes = ["http://host:6800", …] to the config')
    rows = describe(settings)
    print(json.dumps(rows, indent=2) if args.json else "\n".join(_line(r) for r in rows))
    return 0 if all(r["error"] is None for r in rows) else 1


def register(add: AddCommand) -> None:
    p = add("nodes", cmd_nodes, "the Scrapyd crawl nodes, each checked end to end: answers, reaches the database")
    p.add_argument("--json", action="store_true", help="machine-readable")
