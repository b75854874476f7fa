"""Atom feeds of the change events, for feed readers: all sources, or one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from storage import queries, utcnow

from ..present import iso
from .common import Db, templates

router = APIRouter(include_in_schema=False)
FEED_ENTRIES = 100


@router.get("/changes.atom")
@router.get("/sources/{source}/changes.atom")
def atom(request: Request, s: Db, source: str | None = None) -> Response:
    rows = queries.list_changes(s, source=source, limit=FEED_ENTRIES, newest_first=True)
    updated = rows[0].detected_at if rows else utcnow()
    body = templates.get_template("changes.atom").render(
        changes=rows, source=source, updated=iso(updated), base=str(request.base_url).rstrip("/")
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")
