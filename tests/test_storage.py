"""The schema: migrations apply from nothing and match the models."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from storage import Database
from storage.db import MIGRATIONS, SCHEMA_REVISION, schema_revision
from storage.models import Base


def test_schema_revision_constant_is_alembics_head():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_migrations_create_every_table_and_column_of_the_models(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    inspector = inspect(db.engine)
    for table in Base.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
    assert schema_revision(db.engine) == SCHEMA_REVISION
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


# The revisions of the last release; the migrations after them run on databases holding a year
# of history, so they must alter tables in place.
RELEASED = "0004"


def test_migrations_since_the_last_release_never_rebuild_a_table(tmp_path):
    """On SQLite, Alembic's batch mode copies a whole table to change it: hours for the tens of
    millions of fetch rows a year leaves. New migrations must use plain ALTER TABLE."""
    from alembic import command
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, RELEASED)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: statements.append(sql))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert any("ALTER TABLE" in sql for sql in statements)
    assert not [sql for sql in statements if "_alembic_tmp_" in sql]
