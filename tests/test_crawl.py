"""Crawls of a real local site (the demo site's three templates) into a real SQLite file."""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, func, select, update

from monitor.demo.samples import Sample, load_sample
from storage import Change, Document, Fetch, Run, Version, utcnow


def _count(workspace, model) -> int:
    with workspace.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _document(workspace, url: str) -> Document:
    with workspace.db.session() as session:
        return session.scalar(select(Document).where(Document.url == url))


def test_first_crawl_finds_every_document_as_new(workspace, site):
    paths = [
        site.publish("nx-kjt", "nx-kjt-draft"),
        site.publish("kjfw", "wansheng-plan"),
        site.publish("zfxxgk", "yunnan-opinion"),
    ]

    summaries, _ = workspace.crawl()

    assert {s.source: s.status for s in summaries} == {"kjfw": "ok", "nx-kjt": "ok", "szf": "ok", "zfxxgk": "ok"}
    changes = workspace.changes()
    assert sorted(c["url"] for c in changes) == sorted(site.url(p) for p in paths)
    assert {c["kind"] for c in changes} == {"new"}
    titles = {c["title"] for c in changes}
    # The GBK section declares gb2312 in a meta tag only; its Chinese title must come through intact.
    assert "关于征求《关于推动高新技术产业开发区高质量发展的实施意见(征求意见稿)》意见的通知" in titles
    assert "快遞大陸省人民政府關於促進高新技術產業開發區高質量發展的實施意見" in titles


def test_chrome_changes_alone_give_no_event_and_no_version(workspace, site):
    for section, sample in [
        ("nx-kjt", "nx-kjt-draft"),
        ("kjfw", "alxa-opinion"),
        ("zfxxgk", "yunnan-opinion"),
        ("szf", "wansheng-plan"),
    ]:
        site.publish(section, sample)
    workspace.crawl()
    versions, fetches = _count(workspace, Version), _count(workspace, Fetch)

    summaries, _ = workspace.crawl()  # every page now has new counters, sidebars and timestamps

    assert [s.status for s in summaries] == ["ok"] * 4
    assert len(workspace.changes()) == 4
    assert _count(workspace, Version) == versions
    assert _count(workspace, Fetch) > fetches  # the fetches themselves are recorded


def test_an_edit_is_a_changed_event_with_its_diff(workspace, site):
    path = site.publish("kjfw", "wansheng-plan")
    workspace.crawl()
    site.edit(path, "总体完成率达80%以上", "总体完成率达85%以上")

    workspace.crawl()

    changed = workspace.changes("--kind", "changed")
    assert len(changed) == 1
    assert changed[0]["url"] == site.url(path)
    assert changed[0]["old_version"] != changed[0]["new_version"]
    assert changed[0]["added_chars"] >= 1 and changed[0]["removed_chars"] >= 1
    out = workspace.cli("diff", str(changed[0]["id"])).stdout
    assert "80%" in out and "85%" in out
    assert "[-" in out and "{+" in out


def test_a_404_is_removed_and_keeps_the_last_content(workspace, site):
    path = site.publish("kjfw", "alxa-opinion")
    workspace.crawl()
    before = _document(workspace, site.url(path))
    site.remove(path)

    workspace.crawl()
    workspace.crawl()  # still gone: no second event

    removed = workspace.changes("--kind", "removed")
    assert [c["url"] for c in removed] == [site.url(path)]
    assert removed[0]["new_version"] is None and removed[0]["old_version"] == before.current_version_id
    after = _document(workspace, site.url(path))
    assert after.current_version_id == before.current_version_id
    assert after.gone_since is not None
    with workspace.db.session() as session:
        statuses = session.scalars(select(Fetch.http_status).where(Fetch.url == site.url(path))).all()
    assert 404 in statuses


def test_a_soft_404_is_removed_and_never_a_version(workspace, site):
    paths = [site.publish(section, "dabancheng-draft") for section in site.sections]
    workspace.crawl()
    versions = _count(workspace, Version)
    for path in paths:
        site.remove(path, soft=True)  # served with 200, in the site's chrome, saying the page is gone

    workspace.crawl()

    assert sorted(c["url"] for c in workspace.changes("--kind", "removed")) == sorted(site.url(p) for p in paths)
    assert _count(workspace, Version) == versions


def test_a_page_that_comes_back_is_restored(workspace, site):
    path = site.publish("zfxxgk", "yunnan-opinion")
    workspace.crawl()
    site.remove(path)
    workspace.crawl()
    site.restore(path)

    workspace.crawl()

    assert [c["kind"] for c in workspace.changes()] == ["new", "removed", "restored"]


