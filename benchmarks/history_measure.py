"""What a grown database costs: a crawl of a new 2,000-page source and the detection after it,
`status`, `changes --since`, the web pages, and disk per version and per fetch row."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
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
from storage.models import Source as SourceRow
from storage.runqueue import queue_run
from storage.runs import ensure_source

from .crawl import DOCUMENTS, build_site
from .staticsite import StaticSite

REQUESTS = 20
SEED = 11  # of bench0's site; bench1's is the next, and so on
REPRINTS = "bench0-again"  # bench0's site crawled once more: every document a reprint


Pair = dict[str, Database]  # "empty" and "year"
Figures = dict[str, dict[str, float]]  # per database, per figure


@contextmanager
def _collector_off() -> Iterator[None]:
    """Python's cyclic garbage collector off while a figure is timed, a collection before, as
    timeit has it: a pass, whenever it falls, costs what this process holds (both databases'
    objects), not what either database does; an isolated full-size run saw 60 ms figures jump to
    90-120 ms on either database at random."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _paired(actions: dict[str, Callable[[], object]], times: int) -> dict[str, float]:
    """The median time of each action, the actions taking turns (empty, year, empty, …) so that
    whatever else the machine does in the meantime weighs on both alike; each with the collector
    off."""
    spent: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(times):
        for name, action in actions.items():
            with _collector_off():
                started = time.perf_counter()
                action()
                spent[name].append(time.perf_counter() - started)
    return {name: statistics.median(times) for name, times in spent.items()}


def _take(figures: Figures, label: str, pair: Pair, action: Callable[[Database], object], times: int) -> None:
    """One figure on both databases, taken in turns."""
    _record(figures, label, {name: partial(action, db) for name, db in pair.items()}, times)


def _record(figures: Figures, label: str, actions: dict[str, Callable[[], object]], times: int) -> None:
    for name, median in _paired(actions, times).items():
        figures[name][label] = median


def _crawls(pair: Pair, times: int = 3) -> Figures:
    """Median of three crawls of a new 2,000-page source on each database, taking turns, and of
    the detections after them: each crawl a site of its own documents (another seed), so each
    detection weighs 2,000 new documents, none a reprint. Then, untimed, bench0's site again
    under another source: 2,000 reprints, for the reprint figures."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in pair}
    for n in range(times):
        for name, db in pair.items():
            with StaticSite(partial(build_site, seed=SEED + n)) as site:
                runs[name].append(_crawl(db, site, f"bench{n}"))
    for db in pair.values():
        with StaticSite(partial(build_site, seed=SEED)) as site:
            _crawl(db, site, REPRINTS)
    return {
        name: {figure: statistics.median(run[figure] for run in done) for figure in done[0]}
        for name, done in runs.items()
    }


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
    with _collector_off():
        detecting = time.perf_counter()
        finish(db, settings, [run_id])
        detected = time.perf_counter()
    return {
        "crawl of a 2,000-page source": crawled - started,
        "change detection after it": detected - detecting,
    }


def _commands(pair: Pair, since: datetime) -> Figures:
    """`status` over 500 sources, and `changes --since` the crawls began (the same events on an
    empty and on a grown database)."""
    sources = [Source(name=f"src{i:03d}", start_urls=[f"http://src{i:03d}.example.gov.cn/"]) for i in range(1, 501)]

    def show_status(db: Database) -> None:
        with db.session() as session:
            status.status_lines(status.source_status(session, sources))

    def recent_changes(db: Database) -> None:
        with db.session() as session:
            queries.list_changes(session, since=since)

    figures: Figures = {name: {} for name in pair}
    _take(figures, "status (500 sources)", pair, show_status, 3)
    _take(figures, "changes --since (the crawl's)", pair, recent_changes, 7)
    return figures


def _web(pair: Pair, folder: Path) -> Figures:
    """`policywatch serve` over each database, timed over HTTP from this process, the two
    servers asked in turn."""
    servers = {name: _serve(db, folder / name) for name, db in pair.items()}
    try:
        figures: Figures = {name: {} for name in pair}
        for label in servers[next(iter(pair))][1]:
            asked = {name: partial(_get, urls[label]) for name, (_server, urls) in servers.items()}
            _record(figures, label, asked, REQUESTS)
        return figures
    finally:
        for server, _urls in servers.values():
            server.terminate()
            server.wait(30)


def _serve(db: Database, folder: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    """A server over the database, and the URLs of its pages to time."""
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
    _wait_until_indexed(base + "/healthz")
    return server, {
        "web: document list": base + "/",
        "web: search 通知": base + "/?q=" + urllib.parse.quote("通知"),
        "web: document page": f"{base}/documents/{document}",
        "web: diff page": f"{base}/diff/{first}/{second}",
    }


def _get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()


def _wait_until_indexed(url: str) -> None:
    """Until the server answers and has made its first look over every document for the search
    index: what follows times a server at work, not one starting."""
    for _ in range(3000):
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                if json.load(response).get("indexed"):
                    return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    raise RuntimeError(f"{url} never answered, or never finished its first index pass")


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


def _reprints(pair: Pair) -> Figures:
    """Reprint detection alone over the `new` events of a crawl's 2,000 documents (each time rolled
    back): of bench0 (its titles looked up in the whole history) and of bench0's site crawled again
    under another source, every document a reprint of bench0's (the worst case: all confirmed).
    The events are found before timing and read by key: finding them by source name through every
    document (this benchmark's own query) was half the year's figure in runs 3-7."""

    def events(db: Database, source: str) -> list[int]:
        with db.session() as session:
            source_id = session.scalar(select(SourceRow.id).where(SourceRow.name == source))
            query = select(Change.id).join(Document, Document.id == Change.document_id)
            return list(session.scalars(query.where(Document.source_id == source_id, Change.kind == "new")))

    def once(db: Database, ids: dict[Database, list[int]]) -> None:
        with Session(db.engine) as session:
            mark_reprints(session, list(session.scalars(select(Change).where(Change.id.in_(ids[db])))))
            session.rollback()

    figures: Figures = {name: {} for name in pair}
    for label, source in (
        ("reprint detection, 2,000 new documents", "bench0"),
        ("reprint detection, 2,000 reprints", REPRINTS),
    ):
        ids = {db: events(db, source) for db in pair.values()}
        _take(figures, label, pair, partial(once, ids=ids), 5)
    return figures


def measure(pair: Pair, folder: Path) -> Figures:
    """Every figure on both databases, each taken in turns on the two."""
    for db in pair.values():
        warm(db)
    since = utcnow()
    figures: Figures = {name: {} for name in pair}
    for part in (_crawls(pair), _reprints(pair), _commands(pair, since), _web(pair, folder)):
        for name in pair:
            figures[name] |= part[name]
    for name, db in pair.items():
        figures[name] |= _disk(db) | files(db)
    return figures
