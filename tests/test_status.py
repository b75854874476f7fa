"""`status` reads each source's summary, kept where runs close; a database migrated from before
the summary gets it filled from its runs."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, insert

from crawler.source import Source
from monitor.ops.status import source_status
from storage import Database, Document, Run
from storage.db import MIGRATIONS
from storage.runqueue import queue_run
from storage.runs import close_run, ensure_source, finish_run, start_run


def _close(db: Database, name: str, status: str) -> None:
    with db.session() as session:
        run = start_run(session, ensure_source(session, name))
        close_run(session, run, status, None if status == "ok" else f"{status}!")


def _report(db: Database, *names: str) -> dict[str, dict]:
    with db.session() as session:
        found = source_status(session, [Source(name=n, start_urls=[f"http://{n}.example.gov.cn/"]) for n in names])
    return {item["source"]: item for item in found}


def test_status_follows_each_close_of_a_run(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    for state in ("failed", "ok", "crashed", "timeout"):
        _close(db, "a", state)
    _close(db, "b", "ok")
    with db.session() as session:
        a = ensure_source(session, "a")
        session.add_all(Document(source_id=a.id, url=f"http://a.example.gov.cn/{n}.html") for n in range(3))
        queue_run(session, a, {}, "cli:here")
        finish_run(session, start_run(session, ensure_source(session, "b")).id, "failed", "down")

    report = _report(db, "a", "b", "never")

    assert report["a"]["consecutive_failures"] == 2 and report["a"]["last_run"]["status"] == "timeout"
    assert report["a"]["running"] == "queued" and report["a"]["documents"] == 0  # counted when a run closes
    assert report["b"]["consecutive_failures"] == 1 and report["b"]["last_run"]["error"] == "down"
    assert report["never"]["last_run"] is None and report["never"]["documents"] == 0
    _close(db, "a", "ok")
    again = _report(db, "a")["a"]
    assert again["consecutive_failures"] == 0 and again["documents"] == 3 and again["last_run"]["status"] == "ok"


def test_the_migration_fills_each_sources_summary_from_its_runs(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0015")
        # 0016 changed only the sources table: runs and documents are as the models have them.
        connection.exec_driver_sql(
            "INSERT INTO sources (id, name, title, created_at) VALUES (1, 'a', '', '2026-01-01 00:00:00')"
        )
        for n, state in enumerate(("ok", "failed", "crashed", "running"), start=1):
            connection.execute(insert(Run.__table__).values(id=n, source_id=1, status=state, http_errors={}))
        connection.execute(insert(Document.__table__).values(source_id=1, url="http://a/1", title="", status="final"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    engine.dispose()

    item = _report(Database(f"sqlite:///{tmp_path / 'old.db'}"), "a")["a"]

    assert item["last_run"]["id"] == 3 and item["consecutive_failures"] == 2
    assert item["running"] == "running" and item["documents"] == 1
