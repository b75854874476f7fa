"""One crawl process for many sources (crawler/feed/): sources sharing a domain share its delay,
kept as a minimum, with no lock; one source failing fails no other; a long-lived crawl process
that is recycled loses no run."""

from __future__ import annotations

import itertools
import time

from storage import Run

from .test_daemon import Daemon


def test_two_sources_on_one_domain_share_its_delay_as_a_minimum(workspace, site):
    """Two sections of one host, crawled at once with a one-second delay: every two requests to
    the host are at least a second apart (a loaded machine only spreads them further)."""
    for section in ("kjfw", "zfxxgk"):
        for number in range(3):
            site.publish(section, "wansheng-plan", path=f"{site.sections[section].prefix}d{number}.html")
    arrivals: list[float] = []
    site.on_request = lambda _path: arrivals.append(time.monotonic())
    text = workspace.config.read_text(encoding="utf-8").replace("delay = 0\n", "delay = 1\n")
    workspace.config.write_text(text.replace("concurrency_per_domain = 8", "concurrency_per_domain = 1"))

    summaries, _ = workspace.crawl("kjfw", "zfxxgk")

    assert {s.source: s.status for s in summaries} == {"kjfw": "ok", "zfxxgk": "ok"}
    assert {s.source: s.new for s in summaries} == {"kjfw": 3, "zfxxgk": 3}
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert len(arrivals) >= 9 and min(gaps) >= 0.95, gaps  # robots.txt, two listings, six documents


def test_one_source_failing_fails_no_other_in_the_same_process(workspace, site):
    site.publish("kjfw", "wansheng-plan")
    workspace.write_seed("broken", f'start_urls = ["{site.url("/no/such/listing.html")}"]\n')

    summaries, _ = workspace.crawl("kjfw", "broken")

    by_source = {s.source: s for s in summaries}
    assert by_source["kjfw"].status == "ok" and by_source["kjfw"].new == 1
    assert by_source["broken"].status == "failed" and "listing" in by_source["broken"].error


def test_a_recycled_crawl_process_loses_no_run(workspace, site):
    """Recycled every few seconds (drained: no new runs, those in flight finish), the daemon's
    crawl process is started again for the next slot; every slot's run ends ok."""
    site.publish("kjfw", "wansheng-plan")
    for path in workspace.seeds.glob("*.toml"):
        path.unlink()
    workspace.write_seed("kjfw", f'start_urls = ["{site.listing_url("kjfw")}"]\nschedule = "every 1s"\n')
    daemon = Daemon(workspace, "recycle_hours = 0.0005\n")  # 1.8 s
    try:
        daemon.wait_for(lambda: len({r.pid for r in daemon.runs() if r.status == "ok"}) >= 2, timeout=120)
    finally:
        daemon.stop()
    runs: list[Run] = daemon.runs()
    assert {r.status for r in runs} <= {"ok", "interrupted", "queued"}, [(r.status, r.error) for r in runs]
