"""A year of crawling on one database: do costs grow with history?

Grows a database to what a year of 500 sources looks like (300,000 documents, 1,000,000
versions, 20,000,000 fetch rows, their events, runs, similarity signatures and search index;
generated, not crawled), then times, on it and on an "empty" database with the same sources on
their first day (each run once, no document yet), the two in turns: a crawl of a new 2,000-page
source and the detection after it, reprint detection, `status`, `changes --since`, and the web
page's list, search, document and diff pages. Also the disk per stored version and per fetch row,
and what the fetch retention policy keeps. SQLite and the test PostgreSQL side by side:

    python -m benchmarks.history            # both databases, full size (about 40 minutes)
    python -m benchmarks.history 0.05       # a 5 % scale for a quick look
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from storage import Database
from tests.postgres import postgres_server

from .history_grow import Scale, grow
from .history_measure import measure
from .history_plans import plans


def _row(label: str, empty: dict[str, float], year: dict[str, float], name: str) -> tuple[str, str]:
    ratio = year[name] / empty[name] if empty[name] else float("inf")
    return f"{label}: {name}", f"empty {empty[name] * 1000:.1f} ms, a year {year[name] * 1000:.1f} ms ({ratio:.1f}x)"


def _one(label: str, url_of: callable, scale: Scale, folder: Path) -> list[tuple[str, str]]:
    empty_db, year_db = Database(url_of("empty")), Database(url_of("year"))
    grown = grow(year_db, scale)
    grow(empty_db, scale.empty())
    measured = measure({"empty": empty_db, "year": year_db}, folder / label)
    empty, year = measured["empty"], measured["year"]
    rows = [(f"{label}: grown", grown.line())]
    rows += [_row(label, empty, year, name) for name in empty if not name.startswith("disk")]
    rows += [
        (f"{label}: {name}", f"empty {empty[name]:,.0f}, a year {year[name]:,.0f} bytes")
        for name in year
        if name.startswith("disk")
    ]
    rows += [(f"{label} plan: {statement}", plan) for statement, plan in plans(year_db)]
    empty_db.close()
    year_db.close()
    return rows


def run(fraction: float = 1.0) -> list[tuple[str, str]]:
    scale = Scale.year(fraction)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="policywatch-history-") as tmp:
        folder = Path(tmp)
        rows += _one("SQLite", lambda name: f"sqlite:///{folder / name}.db", scale, folder)
        with postgres_server() as url:
            base = url.rsplit("/", 1)[0]
            for name in ("empty", "year"):
                Database(url).engine.dispose()
                _create_database(url, name)
            rows += _one("PostgreSQL", lambda name: f"{base}/{name}", scale, folder)
    return rows


def _create_database(url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()


if __name__ == "__main__":
    for label, figure in run(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0):
        print(f"{label:44s} {figure}")
