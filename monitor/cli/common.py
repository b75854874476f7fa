"""What every command shares: one-line usage errors, argument types, looking things up."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.source import Source
from storage import Document, Version

from ..config import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
AddCommand = Callable[[str, Handler, str], argparse.ArgumentParser]


class UsageError(Exception):
    """A request the user can fix (an unknown id, a bad date); reported in one line."""


MAX_ID = 2**63 - 1


def identifier(value: str) -> int:
    """A row id, for arguments: a positive whole number a database integer holds."""
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ID:
        raise argparse.ArgumentTypeError(f"not an id (a positive whole number): {value!r}")
    return int(value)


def count(value: str) -> int:
    """How many, for --limit: a whole number from 1 to 100,000."""
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= 100_000:
        raise argparse.ArgumentTypeError(f"not a count from 1 to 100000: {value!r}")
    return int(value)


def since(value: str) -> datetime:
    """An ISO date or time as naive UTC, for --since."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or time: {value!r}") from None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def selected_sources(settings: Settings, names: list[str]) -> list[Source]:
    """The named sources, or every enabled one when none is named."""
    sources = settings.sources()
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise UsageError(f"unknown source {', '.join(unknown)}; known: {', '.join(by_name) or 'none'}")
    return [by_name[n] for n in names]


def find_document(session: Session, ref: str) -> Document:
    """A document with content, by id or URL."""
    if ref.isascii() and ref.isdigit():
        document = session.get(Document, int(ref)) if 0 < int(ref) <= MAX_ID else None
    else:
        document = session.scalar(select(Document).where(Document.url == ref))
    if document is None or document.current_version is None:
        raise UsageError(f"no document {ref!r} with content (give an id or a URL)")
    return document


def current(document: Document) -> Version:
    """The current version of a document find_document gave (which has one)."""
    if document.current_version is None:
        raise UsageError(f"document {document.id} has no content")
    return document.current_version
