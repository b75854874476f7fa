"""Commands for the crawl nodes: see them, deploy the crawl code to them."""

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
    jobs = f"{row['running']} running, {row['pending']} pending, {row['finished']} finished"
    return f"{row['node']}: ok, {row['current_version']} deployed; {jobs}"


def cmd_nodes(args: argparse.Namespace, settings: Settings) -> int:
    from ..ops.cluster.deploy import deploy, describe

    if not settings.cluster.nodes:
        raise UsageError('no crawl nodes: add [cluster] nodes = ["http://host:6800", …] to the config')
    if args.action == "deploy":
        results = deploy(settings)
        for url, error in results:
            print(f"{url}: {'deployed' if error is None else error}")
        return 0 if all(error is None for _, error in results) else 1
    if args.action is not None:
        raise UsageError(f"unknown nodes action {args.action!r}; try: policywatch nodes deploy")
    rows = describe(settings)
    print(json.dumps(rows, indent=2) if args.json else "\n".join(_line(r) for r in rows))
    return 0 if all(r["error"] is None for r in rows) else 1


def register(add: AddCommand) -> None:
    p = add("nodes", cmd_nodes, "the Scrapyd crawl nodes: reachable, code deployed, jobs; deploy uploads the code")
    p.add_argument("action", nargs="?", metavar="deploy", help="deploy: build the crawl code's egg, upload it")
    p.add_argument("--json", action="store_true", help="machine-readable")
