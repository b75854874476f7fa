"""Thousands of sources on one host: N sources on N local domains, one round of all of them.

Each source is a listing and five documents on a loopback address of its own (127.0.x.y), all
served by one small aiohttp process that answers every request after 0.2 s. Two requests to one
domain closer together than the politeness delay are a violation (there must be none), judged
by the kernel's timestamps of the request packets (benchmarks/sniff.py, as root). Production
politeness: 1 s a domain at least, robots.txt, AutoThrottle. Two designs in the same run:

- the daemon as built (`policywatch run`): every source due at the same minute, one crawl
  process crawling them all, detection and notification as each run closes;
- process per source, the earlier design: each source crawled by a crawl process of its own
  (forked from a server with Scrapy loaded), two at a time (the old max_parallel_crawls).

Figures: wall time from the slot to the last run closed, peak PSS of every process of the
design, CPU seconds, violations, and capacity at four runs a day.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from crawler.feed.memory import tree_megabytes
from crawler.source import Politeness, Source
from monitor.config import Settings
from monitor.demo.mailsink import free_port
from monitor.demo.samples import load_sample, sample_names
from monitor.ops.crawl import queue_sources
from monitor.ops.runner import crawl_options
from storage import Database, Run

from .sniff import Sniffer
from .sniff import available as sniffing

SIZES = (100, 1000, 5000)
PER_SOURCE_SIZE = 100  # the earlier design is measured here and scaled: at 1,000 it takes half an hour
LATENCY, DELAY = 0.2, 1.0
DOCUMENTS = 5
RUNS_A_DAY = 4


def domain(number: int) -> str:
    return f"127.0.{1 + number // 250}.{1 + number % 250}"


def _pages() -> tuple[str, list[str]]:
    paragraphs = [p for name in sample_names() for p in load_sample(name).paragraphs if len(p) > 20]
    return "关于{n}号地区开展第{d}项工作的通知", paragraphs


def _serve(port: int, ready: multiprocessing.Event) -> None:
    from aiohttp import web

    title, paragraphs = _pages()
    counts = {"requests": 0}

    def document(host: str, number: int) -> str:
        text = "".join(f"<p>{paragraphs[(hash(host) + number * 7 + i) % len(paragraphs)]}</p>" for i in range(6))
        heading = title.format(n=host, d=number)
        body = f"<div class='article'><h1>{heading}</h1>{text}</div>"
        return f"<html><head><title>{heading}</title></head><body>{body}</body></html>"

    def listing(host: str) -> str:
        items = "".join(
            f"<li><a href='/doc/{d}.html'>{title.format(n=host, d=d)}</a><span>2026-11-0{d + 1}</span></li>"
            for d in range(DOCUMENTS)
        )
        return f"<html><head><title>通知公告</title></head><body><ul class='list'>{items}</ul></body></html>"

    async def handle(request: web.Request) -> web.Response:
        if request.path == "/__stats":
            return web.json_response(counts)
        host = request.host.split(":")[0]
        counts["requests"] += 1
        await asyncio.sleep(LATENCY)
        if request.path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        if request.path == "/list/index.html":
            return web.Response(text=listing(host), content_type="text/html", charset="utf-8")
        if request.path.startswith("/doc/"):
            number = int(request.path[5:].split(".")[0])
            return web.Response(text=document(host, number), content_type="text/html", charset="utf-8")
        return web.Response(status=404, text="not found")

    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(runner.setup())
    # Every 127.x.y.z address reaches this one socket (loopback is a /8); nothing else is served.
    loop.run_until_complete(web.TCPSite(runner, "0.0.0.0", port, backlog=4096).start())
    ready.set()
    loop.run_forever()


class Sites:
    def __init__(self) -> None:
        self.port = free_port()
        ready = multiprocessing.get_context("fork").Event()
        self.process = multiprocessing.get_context("fork").Process(target=_serve, args=(self.port, ready), daemon=True)
        self.process.start()
        ready.wait(30)

    def stats(self) -> dict[str, int]:
        import requests

        return requests.get(f"http://127.0.0.1:{self.port}/__stats", timeout=30).json()

    def close(self) -> None:
        self.process.terminate()
        self.process.join()


def _write_workspace(folder: Path, count: int, port: int, schedule: str) -> Path:
    seeds = folder / "seeds"
    seeds.mkdir()
    for number in range(count):
        (seeds / f"s{number:05d}.toml").write_text(
            f'start_urls = ["http://{domain(number)}:{port}/list/index.html"]\nschedule = "{schedule}"\n',
            encoding="utf-8",
        )
    config = folder / "policywatch.toml"
    config.write_text(
        'database_url = "sqlite:///scale.db"\nseeds_dir = "seeds"\nhttp_cache_dir = "httpcache"\n'
        '[daemon]\njitter_seconds = 0\nseed_poll_seconds = 3600\ntimezone = "UTC"\n',
        encoding="utf-8",
    )
    return config


class PeakMemory(threading.Thread):
    """The highest PSS of a process tree, sampled twice a second."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak = max(self.peak, tree_megabytes(self.pid))