def test_server_errors_and_garbage_are_failed_fetches_not_versions(workspace, site):
    broken = site.publish("kjfw", "wansheng-plan")
    garbage = site.publish("kjfw", "alxa-opinion")
    workspace.crawl()
    versions = _count(workspace, Version)
    site.break_page(broken, 500)
    site.break_page(garbage, 200, bytes(range(256)) * 40)

    summaries, _ = workspace.crawl()

    assert summaries[0].status == "ok"  # the listing still works: the run itself is fine
    assert len(workspace.changes()) == 2  # only the two "new" events of the first crawl
    assert _count(workspace, Version) == versions
    with workspace.db.session() as session:
        failed = session.execute(
            select(Fetch.url, Fetch.http_status, Fetch.error).where(Fetch.outcome == "failed")
        ).all()
    assert {row.url for row in failed} == {site.url(broken), site.url(garbage)}
    assert all(row.error for row in failed)


def test_known_documents_are_fetched_even_when_no_listing_links_them(workspace, site):
    path = site.publish("kjfw", "wansheng-plan")
    workspace.crawl()
    site.unlist(path)
    site.edit(path, "成功申报市级高新区", "成功申报国家级高新区")

    workspace.crawl()

    assert [c["kind"] for c in workspace.changes()] == ["new", "changed"]


def test_listing_pagination_is_followed(workspace, site):
    site.sections["kjfw"].page_size = 2
    base = load_sample("wansheng-plan")
    for n in range(5):
        doc = Sample(
            name=f"doc{n}",
            title=f"关于第{n}批科技项目的通知",
            paragraphs=[f"第{n}批项目名单已经确定，现予公布。", *base.paragraphs[:3]],
            publish_date=f"2022-0{n + 1}-01",
        )
        site.publish("kjfw", doc)

    workspace.crawl("kjfw")

    assert len(workspace.changes()) == 5


def test_politeness_robots_and_user_agent(workspace, site):
    site.publish("kjfw", "wansheng-plan")
    forbidden = site.publish("kjfw", "alxa-opinion", "/admin/secret.html")  # robots.txt disallows /admin/

    workspace.crawl()

    paths = [path for path, _ in site.requests]
    assert "/robots.txt" in paths and "/admin/secret.html" not in paths
    assert all("policywatch" in agent for _, agent in site.requests)
    with workspace.db.session() as session:
        error = session.scalar(select(Fetch.error).where(Fetch.url == site.url(forbidden)))
    assert "robots" in error.lower()


def test_a_page_over_the_size_limit_is_a_failed_fetch(workspace, site):
    workspace.config.write_text(
        workspace.config.read_text(encoding="utf-8").replace(
            "timeout = 10\n", "timeout = 10\nmax_page_bytes = 200000\n"
        ),
        encoding="utf-8",
    )
    path = site.publish("kjfw", "wansheng-plan")
    workspace.crawl()
    site.break_page(path, 200, b"<html><body>" + "<p>很大的页面。</p>".encode() * 100_000 + b"</body></html>")

    workspace.crawl()

    assert len(workspace.changes()) == 1
    with workspace.db.session() as session:
        last = session.execute(
            select(Fetch.outcome, Fetch.error).where(Fetch.url == site.url(path)).order_by(Fetch.id.desc())
        ).first()
    assert last.outcome == "failed" and last.error


def test_conditional_requests_skip_unchanged_pages(workspace, site):
    site.static = True  # pages published once, served with an ETag, 304 on If-None-Match
    for name in ("wansheng-plan", "alxa-opinion", "nx-kjt-draft"):
        site.publish("kjfw", name)
    workspace.crawl("kjfw")
    versions = _count(workspace, Version)

    workspace.crawl("kjfw")

    with workspace.db.session() as session:
        second = session.scalar(select(func.max(Fetch.run_id)))
        fetches = session.execute(
            select(Fetch.http_status, Fetch.outcome, Fetch.size, Fetch.version_id).where(
                Fetch.run_id == second, Fetch.kind == "document"
            )
        ).all()
    assert [(f.http_status, f.outcome, f.size) for f in fetches] == [(304, "unchanged", 0)] * 3
    assert all(f.version_id for f in fetches)  # each fetch records the version it saw
    assert _count(workspace, Version) == versions
    assert len(workspace.changes()) == 3


