"""The policywatch command line."""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cleaning import clean
from crawler.source import Source
from storage import Change, Database, Document, Run, queries
from storage import Source as SourceRow

from .config import ConfigError, Settings, load_settings
from .detect import similarity
from .detect.changes import change_diff
from .diff import DocumentDiff, diff_texts
from .diff.render_html import render_page
from .diff.render_text import render_side_by_side, render_terminal
from .ops import status
from .present import change_line, change_to_dict

KINDS = ("new", "changed", "removed", "restored", "finalized")


class UsageError(Exception):
    """A request the user can fix (an unknown id, a bad date); reported in one line."""


def _since(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or time: {value!r}") from None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _selected_sources(settings: Settings, names: list[str]) -> list[Source]:
    sources = settings.sources()
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise UsageError(f"unknown source {', '.join(unknown)}; known: {', '.join(by_name) or 'none'}")
    return [by_name[n] for n in names]


def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    from .ops.crawl import crawl

    sources = _selected_sources(settings, args.names)
    if not sources:
        raise UsageError(f"no sources to crawl: add a seed file to {settings.seeds_dir}")
    summaries, report = crawl(settings, sources, log_level="INFO" if args.verbose else "WARNING")
    for summary in summaries:
        print(summary.line())
    if report.sent or report.pending or report.failed:
        line = f"notifications: {report.sent} sent, {report.pending} pending, {report.failed} failed"
        print(line + (f" ({report.error})" if report.error else ""))
    return 0 if all(s.status == "ok" for s in summaries) else 1


def cmd_changes(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        changes = queries.list_changes(session, since=args.since, source=args.source, kind=args.kind)
        if args.json:
            print(json.dumps([change_to_dict(c) for c in changes], ensure_ascii=False, indent=2))
        else:
            for change in changes:
                print(change_line(change))
            if not changes:
                print("no changes recorded yet", file=sys.stderr)
    return 0


def _show(
    diff: DocumentDiff, args: argparse.Namespace, heading: str, titles: tuple[str, str], urls: tuple[str, str]
) -> None:
    """A diff on the terminal, or as a self-contained page with --html."""
    view = "side" if args.side_by_side else "inline"
    if args.html:
        page = render_page(diff, titles[0], titles[1], url=urls[1], old_url=urls[0], view=view)
        Path(args.html).write_text(page, encoding="utf-8")
        print(f"wrote {args.html}")
        return
    color = sys.stdout.isatty()
    if args.side_by_side:
        body = render_side_by_side(diff, color=color, width=shutil.get_terminal_size((120, 40)).columns)
    else:
        body = render_terminal(diff, color=color)
    print(heading + body)


def cmd_diff(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        change = session.get(Change, args.change_id)
        if change is None:
            raise UsageError(f"no change with id {args.change_id}")
        data = change_to_dict(change)
        old = change.old_version.title if change.old_version else ""
        related = f"draft: {data['related_url']}\n" if data["related_url"] else ""
        heading = f"{data['kind']}: {data['title']}\n{data['url']}\n{related}"
        _show(change_diff(change), args, heading, (old, data["title"]), (data["related_url"] or "", data["url"]))
    return 0


def _document(session: Session, ref: str) -> Document:
    """A document by id or URL, with content."""
    document = (
        session.get(Document, int(ref))
        if ref.isdigit()
        else session.scalar(select(Document).where(Document.url == ref))
    )
    if document is None or document.current_version is None:
        raise UsageError(f"no document {ref!r} with content (give an id or a URL)")
    return document


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        a, b = _document(session, args.a), _document(session, args.b)
        diff = diff_texts(a.current_version.text, b.current_version.text)
        heading = f"A #{a.id}: {a.title}\n  {a.url}\nB #{b.id}: {b.title}\n  {b.url}\n"
        _show(diff, args, heading, (a.title, b.title), (a.url, b.url))
    return 0


def cmd_related(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        document = _document(session, args.document)
        indexed = similarity.update_index(session)
        if indexed and not args.json:
            print(f"(indexed {indexed} document{'s' if indexed != 1 else ''})", file=sys.stderr)
        found = similarity.related(session, document.id, limit=args.limit)
        rows = []
        for item in found:
            other = session.get(Document, item.document_id)
            rows.append(
                {
                    "id": other.id,
                    "score": item.score,
                    "reason": item.reason,
                    "source": other.source.name,
                    "title": other.title,
                    "url": other.url,
                }
            )
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
            return 0
        print(f"#{document.id} {document.title}\n  {document.url}")
        for row in rows:
            print(f"  {row['score']:.2f}  #{row['id']:<5} {row['source']:<10} {row['title']}  ({row['reason']})")
        if not rows:
            print("  no similar documents found")
    return 0


def cmd_subscribe(args: argparse.Namespace, settings: Settings) -> int:
    channel = "webhook" if args.address.startswith(("http://", "https://")) else "email"
    if channel == "email" and "@" not in args.address:
        raise UsageError(f"not an e-mail address or webhook URL: {args.address!r}")
    known = {s.name for s in settings.sources()}
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


def cmd_clean(args: argparse.Namespace, settings: Settings) -> int:
    status = 0
    for name in args.files:
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            print(f"policywatch: error: {name}: {exc.strerror}", file=sys.stderr)
            status = 1
            continue
        doc = clean(data)
        if args.json:
            result = doc.as_dict()
            row = {"file": name, **{k: result[k] for k in ("title", "text", "meta", "attachments", "no_document")}}
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"== {name}\n{doc.title}\n{json.dumps(doc.meta.as_dict(), ensure_ascii=False)}\n\n{doc.text}\n")
    return status


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from .ops.daemon import Daemon

    logging.getLogger().setLevel(logging.INFO)
    return Daemon(args.config).run()


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        report = status.source_status(session, settings.sources())
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print("\n".join(status.status_lines(report)) or "no sources: add a seed file")
    return 0


def cmd_runs(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        query = select(Run).order_by(Run.id.desc()).limit(args.limit)
        if args.source:
            query = query.join(Run.source).where(SourceRow.name == args.source)
        runs = [status.run_to_dict(run) for run in session.scalars(query)]
    if args.json:
        print(json.dumps(runs, ensure_ascii=False, indent=2))
        return 0
    for run in runs:
        errors = ", ".join(f"{code}×{n}" for code, n in run["http_errors"].items())
        counts = (
            f"{run['pages_fetched']:>5} pages {run['new']:>3} new {run['changed']:>3} changed "
            f"{run['removed']:>3} removed"
        )
        print(
            f"#{run['id']:<5} {run['started_at']} {run['source']:<14} {run['status']:<11} {counts}"
            + (f"  errors: {errors}" if errors else "")
            + (f"  {run['error']}" if run["error"] else "")
        )
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from .web.app import create_app

    host, port = args.host or settings.web.host, args.port if args.port is not None else settings.web.port
    print(f"policywatch web page on http://{host}:{port}/")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from .demo import run_demo

    return run_demo(Path(args.dir))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policywatch", description=__doc__)
    parser.add_argument("--config", help="settings file (default: $POLICYWATCH_CONFIG or ./policywatch.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show crawl logs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace, Settings], int], text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        return sub

    p = add("crawl", cmd_crawl, "crawl sources now, then detect changes and send notifications")
    p.add_argument("names", nargs="*", metavar="NAME", help="sources to crawl (default: all)")
    p = add("changes", cmd_changes, "list change events, oldest first")
    p.add_argument("--json", action="store_true")
    p.add_argument("--since", type=_since, metavar="ISO")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--kind", choices=KINDS)
    diff = add("diff", cmd_diff, "show what a change changed (a finalized change: the draft against its final)")
    diff.add_argument("change_id", type=int, metavar="CHANGE_ID")
    compare = add("compare", cmd_compare, "diff any two documents, e.g. two regions' versions of one policy")
    compare.add_argument("a", metavar="A", help="a document id or URL")
    compare.add_argument("b", metavar="B", help="a document id or URL")
    for p in (diff, compare):
        p.add_argument("--html", metavar="FILE", help="write a self-contained HTML page instead")
        p.add_argument("--side-by-side", action="store_true", help="old and new in two columns")
    p = add("related", cmd_related, "the documents most similar to one, on any source, with a score")
    p.add_argument("document", metavar="DOC", help="a document id or URL")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p = add("subscribe", cmd_subscribe, "get e-mail (or webhook posts) about changes")
    p.add_argument("address", metavar="EMAIL", help="an e-mail address, or an http(s) webhook URL")
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable)")
    p.add_argument("--keyword", action="append", default=[], metavar="WORD", help="only documents with this word")
    p = add("unsubscribe", cmd_unsubscribe, "stop notifications to an address")
    p.add_argument("address", metavar="EMAIL")
    p = add("clean", cmd_clean, "extract the document from saved HTML pages")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("files", nargs="+", metavar="FILE")
    p = add("run", cmd_run, "run the scheduler daemon: every source on its schedule, until SIGTERM")
    p = add("status", cmd_status, "each source: last run, next run, documents watched, failures, open incidents")
    p.add_argument("--json", action="store_true")
    p = add("runs", cmd_runs, "the crawl runs, newest first")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p = add("serve", cmd_serve, "the researchers' web page and JSON API (read-only; admin needs the token)")
    p.add_argument("--host", help="default: [web] host, 127.0.0.1")
    p.add_argument("--port", type=int, help="default: [web] port, 8000")
    p = add("demo", cmd_demo, "run the offline demonstration on a local site")
    p.add_argument("--dir", default="demo-output", help="where the demo keeps its database and e-mails")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings(args.config) if args.command not in ("clean", "demo") else Settings()
        return args.handler(args, settings)
    except ConfigError as exc:
        print(f"policywatch: error: {exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"policywatch: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
