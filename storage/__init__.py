"""Persistence: models, sessions, migrations, and the writes the crawler and monitor share."""

from .db import Database
from .models import Change, Document, Fetch, OutboxMessage, Run, Source, Subscription, Version, utcnow

__all__ = [
    "Change",
    "Database",
    "Document",
    "Fetch",
    "OutboxMessage",
    "Run",
    "Source",
    "Subscription",
    "Version",
    "utcnow",
]
