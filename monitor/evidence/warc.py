"""The stored originals as a web archive (WARC 1.1, gzip per record, written by warcio): one
`response` record per version, dated when it was fetched, for any WARC tool (pywb, ReplayWeb.page)
to replay or verify. Only the body was kept, so the HTTP headers are the ones its type implies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage import Document, Source, Version

from .. import __version__
from .originals import Original, as_original

BATCH = 200  # versions read per round trip: their originals are loaded with them


def originals(session: Session, source: str | None = None, since: datetime | None = None) -> Iterator[Original]:
    """Every stored original, oldest first, of one source or all, fetched since a time or ever."""
    query = (
        select(Version, Document.url)
        .join(Document, Document.id == Version.document_id)
        .options(undefer(Version.raw_html))
        .order_by(Version.id)
        .execution_options(yield_per=BATCH)
    )
    if source:
        query = query.join(Source, Source.id == Document.source_id).where(Source.name == source)
    if since is not None:
        query = query.where(Version.created_at >= since)
    for version, url in session.execute(query):
        if version.raw_html:
            yield as_original(version, url)


def write_warc(path: Path, records: Iterator[Original]) -> int:
    """Write the originals to path; returns how many."""
    written = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        info = {"software": f"policywatch {__version__}", "format": "WARC File Format 1.1"}
        writer.write_record(writer.create_warcinfo_record(path.name, info))
        for original in records:
            writer.write_record(_response(writer, original))
            written += 1
    return written


def _response(writer: WARCWriter, original: Original) -> object:
    headers = StatusAndHeaders(
        "200 OK",
        [("Content-Type", original.media_type), ("Content-Length", str(len(original.body)))],
        protocol="HTTP/1.1",
    )
    date = original.fetched_at.replace(tzinfo=UTC) if original.fetched_at.tzinfo is None else original.fetched_at
    return writer.create_warc_record(
        original.url,
        "response",
        payload=BytesIO(original.body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": date.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
