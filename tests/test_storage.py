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


def test_migrations_make_the_models_indexes_partial_ones_included(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.engine.connect() as connection:
        made = dict(connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'").all())
    for table in Base.metadata.sorted_tables:
        for index in table.indexes:
            assert index.name in made, index.name
            where = index.dialect_options["sqlite"]["where"]
            assert (where is not None) == ("WHERE" in (made[index.name] or "")), index.name
    assert "ix_versions_document_id" not in made  # the unique (document_id, content_hash) serves


def test_the_write_ahead_log_is_folded_back_and_kept_small(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_size_limit").scalar() == 64 * 1024 * 1024
    reader = db.engine.connect()
    reader.exec_driver_sql("BEGIN")
    reader.exec_driver_sql("SELECT count(*) FROM sources").all()  # an old snapshot: no checkpoint passes it
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
            "INSERT INTO sources (name, title, created_at, render) SELECT 's' || i, hex(randomblob(500)), "
            "'2026-01-01', 'auto' FROM n"
        )
    wal = tmp_path / "x.db-wal"
    assert wal.stat().st_size > 1_000_000
    reader.rollback()
    reader.close()
    db.checkpoint()
    assert wal.stat().st_size == 0
