"""Commands that run policywatch: crawl now, the daemon, its status and runs, the web page, the demo."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import socket
import threading
from pathlib import Path

from sqlalchemy import select

from storage import Database, Run, utcnow
from storage import Source as SourceRow
from storage.retention import duration, prune_fetches

from ..config import ConfigError, Settings
from ..ops import status
from ..ops.stale import close_dead_runs
from .common import AddCommand, UsageError, count, selected_sources


def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    from ..ops.crawl import crawl

    sources = selected_sources(settings, args.names)
    if not sources:
        raise UsageError(f"no sources to crawl: add a seed file to {settings.seeds_dir}")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):  # the crawl closes its runs as interrupted, then we detect
        signal.signal(signum, lambda _signum, _frame: stop.set())
    summaries, report = crawl(settings, sources, log_level="INFO" if args.verbose else "WARNING", stop=stop)
    _keep_history(settings)
    for summary in summaries:
        print(summary.line())
    if report.sent or report.pending or report.failed:
        line = f"notifications: {report.sent} sent, {report.pending} pending, {report.failed} failed"
        print(line + (f" ({report.error})" if report.error else ""))
    return 0 if all(s.status == "ok" for s in summaries) else 1


def _keep_history(settings: Settings) -> None:
    """The retention policy, for crawls run from cron rather than by the daemon: fetch rows of
    unchanged pages past [storage] keep_fetches go (only runs not pruned yet are looked at, so
    this costs nothing on most days), and SQLite's write-ahead log is folded back."""
    db = Database(settings.database_url)
    prune_fetches(db, utcnow() - duration(settings.storage.keep_fetches))
    db.checkpoint()
    db.close()


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from ..ops.daemon import Daemon

    logging.getLogger().setLevel(logging.INFO)
    return Daemon(args.config).run()


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    close_dead_runs(db)
    with db.session() as session:
        report = status.source_status(session, settings.sources())
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print("\n".join(status.status_lines(report)) or "no sources: add a seed file")
    return 0


def _run_line(run: dict) -> str:
    errors = ", ".join(f"{code}×{n}" for code, n in run["http_errors"].items())
    counts = (
        f"{run['pages_fetched']:>5} pages {run['new']:>3} new {run['changed']:>3} changed {run['removed']:>3} removed"
    )
    where = f"  on {run['node']}" + (f" (job {run['job_id']})" if run["job_id"] else "") if run["node"] else ""
    return (
        f"#{run['id']:<5} {run['started_at']} {run['source']:<14} {run['status']:<11} {counts}"
        + (f"  errors: {errors}" if errors else "")
        + (f"  {run['error']}" if run["error"] else "")
        + where
    )


def cmd_runs(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    close_dead_runs(db)
    with db.session() as session:
        query = select(Run).order_by(Run.id.desc()).limit(args.limit)
        if args.source:
            query = query.join(Run.source).where(SourceRow.name == args.source)
        runs = [status.run_to_dict(run) for run in session.scalars(query)]
    if args.json:
        print(json.dumps(runs, ensure_ascii=False, indent=2))
    else:
        for run in runs:
            print(_run_line(run))
    return 0


def cmd_prune(args: argparse.Namespace, settings: Settings) -> int:
    keep = settings.storage.keep_fetches
    pruned = prune_fetches(Database(settings.database_url), utcnow() - duration(keep))
    print(f"pruned {pruned} fetch rows of unchanged pages older than {keep}; versions and events are kept")
    return 0


def _listening_socket(host: str, port: int) -> socket.socket:
    """The web page's socket, bound here so a port in use is one line, not a server's traceback."""
    try:
        return socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from ..web.app import create_app

    host, port = args.host or settings.web.host, args.port if args.port is not None else settings.web.port
    sock = _listening_socket(host, port)
    print(f"policywatch web page on http://{host}:{sock.getsockname()[1]}/", flush=True)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
    server.run(sockets=[sock])
    return 0


def port_number(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"not a port number (1-65535): {value!r}")
    return int(value)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from ..demo import run_demo

    return run_demo(Path(args.dir))


def register(add: AddCommand) -> None:
    p = add("crawl", cmd_crawl, "crawl sources now, then detect changes and send notifications")
    p.add_argument("names", nargs="*", metavar="NAME", help="sources to crawl (default: all)")
    add("run", cmd_run, "run the scheduler daemon: every source on its schedule, until SIGTERM")
    p = add("status", cmd_status, "each source: last run, next run, documents watched, failures, open incidents")
    p.add_argument("--json", action="store_true")
    p = add("runs", cmd_runs, "the crawl runs, newest first")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--limit", type=count, default=50)
    p.add_argument("--json", action="store_true")
    add(
        "prune",
        cmd_prune,
        "delete fetch rows of unchanged pages older than [storage] keep_fetches (the daemon does it daily)",
    )
    p = add("serve", cmd_serve, "the researchers' web page and JSON API (read-only; admin needs the token)")
    p.add_argument("--host", help="default: [web] host, 127.0.0.1")
    p.add_argument("--port", type=port_number, help="default: [web] port, 8000")
    p = add("demo", cmd_demo, "run the offline demonstration on a local site")
    p.add_argument("--dir", default="demo-output", help="where the demo keeps its database and e-mails")
