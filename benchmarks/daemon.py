"""A soak of the daemon: `policywatch run` drives 200 scheduled crawls of a local site.

Six sources on "every 6s" to "every 11s" (so their slots drift apart), three crawls at a time:
about 0.7 crawls a second. Reports the daemon's resident memory after the first crawl and at the
end, and the scheduling delay (start of a run minus the time the scheduler meant it to start).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from monitor.demo.samples import load_sample, sample_names
from monitor.demo.site import DemoSite, Section
from storage import Database, Run
from storage.runqueue import OPEN

from . import p95

CRAWLS = 200
SOURCES = 6


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _finished(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Run).where(Run.status.notin_(OPEN))) or 0


def run(crawls: int = CRAWLS) -> list[tuple[str, str]]:
    sections = [
        Section(f"s{n}", f"栏目{n}", f"/s{n}/", ("trs", "portal", "xxgk", "hanweb")[n % 4]) for n in range(SOURCES)
    ]
    with DemoSite(sections) as site, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n, name in enumerate(sample_names()[:5]):
            site.publish(f"s{n % SOURCES}", load_sample(name))
            site.publish(f"s{(n + 5) % SOURCES}", load_sample(name))
        (folder / "seeds").mkdir()
        for section in sections:
            (folder / "seeds" / f"{section.name}.toml").write_text(
                f'name = "{section.name}"\nstart_urls = ["{site.listing_url(section.name)}"]\n'
                f'schedule = "every {6 + int(section.name[1:])}s"\n',
                encoding="utf-8",
            )
        config = folder / "policywatch.toml"
        config.write_text(
            'database_url = "sqlite:///soak.db"\nseeds_dir = "seeds"\n'
            "[crawl]\ndelay = 0\nconcurrency_per_domain = 4\nautothrottle = false\n"
            "[daemon]\nmax_parallel_crawls = 3\njitter_seconds = 0\n",
            encoding="utf-8",
        )
        db = Database(f"sqlite:///{folder / 'soak.db'}")
        env = {**os.environ, "POLICYWATCH_CONFIG": str(config)}
        daemon = subprocess.Popen(
            [str(Path(sys.executable).with_name("policywatch")), "run"],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        try:
            while _finished(db) < 1:
                time.sleep(0.5)
            rss_start = _rss_mb(daemon.pid)
            started = time.monotonic()
            while _finished(db) < crawls:
                time.sleep(1)
            elapsed = time.monotonic() - started
            rss_end = _rss_mb(daemon.pid)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(120)
        with db.session() as session:
            runs = session.scalars(select(Run).where(Run.scheduled_at.is_not(None))).all()
            delays = sorted((r.started_at - r.scheduled_at).total_seconds() for r in runs)
            statuses = {s: sum(r.status == s for r in runs) for s in {r.status for r in runs}}
    return [
        ("crawls", f"{len(runs)} scheduled runs in {elapsed:.0f} s ({statuses})"),
        ("daemon RSS", f"{rss_start:.0f} MB after the first crawl, {rss_end:.0f} MB after {crawls}"),
        (
            "scheduling delay",
            f"median {statistics.median(delays):.2f} s, p95 {p95(delays):.2f} s, max {delays[-1]:.2f} s",
        ),
    ]


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:20s} {figure}")
