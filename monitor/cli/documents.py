"""Commands that read what the crawls found: changes, diffs, comparisons, related documents, and
the cleaning stage on saved pages."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from crawler.cleaning import clean
from storage import Change, Database, Document, queries, search
from storage.db import row
from storage.models import CHANGE_KINDS

from ..config import Settings
from ..detect import similarity
from ..detect.changes import change_texts
from ..diff import diff_texts
from ..diff.articles import compare_articles, has_articles
from ..diff.render_articles import articles_csv, articles_html, articles_text
from ..diff.render_html import render_page
from ..diff.render_text import render_side_by_side, render_terminal
from ..present import change_line, change_to_dict, marked_snippet
from .common import AddCommand, UsageError, count, current, find_document, identifier, since

KINDS = CHANGE_KINDS


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
    texts: tuple[str, str],
    args: argparse.Namespace,
    heading: str,
    titles: tuple[str, str],
    urls: tuple[str, str],
) -> None:
    """A diff on the terminal, or as a self-contained page with --html."""
    view = "side" if args.side_by_side else "inline"
    if args.articles:
        _show_articles(texts, args, heading, titles)
        return
    if args.html:
        page = render_page(diff_texts(*texts), titles[0], titles[1], url=urls[1], old_url=urls[0], view=view)
        Path(args.html).write_text(page, encoding="utf-8")
        print(f"wrote {args.html}")
        return
    diff = diff_texts(*texts)
    color = sys.stdout.isatty()
    if args.side_by_side:
        body = render_side_by_side(diff, color=color, width=shutil.get_terminal_size((120, 40)).columns)
    else:
        body = render_terminal(diff, color=color)
    print(heading + body)


def _show_articles(texts: tuple[str, str], args: argparse.Namespace, heading: str, titles: tuple[str, str]) -> None:
    """The article-by-article comparison (a 修订对照表): JSON, CSV, an HTML table, or text."""
    if not (has_articles(texts[0]) or has_articles(texts[1])):
        raise UsageError("neither text is written in articles (第N条): compare them without --articles")
    rows = compare_articles(*texts)
    if args.json:
        print(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
    elif args.csv:
        Path(args.csv).write_text(articles_csv(rows), encoding="utf-8-sig")  # Excel reads the BOM as UTF-8
        print(f"wrote {args.csv}")
    elif args.html:
        Path(args.html).write_text(articles_html(rows, *titles), encoding="utf-8")
        print(f"wrote {args.html}")
    else:
        print(heading + articles_text(rows, color=sys.stdout.isatty()))


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
        texts = change_texts(change)
        _show(texts, args, heading, (old, data["title"]), (data["related_url"] or "", data["url"]))
    return 0


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        a, b = find_document(session, args.a), find_document(session, args.b)
        heading = f"A #{a.id}: {a.title}\n  {a.url}\nB #{b.id}: {b.title}\n  {b.url}\n"
        _show((current(a).text, current(b).text), args, heading, (a.title, b.title), (a.url, b.url))
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        search.update_index(session)  # what the last crawl stored is findable at once
    with db.session() as session:
        filters = queries.DocumentFilter(q=args.query, source=args.source, changed_since=args.since)
        found = queries.documents(session, filters, limit=args.limit)
        rows = [
            {
                "id": d.id,
                "title": d.title,
                "url": d.url,
                "source": d.source.name,
                "status": d.status,
                "snippet": marked_snippet(found.snippets.get(d.id, [])),
            }
            for d in found.documents
        ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{found.total}{'' if found.exact else '+'} documents match {args.query!r}")
    for shown in rows:
        print(f"\n#{shown['id']} [{shown['source']}] {shown['title']}\n  {shown['url']}\n  {shown['snippet']}")
    return 0


def cmd_related(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        document = find_document(session, args.document)
        similarity.update_index(session)  # what the last crawl stored is compared too
        rows = []
        for item in similarity.related(session, document.id, limit=args.limit):
            other = row(session, Document, item.document_id)
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
        for shown in rows:
            print(
                f"  {shown['score']:.2f}  #{shown['id']:<5} {shown['source']:<10} {shown['title']}  ({shown['reason']})"
            )
        if not rows:
            print("  no similar documents found")
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


def register(add: AddCommand) -> None:
    p = add("changes", cmd_changes, "list change events, oldest first")
    p.add_argument("--json", action="store_true")
    p.add_argument("--since", type=since, metavar="ISO")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--kind", choices=KINDS)
    diff = add("diff", cmd_diff, "show what a change changed (a finalized change: the draft against its final)")
    diff.add_argument("change_id", type=identifier, metavar="CHANGE_ID")
    compare = add("compare", cmd_compare, "diff any two documents, e.g. two regions' versions of one policy")
    compare.add_argument("a", metavar="A", help="a document id or URL")
    compare.add_argument("b", metavar="B", help="a document id or URL")
    for p in (diff, compare):
        p.add_argument("--html", metavar="FILE", help="write a self-contained HTML page instead")
        p.add_argument("--side-by-side", action="store_true", help="old and new in two columns")
        p.add_argument("--articles", action="store_true", help="article by article (第N条), matched by content")
        p.add_argument("--json", action="store_true", help="with --articles: the rows as JSON")
        p.add_argument("--csv", metavar="FILE", help="with --articles: write the 修订对照表 as CSV")
    p = add("search", cmd_search, 'full-text search: words all match, "a phrase", -excluded, a OR b; 繁體 finds 简体')
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--since", type=since, metavar="ISO", help="documents changed since then")
    p.add_argument("--limit", type=count, default=20)
    p.add_argument("--json", action="store_true", help="a list of {id, title, url, source, status, snippet}")
    p = add("related", cmd_related, "the documents most similar to one, on any source, with a score")
    p.add_argument("document", metavar="DOC", help="a document id or URL")
    p.add_argument("--limit", type=count, default=10)
    p.add_argument("--json", action="store_true")
    p = add("clean", cmd_clean, "extract the document from saved HTML pages")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("files", nargs="+", metavar="FILE")
