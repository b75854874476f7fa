"""Growing a benchmark database to a year of history, fast: rows are generated in Python and
written with the driver's bulk path (executemany on SQLite, COPY on PostgreSQL), foreign keys
checked off while loading (every row is made consistent here)."""

from __future__ import annotations

import hashlib
import json
import random
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from crawler.cleaning import CLEANER_VERSION
from monitor.detect.linking import title_core
from monitor.detect.similarity import NUM_PERM, buckets
from storage import Database, search, utcnow
from storage.runs import summarise_sources

from .synthetic import documents

POOL = 3000  # distinct texts; each version revises one of them
# Titles as varied as a year of 500 offices' titles are: an office, a subject taken from the
# texts, a kind of document. (A handful of base titles would make every final look like
# thousands of drafts, which no real history does.)
_PLACES = "东西南北中新安宁平和长永兴华丰泰康嘉定昌盛阳山河湖江海"
_OFFICES = [
    "人民政府办公室",
    "发展和改革委员会",
    "科学技术局",
    "工业和信息化局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "应急管理局",
    "市场监督管理局",
    "教育局",
    "民政局",
    "司法局",
    "税务局",
]
_KINDS = ["的通知", "的实施意见", "的若干措施", "管理办法", "实施细则", "工作方案", "的公告", "行动计划"]
PARAGRAPHS = 8  # per text: about 1.5 KB, like a short notice
LISTINGS_PER_RUN = 5
CHUNK = 50_000


@dataclass(frozen=True)
class Scale:
    sources: int
    documents: int
    versions: int
    fetches: int
    days: int = 365

    @classmethod
    def year(cls, fraction: float = 1.0) -> Scale:
        return cls(500, int(300_000 * fraction), int(1_000_000 * fraction), int(20_000_000 * fraction))

    def empty(self) -> Scale:
        """The same sources on their first day: each run once, no document yet. (With no run at
        all, `status` would time a shorter report, not a shorter history.)"""
        return Scale(self.sources, 0, 0, 0, days=1)


@dataclass
class Grown:
    scale: Scale
    seconds: float

    def line(self) -> str:
        s = self.scale
        return (
            f"{s.documents:,} documents, {s.versions:,} versions, {s.fetches:,} fetches over {s.days} days "
            f"of {s.sources} sources, in {self.seconds:.0f} s"
        )


