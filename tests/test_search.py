"""Keeping the full-text index fresh from a long-running process, at the cost of what changed."""

from __future__ import annotations

from storage import search


def test_the_index_follows_the_crawls_a_pass_at_a_time(workspace, site):
    path = site.publish("kjfw", "wansheng-plan")
    site.publish("zfxxgk", "yunnan-opinion")
    workspace.crawl()
    freshen = search.Freshener()

    assert freshen(workspace.db) == 2  # the first pass looks at every document
    assert freshen(workspace.db) == 0
    site.edit(path, "成功申报市级高新区", "成功申报国家级示范区")
    workspace.crawl()

    assert freshen(workspace.db) == 1  # later passes, only at what changed since
    with workspace.db.session() as session:
        hits = [row.document_id for row in session.execute(search.search(session, "国家级示范区"))]
    assert len(hits) == 1
