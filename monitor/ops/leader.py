"""One scheduler per database. APScheduler keeps its jobs in our database but does not support two
schedulers sharing them, so a second `policywatch run` waits as a hot standby and takes over when
the leader ends, however it ends.

PostgreSQL: a session advisory lock, held on a connection of its own; the server drops it the
moment the leader's connection goes (a killed process, a dead host once TCP notices), so the
standby, trying every failover_seconds / 3, takes over within failover_seconds. A leader that
loses its connection has lost the lock too, and stops scheduling at once: never two leaders.
SQLite (one host by nature): an exclusive flock on a file beside the database.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from pathlib import Path
from typing import TextIO

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from storage import Database

log = logging.getLogger(__name__)
LOCK_KEY = 0x706F6C6963790001  # "policy" and 1: the scheduler's advisory lock


class Leadership:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.url = make_url(str(db.url))
        self._connection: Connection | None = None
        self._file: TextIO | None = None

    def acquire(self, stop: threading.Event, failover_seconds: float) -> bool:
        """Wait until this process leads (True), or until stop is set (False)."""
        told = False
        while not stop.is_set():
            if self._try():
                log.info("leading: this daemon schedules the crawls")
                return True
            if not told:
                log.info("standby: another daemon leads; taking over within %.0f s of its end", failover_seconds)
                told = True
            stop.wait(failover_seconds / 3)
        return False

    def _try(self) -> bool:
        if self.url.get_backend_name() == "sqlite":
            return self._try_file()
        try:
            if self._connection is None:
                self._connection = self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            return bool(self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar())
        except SQLAlchemyError as exc:  # the database is away: still not leading; try again later
            log.warning("cannot ask for the scheduler lock: %s", exc)
            self._drop()
            return False

    def _try_file(self) -> bool:
        database = self.url.database
        if not database or database == ":memory:":
            return True
        held = self._file = self._file or Path(f"{database}.scheduler.lock").open("w")  # noqa: SIM115 - held while leading
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def still_held(self) -> bool:
        """False once the lock's connection is gone (and with it the lock)."""
        if self._connection is None:
            return True  # SQLite: a flock lasts as long as the process
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            self._drop()
            return False

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except SQLAlchemyError:
                log.debug("closing a dead connection", exc_info=True)
            self._connection = None

    def release(self) -> None:
        self._drop()  # the advisory lock goes with its connection
        if self._file is not None:
            self._file.close()
            self._file = None
