"""`policywatch export`: the stored originals as a web archive, the documents as a table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from storage import Database

from ..config import Settings
from ..evidence.tables import document_rows, write_rows
from ..evidence.warc import originals, write_warc
from .common import AddCommand, UsageError, since


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    with db.session() as session:
        if args.what == "warc":
            if not args.file:
                raise UsageError("export warc needs a FILE to write (e.g. policywatch.warc.gz)")
            count = write_warc(Path(args.file), originals(session, args.source, args.since))
            print(f"wrote {count} records to {args.file}", file=sys.stderr)
            return 0
        rows = document_rows(session, args.source)
        if args.file:
            encoding = "utf-8-sig" if args.format == "csv" else "utf-8"  # Excel reads UTF-8 by its BOM
            with Path(args.file).open("w", encoding=encoding, newline="") as out:
                count = write_rows(rows, out, args.format)
            print(f"wrote {count} documents to {args.file}", file=sys.stderr)
        else:
            write_rows(rows, sys.stdout, args.format)
    return 0


def register(add: AddCommand) -> None:
    p = add("export", cmd_export, "the stored originals as a WARC file, or the documents as JSON lines or CSV")
    p.add_argument("what", choices=("warc", "documents"))
    p.add_argument("file", nargs="?", metavar="FILE", help="where to write (documents: standard output without it)")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--since", type=since, metavar="ISO", help="warc: versions fetched since then")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="documents: the table's format")