class _Loader:
    """Bulk inserts through the raw DBAPI connection, with foreign-key checks off."""

    def __init__(self, db: Database) -> None:
        self.dialect = db.engine.dialect.name
        self.raw = db.engine.raw_connection()
        cursor = self.raw.cursor()
        cursor.execute(
            "PRAGMA foreign_keys=OFF" if self.dialect == "sqlite" else "SET session_replication_role = replica"
        )

    def value(self, value: object) -> object:
        if isinstance(value, datetime) and self.dialect == "sqlite":
            return value.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's own SQLite format
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return value

    def load(self, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
        cursor = self.raw.cursor()
        if self.dialect == "sqlite":
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            for chunk in _chunks(rows):
                cursor.executemany(sql, [tuple(self.value(v) for v in row) for row in chunk])
        else:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([self.value(v) for v in row])
            if "id" in columns:  # COPY leaves the id sequence behind the ids it wrote
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        self.raw.commit()

    def close(self) -> None:
        self.raw.close()


def _chunks(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Year:
    """Every row of the year, generated from one seed so both databases get the same history."""

    def __init__(self, scale: Scale, seed: int = 20_261_124) -> None:
        self.scale, self.rng = scale, random.Random(seed)
        self.end = utcnow().replace(microsecond=0)
        self.start = self.end - timedelta(days=scale.days)
        pool = documents(POOL, seed=seed) if scale.documents else []
        self.pool = [(title, "\n".join(text.splitlines()[:PARAGRAPHS]), status) for title, text, status in pool]
        extra = np.random.default_rng(seed).integers(
            0, max(1, scale.documents), max(0, scale.versions - scale.documents)
        )
        counts = np.bincount(extra, minlength=scale.documents) if scale.documents else []
        self.versions_of = [1 + int(c) for c in counts]  # per document, in id order
        self.current = np.cumsum(self.versions_of).tolist()  # the last version id of each document
        self.titles = [self._title(n) for n in range(scale.documents + 1)]

    def _title(self, n: int) -> str:
        _pool_title, text, status = self.pool[n % POOL] if self.pool else ("", "", "final")
        start = self.rng.randrange(max(1, len(text) - 12))
        subject = "".join(ch for ch in text[start : start + 12] if "\u4e00" <= ch <= "\u9fff")[:8]
        place = "".join(self.rng.sample(_PLACES, 2))
        title = f"{place}市{self.rng.choice(_OFFICES)}关于{subject}{self.rng.choice(_KINDS)}"
        return f"关于征求《{title}（征求意见稿）》意见的通知" if status == "draft" else title

    def moment(self, fraction: float) -> datetime:
        return self.start + timedelta(seconds=fraction * self.scale.days * 86400)

    def sources(self) -> Iterator[tuple]:
        for i in range(1, self.scale.sources + 1):
            yield i, f"src{i:03d}", f"第{i}个政府网站 政策文件", self.start

    def document_rows(self) -> Iterator[tuple]:
        s = self.scale
        for i in range(1, s.documents + 1):
            _pool_title, _text, status = self.pool[i % POOL]
            title = self.titles[i]
            changed = self.moment(self.rng.random())
            gone = changed if self.rng.random() < 0.02 else None
            url = f"http://src{(i - 1) % s.sources + 1:03d}.example.gov.cn/zwgk/{i}.html"
            yield (
                i,
                (i - 1) % s.sources + 1,
                url,
                title,
                status,
                title_core(title),
                self.current[i - 1],
                self.start,
                changed,
                changed,
                gone,
                changed + timedelta(days=1),
            )

    def version_rows(self) -> Iterator[tuple]:
        version = 0
        for i, count in enumerate(self.versions_of, start=1):
            title, text, status = self.pool[i % POOL]
            for k in range(count):
                version += 1
                body = f"{text}\n（{i}号文件第{k}次修订）"
                raw = zlib.compress(f"<html><body><h1>{title}</h1><p>{body}</p></body></html>".encode(), 1)
                yield (
                    version,
                    i,
                    hashlib.sha256(body.encode()).hexdigest(),
                    f"{title}（{i}）",
                    body,
                    {"status": status},
                    [],
                    raw,
                    "utf-8",
                    CLEANER_VERSION,
                    self.moment((k + 1) / (count + 1)),
                )

    def change_rows(self) -> Iterator[tuple]:
        version = 0
        for i, count in enumerate(self.versions_of, start=1):
            for k in range(count):
                version += 1
                kind, old = ("new", None) if k == 0 else ("changed", version - 1)
                yield i, kind, old, version, self.moment((k + 1) / (count + 1)), 120, 30

    def run_rows(self) -> Iterator[tuple]:
        run = 0
        for day in range(self.scale.days):
            for source in range(1, self.scale.sources + 1):
                run += 1
                started = self.start + timedelta(days=day, seconds=source * 97 % 86400)
                yield run, source, started, started + timedelta(minutes=3), "ok", 110, 100, 0, 0, 0, "{}", True

    def fetch_rows(self) -> Iterator[tuple]:
        s = self.scale
        runs = s.sources * s.days
        per_run = max(LISTINGS_PER_RUN + 1, s.fetches // max(1, runs))
        per_source = max(1, s.documents // s.sources)
        run = 0
        for day in range(s.days):
            for source in range(1, s.sources + 1):
                run += 1
                at = self.start + timedelta(days=day, seconds=source * 97 % 86400)
                for n in range(LISTINGS_PER_RUN):
                    yield (
                        run,
                        None,
                        f"http://src{source:03d}.example.gov.cn/zwgk/index_{n}.html",
                        "listing",
                        at,
                        200,
                        "ok",
                        None,
                        30_000,
                        20,
                    )
                for _ in range(per_run - LISTINGS_PER_RUN):
                    document = source + s.sources * self.rng.randrange(per_source)
                    if document > s.documents:
                        continue
                    status = 304 if self.rng.random() < 0.8 else 200
                    yield (
                        run,
                        document,
                        f"http://src{source:03d}.example.gov.cn/zwgk/{document}.html",
                        "document",
                        at,
                        status,
                        "unchanged" if status == 304 else "ok",
                        self.current[document - 1],
                        0 if status == 304 else 15_000,
                        None,
                    )

    def signature_rows(self) -> tuple[list[tuple], list[tuple]]:
        rng = np.random.default_rng(7)
        signatures, bands = [], []
        for i in range(1, self.scale.documents + 1):
            signature = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
            signatures.append((i, self.current[i - 1], signature.tobytes()))
            bands += [(i, key) for key in buckets(signature)]
        return signatures, bands


COLUMNS = {
    "documents": "id source_id url title status title_core current_version_id first_seen_at last_fetched_at "
    "last_changed_at gone_since next_visit_at",
    "versions": "id document_id content_hash title text meta attachments raw_html raw_encoding cleaner created_at",
    "changes": "document_id kind old_version_id new_version_id detected_at added_chars removed_chars",
    "runs": "id source_id started_at finished_at status pages_fetched documents_found documents_new "
    "documents_changed documents_removed http_errors changes_detected",
    "fetches": "run_id document_id url kind fetched_at http_status outcome version_id size documents_found",
}


def grow(db: Database, scale: Scale) -> Grown:
    """Fill an empty, migrated database with the scale's history; returns what was made."""
    started = time.perf_counter()
    year, loader = _Year(scale), _Loader(db)
    loader.load("sources", ["id", "name", "title", "created_at"], year.sources())
    rows = {"runs": year.run_rows, "fetches": year.fetch_rows}
    if scale.documents:
        rows = {"documents": year.document_rows, "versions": year.version_rows, "changes": year.change_rows} | rows
    for table, made in rows.items():
        loader.load(table, COLUMNS[table].split(), made())
    if scale.documents:
        signatures, bands = year.signature_rows()
        loader.load("signatures", ["document_id", "version_id", "minhash"], signatures)
        loader.load("signature_bands", ["document_id", "bucket"], bands)
    loader.close()
    with db.session() as session:  # what close_run would have kept, had the runs been crawled
        summarise_sources(session)
    _index(db)
    return Grown(scale, time.perf_counter() - started)


def _index(db: Database) -> None:
    """The full-text index, in chunks; and fresh planner statistics, as a running system has."""
    while True:
        with db.session() as session:
            if not search.update_index(session, limit=20_000):
                break
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
