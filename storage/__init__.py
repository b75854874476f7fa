"""Persistence: models, sessions, migrations, and the writes the crawler and monitor share."""

from .db import Database, DatabaseError
from .models import Change, Document, Fetch, Follow, OutboxMessage, Run, Source, Subscription, Version, utcnow

__all__ = [
    "Change",
    "Database",
    "DatabaseError",
    "Document",
    "Fetch",
    "Follow",
    "OutboxMessage",
    "Run",
    "Source",
    "Subscription",
    "Version",
    "utcnow",
]
