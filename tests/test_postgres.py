"""The same storage, crawl, linking and search on a real PostgreSQL server."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect

from storage import Database, search
from storage.models import Base

from .conftest import Workspace
from .postgres import postgres_server


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture
def pg_workspace(tmp_path, site, mail, postgres_url, monkeypatch):
    database = Database(postgres_url)
    with database.engine.begin() as connection:  # each test starts from an empty schema
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    monkeypatch.setenv("POLICYWATCH_DATABASE_URL", postgres_url)
    workspace = Workspace(tmp_path, site, mail.port)
    assert workspace.settings().database_url == postgres_url
    return workspace


def test_migrations_build_the_schema_on_postgres(pg_workspace):
    inspector = inspect(pg_workspace.db.engine)
    for table in Base.metadata.sorted_tables:
        assert {c["name"] for c in inspector.get_columns(table.name)} == {c.name for c in table.columns}, table.name
    foreign_keys = {fk["name"] for fk in inspector.get_foreign_keys("documents")}
    assert "fk_documents_current_version" in foreign_keys


def test_crawl_events_links_and_search_on_postgres(pg_workspace, site):
    edited = site.publish("kjfw", "wansheng-plan")
    site.publish("nx-kjt", "nx-kjt-draft")
    gone = site.publish("szf", "alxa-opinion")
    pg_workspace.crawl()
    site.edit(edited, "总体完成率达80%以上", "总体完成率达85%以上")
    site.publish("zfxxgk", "nx-final")
    site.remove(gone)

    pg_workspace.crawl()

    kinds = sorted(c["kind"] for c in pg_workspace.changes())
    assert kinds == ["changed", "finalized", "new", "new", "new", "new", "removed"]
    with pg_workspace.db.session() as session:
        assert search.update_index(session) == 4
        hits = lambda q: [row.document_id for row in session.execute(search.search(session, q))]  # noqa: E731
        assert len(hits("通知")) == 2  # the draft and the plan mention 通知
        assert len(hits("高新区")) == 4
        assert len(hits("区")) == 4 and not hits("不存在的词")  # a lone character matches as a prefix
    draft = next(c["document_id"] for c in pg_workspace.changes() if c["title"].startswith("关于征求"))
    related = json.loads(pg_workspace.cli("related", str(draft), "--json").stdout)
    assert related[0]["reason"] == "similar text" and related[0]["score"] > 0.8
