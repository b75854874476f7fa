"""Engines and sessions. SQLite gets WAL, a busy timeout and foreign keys; PostgreSQL works by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Engine, Result, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration's revision (a test keeps it equal to Alembic's head). A database already
# there is opened without importing Alembic, which costs half a second per command.
SCHEMA_REVISION = "0016"
BUSY_TIMEOUT_MS = 30_000
WAL_LIMIT_BYTES = 64 * 1024 * 1024


class DatabaseError(Exception):
    """The database cannot be used, in one line. `configuration`: the URL or its driver is wrong
    (fix the config); otherwise the database did not answer (fix the server)."""

    def __init__(self, message: str, *, configuration: bool) -> None:
        super().__init__(message)
        self.configuration = configuration


DRIVERS = {"postgresql": "pip install 'policywatch[postgresql]' (psycopg)"}


def make_engine(url: str) -> Engine:
    """An engine for url; for a SQLite file, its folder is created. DatabaseError (one line)
    for a URL SQLAlchemy cannot read or a driver that is not installed."""
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend != "sqlite":
            return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise DatabaseError(
            f"database_url: not a database URL SQLAlchemy knows: {url!r} ({exc})", configuration=True
        ) from None
    except ModuleNotFoundError as exc:
        hint = DRIVERS.get(backend, f"install the {exc.name} package")
        raise DatabaseError(
            f"database_url: the {backend} driver is not installed: {hint}", configuration=True
        ) from None
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # After a checkpoint the WAL is reused from its start; without a limit its file keeps the
        # largest size it ever reached (gigabytes after a long crawl), and reads pay for it.
        cursor.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
        cursor.close()

    return engine


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None  # a new database
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    if schema_revision(engine) == SCHEMA_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """One engine and its session factory, migrated on open."""

    def __init__(self, url: str, *, upgrade: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        if upgrade:
            try:
                migrate(self.engine)
            except OperationalError as exc:
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
                where = make_url(url).render_as_string(hide_password=True)
                raise DatabaseError(f"cannot use the database {where}: {reason}", configuration=False) from None
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def checkpoint(self) -> None:
        """Copy SQLite's write-ahead log into the database and cut the log back (a no-op on
        PostgreSQL). Writers checkpoint as they commit, but never while a reader holds an old
        snapshot: a daemon or web server running for months does this on its own clock."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.engine.dispose()


Row = TypeVar("Row")


def row(session: Session, model: type[Row], ident: object) -> Row:
    """The row with this key, which the caller knows exists (LookupError, naming it, if not)."""
    found = session.get(model, ident)
    if found is None:
        raise LookupError(f"no {model.__name__} {ident}")
    return found


def changed_rows(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched."""
    return cast(CursorResult[Any], result).rowcount
