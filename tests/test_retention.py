"""The fetch retention policy: old fetch rows of unchanged pages go; what saw a change, failed
fetches, the versions and the runs' summaries stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from storage import Fetch, Run, Version, utcnow
from storage.retention import duration


def _count(workspace, model, *where) -> int:
    with workspace.db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_old_fetches_of_unchanged_pages_are_pruned_and_nothing_else(workspace, site):
    path = site.publish("kjfw", "wansheng-plan")
    broken = site.publish("kjfw", "alxa-opinion")
    workspace.crawl("kjfw")
    site.break_page(broken, 500)
    workspace.crawl("kjfw")  # unchanged pages, and a failed fetch
    with workspace.db.session() as session:  # both runs happened a hundred days ago
        session.execute(update(Run).values(started_at=utcnow() - timedelta(days=100)))
        session.execute(update(Fetch).values(fetched_at=utcnow() - timedelta(days=100)))
    site.edit(path, "总体完成率达80%以上", "总体完成率达85%以上")
    workspace.crawl("kjfw")  # recent: kept whatever it fetched
    versions, pages = _count(workspace, Version), _count(workspace, Run, Run.pages_fetched > 0)
    before = {
        "changes seen": _count(workspace, Fetch, Fetch.saw_change.is_(True)),
        "failed": _count(workspace, Fetch, Fetch.outcome == "failed"),
        "recent": _count(workspace, Fetch, Fetch.fetched_at > utcnow() - timedelta(days=1)),
    }

    out = workspace.cli("prune").stdout

    assert "pruned" in out and int(out.split()[1]) > 0
    after = {
        "changes seen": _count(workspace, Fetch, Fetch.saw_change.is_(True)),
        "failed": _count(workspace, Fetch, Fetch.outcome == "failed"),
        "recent": _count(workspace, Fetch, Fetch.fetched_at > utcnow() - timedelta(days=1)),
    }
    assert after == before and before["changes seen"] >= 2 and before["failed"] >= 1
    old_unchanged = _count(
        workspace,
        Fetch,
        Fetch.fetched_at < utcnow() - timedelta(days=90),
        Fetch.saw_change.is_(False),
        Fetch.outcome != "failed",
    )
    assert old_unchanged == 0
    assert _count(workspace, Version) == versions and _count(workspace, Run, Run.pages_fetched > 0) == pages
    assert "pruned 0 " in workspace.cli("prune").stdout  # a second pass finds nothing left


def test_keep_fetches_is_a_duration():
    assert duration("90d") == timedelta(days=90) and duration("12w") == timedelta(weeks=12)
    with pytest.raises(ValueError, match="not a duration"):
        duration("three months")