def _closed(db: Database) -> tuple[int, int]:
    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(Run)) or 0
        open_ = session.scalar(select(func.count()).select_from(Run).where(Run.status.in_(("queued", "running")))) or 0
    return total, total - open_


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def daemon_round(count: int, sites: Sites) -> dict[str, float]:
    """`policywatch run` with every source due at the next minute; until every run has closed."""
    with tempfile.TemporaryDirectory(prefix="policywatch-scale-") as tmp:
        folder = Path(tmp)
        # The next minute that leaves the daemon time to start and schedule every seed first.
        ahead = timedelta(seconds=20 + count / 100)
        slot = (datetime.now(UTC) + ahead + timedelta(minutes=1)).replace(second=0, microsecond=0)
        config = _write_workspace(folder, count, sites.port, f"{slot.minute} {slot.hour} * * *")
        db = Database(f"sqlite:///{folder / 'scale.db'}")
        env = {**os.environ, "POLICYWATCH_CONFIG": str(config)}
        cpu = _cpu_children()
        daemon = subprocess.Popen(
            [str(Path(sys.executable).with_name("policywatch")), "run"],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=(folder / "daemon.log").open("w"),
        )
        memory = PeakMemory(daemon.pid)
        memory.start()
        try:
            while _closed(db) != (count, count):
                assert daemon.poll() is None, (folder / "daemon.log").read_text()[-2000:]
                time.sleep(0.5)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(300)
            memory.done.set()
        with db.session() as session:
            runs = session.scalars(select(Run)).all()
            first = min(r.scheduled_at for r in runs)
            last = max(r.finished_at for r in runs)
            statuses = {s: sum(r.status == s for r in runs) for s in {r.status for r in runs}}
        db.close()
        return {
            "wall": (last - first).total_seconds(),
            "memory": memory.peak,
            "cpu": _cpu_children() - cpu,
            "ok": statuses.get("ok", 0),
        }


def per_source_round(count: int, sites: Sites, parallel: int = 2) -> dict[str, float]:
    """Each source crawled by a crawl process of its own, `parallel` at once."""
    from crawler.feed.service import serve

    with tempfile.TemporaryDirectory(prefix="policywatch-scale-") as tmp:
        folder = Path(tmp)
        settings = Settings(
            database_url=f"sqlite:///{folder / 'scale.db'}",
            crawl=Politeness(),
            http_cache_dir=None,
        )
        db = Database(settings.database_url)
        sources = [
            Source(name=f"s{n:05d}", start_urls=[f"http://{domain(n)}:{sites.port}/list/index.html"])
            for n in range(count)
        ]
        context = multiprocessing.get_context("fork")  # Scrapy loaded, as the old daemon's forkserver had it
        options = crawl_options(settings)
        cpu, started, peak = _cpu_children(), time.monotonic(), 0.0
        queue = list(sources)
        running: list[multiprocessing.process.BaseProcess] = []
        while queue or running:
            for process in [p for p in running if not p.is_alive()]:
                process.join()  # reaped here: its CPU counts in ours
            running = [p for p in running if p.is_alive()]
            while queue and len(running) < parallel:
                source = queue.pop(0)
                queue_sources(db, [source], lambda s: f"pps:{s.name}", 3600)
                child = context.Process(target=serve, args=(options, f"pps:{source.name}"), kwargs={"once": True})
                child.start()
                running.append(child)
            peak = max(peak, sum(tree_megabytes(p.pid) for p in running if p.pid))
            time.sleep(0.2)
        wall = time.monotonic() - started
        ok = _closed(db)[1]
        db.close()
        return {"wall": wall, "memory": peak, "cpu": _cpu_children() - cpu, "ok": ok}


def run(sizes: tuple[int, ...] = SIZES) -> list[tuple[str, str]]:
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    sites = Sites()
    sniffer = Sniffer(sites.port, DELAY) if sniffing() else None
    figures: list[tuple[str, str]] = []
    try:
        old = per_source_round(PER_SOURCE_SIZE, sites)
        figures.append(
            (
                f"process per source, N={PER_SOURCE_SIZE}",
                f"{old['wall']:.0f} s, peak {old['memory']:.0f} MB, {old['cpu']:.0f} CPU s, {old['ok']} ok"
                f" (N=1,000 by the same rate: {old['wall'] * 10 / 60:.0f} min)",
            )
        )
        for count in sizes:
            new = daemon_round(count, sites)
            per_day = 86400 / new["wall"] * count / RUNS_A_DAY
            figures.append(
                (
                    f"daemon, one crawl process, N={count}",
                    f"{new['wall']:.1f} s from the slot, peak {new['memory']:.0f} MB, {new['cpu']:.0f} CPU s, "
                    f"{new['ok']} ok; capacity {per_day:,.0f} sources a day at {RUNS_A_DAY} runs",
                )
            )
        if sniffer is not None:
            seen = sniffer.stop()
            figures.append(
                (
                    "politeness (kernel timestamps)",
                    f"{seen['violations']} of {seen['requests']} requests closer than {DELAY:.0f} s to the last to "
                    f"their domain; the closest {seen['closest']:.3f} s {seen['pairs'] or ''}",
                )
            )
        else:
            figures.append(("politeness", "not measured: reading packets needs root (CAP_NET_RAW)"))
    finally:
        sites.close()
    return figures


if __name__ == "__main__":
    for label, figure in run(tuple(int(n) for n in sys.argv[1:]) or SIZES):
        print(f"{label:40s} {figure}")
