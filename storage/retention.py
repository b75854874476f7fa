"""How long fetch rows are kept.

Every listing page is fetched every run and most documents answer "not modified": a year of a
few hundred sources is tens of millions of fetch rows saying nothing new. After [storage]
keep_fetches (default 90 days) the fetches of unchanged pages go: what a run fetched stays
summarised on the run itself (pages fetched, HTTP errors, events), and kept for good are the
fetches that saw a page change (a new document or a new version), failed and gone fetches, and
the versions themselves, which this never touches.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import delete, select, update

from .db import Database, changed_rows
from .models import Fetch, Run

_DURATION = re.compile(r"^\s*(\d+)\s*(d|w|h)\s*$")
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
RUNS_PER_CHUNK = 500  # one transaction each: the database never holds a long write lock


def duration(text: str) -> timedelta:
    """ "90d", "12w", "36h"; ValueError (one line) otherwise."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration such as '90d', '12w' or '36h': {text!r}")
    return int(match.group(1)) * _UNIT[match.group(2)]


class StorageSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    keep_fetches: str = "90d"  # fetch rows of unchanged pages older than this are pruned

    @field_validator("keep_fetches")
    @classmethod
    def _duration(cls, value: str) -> str:
        duration(value)
        return value


def prune_fetches(db: Database, older_than: datetime) -> int:
    """Delete the fetch rows of unchanged pages from runs started before older_than and not
    pruned yet, a chunk of runs per transaction; returns how many rows went."""
    with db.session() as session:
        runs = list(
            session.scalars(
                select(Run.id).where(Run.started_at < older_than, Run.fetches_pruned.is_(False)).order_by(Run.id)
            )
        )
    pruned = 0
    for start in range(0, len(runs), RUNS_PER_CHUNK):
        chunk = runs[start : start + RUNS_PER_CHUNK]
        with db.session() as session:
            result = session.execute(
                delete(Fetch).where(
                    Fetch.run_id.in_(chunk), Fetch.saw_change.is_(False), Fetch.outcome.in_(("ok", "unchanged"))
                )
            )
            session.execute(update(Run).where(Run.id.in_(chunk)).values(fetches_pruned=True))
            pruned += changed_rows(result)
    return pruned
