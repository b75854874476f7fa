"""Atom feeds of the change events, for feed readers: of everything, of one source, or of any
search and filter of the document list (a saved search a feed reader subscribes to)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from storage import Change, queries, utcnow

from ..detect.changes import change_diff
from ..diff.excerpt import Excerpt, excerpts
from ..present import iso
from .common import Db, ListQuery, document_filter, templates

router = APIRouter(include_in_schema=False)
FEED_ENTRIES = 100
PASSAGES_PER_ENTRY = 4


def _passages(change: Change) -> list[Excerpt]:
    """What changed, for an entry comparing two versions (a feed reader shows it, not counts)."""
    if change.old_version_id is None or change.new_version_id is None or change.kind in ("repealed", "expired"):
        return []
    return excerpts(change_diff(change), limit=PASSAGES_PER_ENTRY)


@router.get("/changes.atom")
@router.get("/sources/{source}/changes.atom")
def atom(
    request: Request, s: Db, asked: Annotated[ListQuery, Depends()], kind: str = "", source: str | None = None
) -> Response:
    among = replace(document_filter(request, asked), source=source or asked.source or None)
    rows = queries.list_changes(s, kind=kind or None, limit=FEED_ENTRIES, newest_first=True, among=among)
    updated = rows[0].detected_at if rows else utcnow()
    base = str(request.base_url).rstrip("/")
    query = request.url.query
    body = templates.get_template("changes.atom").render(
        changes=rows,
        passages={c.id: _passages(c) for c in rows},
        title=" · ".join(x for x in (among.source, asked.q.strip(), kind) if x),
        self_url=str(request.url),
        html_url=f"{base}/?{query}" if query else f"{base}/changes",
        updated=iso(updated),
        base=base,
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")
