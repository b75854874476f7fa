"""The JSON API under /api/ (documents, versions, diffs, changes, related), its shapes in
schemas.py, and the /api page that lists it for people."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from storage import Document, Version, queries
from storage.models import Link
from storage.models import Source as SourceRow

from ..detect import similarity
from ..detect.changes import change_diff
from ..diff import diff_texts
from ..present import change_to_dict
from .common import PER_PAGE, Db, ListQuery, find, get_change, get_document, get_version, page
from .schemas import (
    ChangeOut,
    ChangeWithDiff,
    DiffOut,
    DocumentDetail,
    DocumentOut,
    DocumentPage,
    RelatedOut,
    VersionOut,
    VersionWithText,
)

router = APIRouter(prefix="/api")


@router.get("", response_class=HTMLResponse, include_in_schema=False)
def api_reference(request: Request) -> HTMLResponse:
    return page(request, "api.html", routes=[r for r in router.routes if getattr(r, "include_in_schema", False)])


@router.get("/documents", tags=["documents"])
def api_documents(request: Request, s: Db, asked: Annotated[ListQuery, Depends()]) -> DocumentPage:
    """Documents, filtered like the list page; `q` is a full-text search."""
    found = find(request, s, asked)
    return DocumentPage(
        total=found.total,
        total_exact=found.exact,
        page=asked.page,
        per_page=PER_PAGE,
        documents=[DocumentOut.of(d, found.snippets.get(d.id)) for d in found.documents],
    )


@router.get("/documents/{document_id}", tags=["documents"])
def api_document(s: Db, document_id: int) -> DocumentDetail:
    """A document with its current text, its draft or final, and its versions."""
    document = get_document(s, document_id)
    versions = s.scalars(select(Version).where(Version.document_id == document_id).order_by(Version.id))
    return DocumentDetail(
        **DocumentOut.of(document).model_dump(),
        text=document.current_version.text if document.current_version else "",
        versions=[VersionOut.of(v) for v in versions],
        draft_id=s.scalar(select(Link.draft_id).where(Link.final_id == document_id)),
        final_id=s.scalar(select(Link.final_id).where(Link.draft_id == document_id)),
        attachment_ids=list(s.scalars(select(Document.id).where(Document.parent_id == document_id))),
    )


@router.get("/versions/{version_id}", tags=["documents"])
def api_version(s: Db, version_id: int) -> VersionWithText:
    """One version, with its text."""
    version = get_version(s, version_id)
    return VersionWithText(**VersionOut.of(version).model_dump(), text=version.text)


@router.get("/diff/{old_id}/{new_id}", tags=["diffs"])
def api_diff(s: Db, old_id: int, new_id: int) -> DiffOut:
    """The diff between any two versions: statistics, key changes, changed paragraphs."""
    return DiffOut.of(diff_texts(get_version(s, old_id).text, get_version(s, new_id).text))


@router.get("/changes", tags=["changes"])
def api_changes(
    s: Db,
    source: str = "",
    kind: str = "",
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ChangeOut]:
    """Change events, newest first."""
    rows = queries.list_changes(
        s, since=since, source=source or None, kind=kind or None, limit=limit, newest_first=True
    )
    return [ChangeOut(**change_to_dict(c)) for c in rows]


@router.get("/changes/{change_id}", tags=["changes"])
def api_change(s: Db, change_id: int) -> ChangeWithDiff:
    """One change event with its diff (finalized: the draft without its call for comments, against the final)."""
    change = get_change(s, change_id)
    return ChangeWithDiff(**change_to_dict(change), diff=DiffOut.of(change_diff(change)))


@router.get("/documents/{document_id}/related", tags=["documents"])
def api_related(s: Db, document_id: int, limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[RelatedOut]:
    """The most similar documents, with an estimated Jaccard similarity and the reason."""
    get_document(s, document_id)
    similarity.update_index_for(s, document_id)
    return [
        RelatedOut(id=r.document_id, score=r.score, reason=r.reason)
        for r in similarity.related(s, document_id, limit=limit)
    ]


health = APIRouter(include_in_schema=False)


@health.get("/healthz")
def healthz(request: Request, s: Db) -> dict:
    """The server and its database answer. Monitoring polls this: the documents are the sources'
    summaries summed (one row each), not a count of a year's documents; `indexed` turns true once
    the search index's first pass since the start is done."""
    documents = s.scalar(select(func.sum(SourceRow.documents))) or 0
    return {"ok": True, "documents": documents, "indexed": request.app.state.indexed.is_set()}