def test_a_crawl_over_its_memory_limit_is_stopped_and_says_so(workspace, site):
    """The limit counts the whole process tree (crawl process, store worker, readers), as PSS."""
    workspace.config.write_text(
        workspace.config.read_text(encoding="utf-8").replace(
            "crawl_time_limit = 120\n", "crawl_time_limit = 120\ncrawl_memory_limit_mb = 1\n"
        ),
        encoding="utf-8",
    )
    site.publish("kjfw", "wansheng-plan")
    site.delay = 7  # the crawl lasts past the memory check (every 5 s) whatever the machine's load

    summaries, _ = workspace.crawl("kjfw")

    assert summaries[0].status == "memory" and "over its 1 MB limit" in summaries[0].error


def test_a_cleaner_upgrade_is_no_alert_storm_and_real_edits_still_count(workspace, site):
    quiet = site.publish("kjfw", "wansheng-plan")
    edited = site.publish("zfxxgk", "yunnan-opinion")
    workspace.crawl()
    # As an older cleaner left them: a rail line in the text, no cleaner noted.
    with workspace.db.session() as session:
        for version in session.scalars(select(Version)):
            version.text += "\n为你推荐：全区科技创新大会召开"
            version.content_hash = "old-" + version.content_hash
            version.cleaner = None
    site.edit(edited, "對高新區內新認定的國家重點實驗室給予1000萬元", "對高新區內新認定的國家重點實驗室給予1500萬元")

    workspace.crawl()

    changed = workspace.changes("--kind", "changed")
    assert [c["url"] for c in changed] == [site.url(edited)]
    diff = workspace.cli("diff", str(changed[0]["id"])).stdout
    assert "1000" in diff and "1500" in diff and "为你推荐" not in diff
    quiet_id = _document(workspace, site.url(quiet)).id
    with workspace.db.session() as session:
        texts = session.scalars(select(Version.text).where(Version.document_id == quiet_id))
        assert ["为你推荐" in text for text in texts] == [False]


def test_events_of_a_run_whose_detection_never_ran_come_with_the_next_crawl(workspace, site):
    """The process died between crawl and detection: the next crawl detects that run's documents
    too, even those resting this time (not fetched again)."""
    path = site.publish("kjfw", "wansheng-plan")
    workspace.crawl("kjfw")
    with workspace.db.session() as session:
        session.execute(delete(Change))
        session.execute(update(Run).values(changes_detected=False))
        session.execute(update(Document).values(next_visit_at=utcnow() + timedelta(days=7)))  # resting now

    summaries, _ = workspace.crawl("kjfw")

    assert [c["url"] for c in workspace.changes("--kind", "new")] == [site.url(path)]
    with workspace.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Run).where(Run.changes_detected.is_(False))) == 0
        fetched = session.scalar(
            select(func.count()).select_from(Fetch).where(Fetch.run_id == summaries[0].run_id, Fetch.kind == "document")
        )
    assert fetched == 0


def _grandchildren() -> list[int]:
    """Processes whose parent is a child of this one: the crawl child's store workers."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    children = {pid for pid, parent in parents.items() if parent == os.getpid()}
    return [pid for pid, parent in parents.items() if parent in children]


def test_a_store_worker_that_dies_stops_the_crawl_and_fails_the_run(workspace, site):
    for number in range(12):
        site.publish("kjfw", "wansheng-plan", path=f"/kjfw/dead{number}.html")
    killed: list[int] = []

    def kill_the_store_workers(path: str) -> None:
        if path.startswith("/kjfw/dead") and not killed:
            killed.extend(_grandchildren())
            for pid in killed:
                os.kill(pid, signal.SIGKILL)

    site.on_request = kill_the_store_workers
    summaries, _ = workspace.crawl("kjfw")

    assert killed
    assert summaries[0].status == "failed" and "store worker died" in summaries[0].error
    site.on_request = None
    summaries, _ = workspace.crawl("kjfw")
    assert summaries[0].status == "ok" and _count(workspace, Document) == 12


def test_a_crawl_stopped_cleanly_at_its_time_limit_is_a_timeout(workspace, site):
    site.publish("kjfw", "wansheng-plan")
    site.delay = 1.5  # robots.txt and the listing alone take longer than the limit
    text = workspace.config.read_text(encoding="utf-8").replace("crawl_time_limit = 120", "crawl_time_limit = 2")
    workspace.config.write_text(text, encoding="utf-8")

    [summary] = workspace.crawl("kjfw")[0]

    assert summary.status == "timeout" and "time limit" in summary.error
