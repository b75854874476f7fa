"""Sites that need a browser, crawled through scrapy-playwright and Debian's chromium: listings
built from a JSON endpoint by fetch() with a pager only scripts understand, from inline data with
a "加载更多" button, documents written by scripts; and static sites that must never start it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.demo.samples import load_sample, sample_names
from monitor.demo.site import DemoSite, Section
from storage import Fetch, Run
from storage import Source as SourceRow

from .conftest import Workspace

SECTIONS = [
    Section("fetched", "通知公告", "/tzgg/", "fetch", page_size=2),
    Section("loaded", "政策文件", "/zcwj/", "inline", page_size=2),
    Section("spa", "政策解读", "/zcjd/", "spa", page_size=10),
    Section("two", "信息公开", "/xxgk/", "twolists", page_size=10),
    Section("static", "科技服务", "/kjfw/", "portal"),
    Section("clicked", "工作动态", "/gzdt/", "onclick", page_size=2),
]


@pytest.fixture
def browser_site():
    with DemoSite(SECTIONS) as running:
        yield running


@pytest.fixture
def browsing(tmp_path, browser_site, mail):
    return Workspace(tmp_path, browser_site, mail.port)


def _publish(site: DemoSite, section: str, count: int) -> list[str]:
    return [site.publish(section, load_sample(name)) for name in sample_names()[:count]]


def _runs(workspace: Workspace) -> dict[str, Run]:
    with workspace.db.session() as session:
        rows = session.execute(select(SourceRow.name, Run).join(Run, Run.source_id == SourceRow.id).order_by(Run.id))
        return {name: run for name, run in rows}  # the newest run of each source


def _chromium_pids() -> set[str]:
    found = set()
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if "chrom" in comm.read_text():
                found.add(comm.parent.name)
        except OSError:
            continue
    return found


class _ChromiumWatch(threading.Thread):
    """Notes whether a chromium process starts while a crawl runs (one still closing from an
    earlier test is not counted)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.before, self.seen, self.done = _chromium_pids(), False, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.seen |= bool(_chromium_pids() - self.before)


def test_script_built_listings_are_found_in_a_browser_and_remembered(browsing, browser_site):
    fetched = _publish(browser_site, "fetched", 3)  # two listing pages: the second behind a scripted 下一页
    loaded = _publish(browser_site, "loaded", 3)  # "加载更多" shows the third
    spa = _publish(browser_site, "spa", 2)  # the documents' text is written by a script

    summaries, _ = browsing.crawl("fetched", "loaded", "spa")

    new = {c["url"] for c in browsing.changes("--kind", "new")}
    assert new == {browser_site.url(p) for p in fetched + loaded + spa}, [s.line() for s in summaries]
    assert all(s.status == "ok" for s in summaries)
    runs = _runs(browsing)
    assert all(runs[name].rendered for name in ("fetched", "loaded", "spa"))
    with browsing.db.session() as session:
        learned = dict(session.execute(select(SourceRow.name, SourceRow.render)).all())
        spa_texts = session.scalars(
            select(Fetch.rendered).where(Fetch.kind == "document", Fetch.url.contains("/zcjd/"))
        )
        assert all(spa_texts)
    assert learned["fetched"] == learned["loaded"] == learned["spa"] == "browser"
    status = browsing.cli("status").stdout
    assert status.count("renders in a browser") == 3

    browsing.crawl("fetched")  # next time: straight to the browser

    with browsing.db.session() as session:
        second = _runs(browsing)["fetched"].id
        listings = session.scalars(select(Fetch.rendered).where(Fetch.run_id == second, Fetch.kind == "listing")).all()
    assert listings and all(listings)


def test_static_sites_never_start_the_browser(browsing, browser_site):
    two = _publish(browser_site, "two", 4)  # 通知公告 and 政策文件 side by side: both lists count
    static = _publish(browser_site, "static", 2)
    watch = _ChromiumWatch()
    watch.start()

    summaries, _ = browsing.crawl("two", "static")

    watch.done.set()
    watch.join()
    assert not watch.seen
    assert {c["url"] for c in browsing.changes()} == {browser_site.url(p) for p in two + static}
    runs = _runs(browsing)
    assert not runs["two"].rendered and not runs["static"].rendered
    assert all(s.status == "ok" for s in summaries)


def test_a_listing_that_names_nothing_even_in_a_browser_fails_and_alerts_at_once(browsing, browser_site):
    from monitor.ops import alerts

    summaries, _ = browsing.crawl("fetched")  # a script-built listing with nothing in it

    assert summaries[0].status == "failed"
    assert summaries[0].error == "the listing pages name no documents, with a browser too"
    with browsing.db.session() as session:
        row = session.scalar(select(SourceRow).where(SourceRow.name == "fetched"))
        opened = alerts.review(session, row, None, 3)
        assert row.render is None  # the browser did not help: nothing is remembered
    assert [incident.kind for incident in opened] == ["empty_listing"]


def test_the_browser_keeps_the_crawls_manners_and_recycles_its_contexts(browsing, browser_site):
    """Its own requests: no pictures, nothing robots.txt forbids. And a fresh context after
    every page still reads everything."""
    browsing.config.write_text(
        browsing.config.read_text(encoding="utf-8").replace("[crawl]\n", "[crawl]\nbrowser_restart_pages = 1\n"),
        encoding="utf-8",
    )
    spa = _publish(browser_site, "spa", 3)
    _publish(browser_site, "fetched", 2)
    browser_site.robots = "User-agent: *\nDisallow: /tzgg/data/\n"  # the fetched listing's JSON

    summaries, _ = browsing.crawl("spa", "fetched")

    by_source = {s.source: s for s in summaries}
    assert by_source["spa"].status == "ok" and by_source["spa"].new == 3  # listing and 3 documents rendered
    assert by_source["fetched"].status == "failed"  # its list comes only from a forbidden path
    requested = [path for path, _agent in browser_site.requests]
    assert not [p for p in requested if p.startswith("/tzgg/data/")]
    assert not [p for p in requested if p.startswith("/images/")]
    assert {c["url"] for c in browsing.changes()} == {browser_site.url(p) for p in spa}


def test_a_static_first_page_whose_next_page_is_an_onclick_is_turned_in_the_browser(browsing, browser_site):
    """The first page's two documents are in its HTML; the third only comes when 下一页 (an onclick
    fetching JSON) is clicked. On render "auto" the run reads the static page, sees a pager only a
    script can turn, and reads the listing again in the browser, clicking through."""
    _publish(browser_site, "clicked", 3)

    summaries, _ = browsing.crawl("clicked")

    assert summaries[0].status == "ok"
    assert len(browsing.changes("--source", "clicked", "--kind", "new")) == 3  # the third only behind the click
    assert _runs(browsing)["clicked"].rendered
