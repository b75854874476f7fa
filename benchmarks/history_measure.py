"""What a grown database costs: a crawl of a new 2,000-page source and the detection after it,
`status`, `changes --since`, the web pages, and disk per version and per fetch row."""

from __future__ import annotations

import multiprocessing
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crawler.feed.service import serve
from crawler.source import Politeness, Source
from monitor.config import Settings
from monitor.demo.mailsink import free_port
from monitor.detect.reprints import mark_reprints
from monitor.ops import status
from monitor.ops.crawl import finish
from monitor.ops.runner import crawl_options
from storage import Change, Database, Document, Fetch, Version, queries, utcnow
from storage.runqueue import queue_run
from storage.runs import ensure_source

from .crawl import DOCUMENTS, build_site
from .staticsite import StaticSite

REQUESTS = 20


def _median(action: Callable[[], object], times: int = 7) -> float:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


def _crawls(db: Database, times: int = 3) -> dict[str, float]:
    """Median of three crawls of a new 2,000-page source (each on a site of its own, so each
    finds 2,000 new documents), and of the detections after them."""
    runs = []
    for n in range(times):
        with StaticSite(build_site) as site:
            runs.append(_crawl(db, site, f"bench{n}"))
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def _crawl(db: Database, site: StaticSite, name: str) -> dict[str, float]:
    """The crawl as `policywatch crawl` runs it, its two halves timed apart."""
    settings = Settings(
        database_url=db.url,
        crawl=Politeness(delay=0, concurrency_per_domain=32, autothrottle=False, obey_robots=False),
        http_cache_dir=None,
    )
    source = Source(
        name=name, start_urls=[site.base_url + "/list/index.html"], max_pages=1000, max_documents=DOCUMENTS + 10
    )
    started = time.perf_counter()
    with db.session() as session:
        row = ensure_source(session, source.name)
        run_id = queue_run(session, row, {"source": source.model_dump(mode="json"), "render": "static"}, "bench").id
    options = crawl_options(settings)
    child = multiprocessing.get_context("fork").Process(target=serve, args=(options, "bench"), kwargs={"once": True})
    child.start()
    child.join()
    crawled = time.perf_counter()
    finish(db, settings, [run_id])
    return {
        "crawl of a 2,000-page source": crawled - started,
        "change detection after it": time.perf_counter() - crawled,
    }


def _commands(db: Database, since: datetime) -> dict[str, float]:
    """`status` over 500 sources, and `changes --since` the crawl began (the same events on an
    empty and on a grown database)."""
    sources = [Source(name=f"src{i:03d}", start_urls=[f"http://src{i:03d}.example.gov.cn/"]) for i in range(1, 501)]

    def show_status() -> None:
        with db.session() as session:
            status.status_lines(status.source_status(session, sources))

    def recent_changes() -> None:
        with db.session() as session:
            queries.list_changes(session, since=since)

    return {"status (500 sources)": _median(show_status, 3), "changes --since (the crawl's)": _median(recent_changes)}


def _web(db: Database, folder: Path) -> dict[str, float]:
    """`policywatch serve` over the database, timed over HTTP from this process."""
    with db.session() as session:
        first, second = session.scalars(
            select(Document.current_version_id).join(Document.source).where(Document.source.has(name="bench0")).limit(2)
        ).all()
        document = session.scalar(select(Version.document_id).where(Version.id == second))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "seeds").mkdir(exist_ok=True)
    (folder / "policywatch.toml").write_text(f'database_url = "{db.url}"\n', encoding="utf-8")
    port = free_port()
    env = {**os.environ, "POLICYWATCH_CONFIG": str(folder / "policywatch.toml")}
    command = [str(Path(sys.executable).with_name("policywatch")), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    pages = {
        "web: document list": "/",
        "web: search 通知": "/?q=" + urllib.parse.quote("通知"),
        "web: document page": f"/documents/{document}",
        "web: diff page": f"/diff/{first}/{second}",
    }
    try:
        _wait_for(base + "/healthz")
        return {label: _median(lambda path=path: _get(base + path), REQUESTS) for label, path in pages.items()}
    finally:
        server.terminate()
        server.wait(30)


def _get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()


def _wait_for(url: str) -> None:
    for _ in range(300):
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} never answered")


def _disk(db: Database) -> dict[str, float]:
    """Bytes per stored version and per fetch row, tables and their indexes together."""
    with db.session() as session:
        counts = {
            "versions": session.scalar(select(func.count()).select_from(Version)),
            "fetches": session.scalar(select(func.count()).select_from(Fetch)),
        }
        sizes = {}
        for table in counts:
            if db.engine.dialect.name == "sqlite":
                sql = (
                    "SELECT sum(pgsize) FROM dbstat WHERE name = :t OR name IN "
                    "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t)"
                )
            else:
                sql = "SELECT pg_total_relation_size(:t)"
            sizes[table] = session.execute(text(sql), {"t": table}).scalar() or 0
    return {f"disk per {'version' if t == 'versions' else 'fetch row'}": sizes[t] / max(1, counts[t]) for t in counts}


def warm(db: Database) -> None:
    """Both databases start alike: SQLite's file read once through the OS cache, PostgreSQL's
    tables and indexes read once into its buffers."""
    if db.engine.dialect.name == "sqlite":
        path = Path(db.engine.url.database or "")
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass
        return
    with db.engine.connect() as connection:
        names = connection.exec_driver_sql(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')"
        ).scalars()
        try:
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            for name in list(names):
                connection.exec_driver_sql(f"SELECT pg_prewarm('{name}')")
            connection.commit()
        except DBAPIError:  # no pg_prewarm here: a whole read of each table instead
            connection.rollback()
            for table in ("documents", "versions", "fetches", "changes", "runs"):
                connection.exec_driver_sql(f"SELECT count(*) FROM {table}")


def files(db: Database) -> dict[str, float]:
    """The database's size on disk, and SQLite's write-ahead log beside it (bytes)."""
    if db.engine.dialect.name == "sqlite":
        path = Path(db.engine.url.database or "")
        wal = path.with_name(path.name + "-wal")
        return {"disk: database file": path.stat().st_size, "disk: WAL file": wal.stat().st_size if wal.exists() else 0}
    with db.engine.connect() as connection:
        size = connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() or 0
    return {"disk: database file": float(size)}


def _reprints(db: Database) -> dict[str, float]:
    """Reprint detection alone over the `new` events of a crawl's 2,000 documents (each time rolled
    back): of the first source (its titles looked up in the whole history) and of the second, the
    same site again, so every document is a reprint of the first's (the worst case: all confirmed)."""

    def once(source: str) -> None:
        with Session(db.engine) as session:
            changes = list(
                session.scalars(
                    select(Change)
                    .join(Document, Document.id == Change.document_id)
                    .where(Document.source.has(name=source), Change.kind == "new")
                )
            )
            mark_reprints(session, changes)
            session.rollback()

    return {
        "reprint detection, 2,000 new documents": _median(lambda: once("bench0"), 3),
        "reprint detection, 2,000 reprints": _median(lambda: once("bench1"), 3),
    }


def measure(db: Database, folder: Path) -> dict[str, float]:
    warm(db)
    since = utcnow()
    figures = _crawls(db)
    figures |= _reprints(db)
    figures |= _commands(db, since)
    figures |= _web(db, folder)
    return figures | _disk(db) | files(db)
