"""The researchers' HTML pages: the document list and search, a document, a version, diffs of
versions, changes and documents, the list of changes. Server-rendered; they work with
JavaScript off, and htmx (vendored) only swaps the result lists in place."""

from __future__ import annotations

import base64
import hashlib
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select

from storage import Change, Document, Fetch, Version, queries
from storage.models import Link

from ..detect import reprints, similarity, validity
from ..detect.changes import cached_diff, change_texts
from ..diff import DocumentDiff, diff_texts
from ..diff.articles import compare_articles
from ..diff.render_articles import articles_fragment
from ..diff.render_html import render_fragment
from ..evidence.originals import original_of
from .common import (
    KINDS,
    MAX_PAGE,
    PER_PAGE,
    Db,
    ListQuery,
    find,
    get_change,
    get_document,
    get_version,
    page,
    since,
    source_names,
)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/")
def document_list(request: Request, s: Db, asked: Annotated[ListQuery, Depends()]) -> HTMLResponse:
    found = find(request, s, asked)
    return page(
        request,
        "documents.html",
        partial="documents_list.html",
        documents=found.documents,
        snippets=found.snippets,
        total=found.total,
        exact=found.exact,
        page=asked.page,
        pages=max(1, -(-found.total // PER_PAGE)),
        sources=source_names(s),
        form=asked,
        feed=_feed_url(request),
    )


def _feed_url(request: Request) -> str:
    """The Atom feed of the changes to the documents this search and these filters select."""
    kept = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page" and v])
    return f"/changes.atom?{kept}" if kept else "/changes.atom"


@router.get("/documents/{document_id}")
def document_page(request: Request, s: Db, document_id: int) -> HTMLResponse:
    document = get_document(s, document_id)
    versions = list(s.scalars(select(Version).where(Version.document_id == document_id).order_by(Version.id)))
    fetches = list(s.scalars(select(Fetch).where(Fetch.document_id == document_id).order_by(Fetch.id.desc()).limit(30)))
    changes = list(s.scalars(select(Change).where(Change.document_id == document_id).order_by(Change.id)))
    final_link = s.scalar(select(Link).where(Link.draft_id == document_id))
    draft_link = s.scalar(select(Link).where(Link.final_id == document_id))
    finalized = s.scalar(
        select(Change.id).where(
            Change.document_id == (final_link.final_id if final_link else -1), Change.kind == "finalized"
        )
    )
    similarity.update_index_for(s, document_id)
    related = [(s.get(Document, r.document_id), r) for r in similarity.related(s, document_id, limit=8)]
    return page(
        request,
        "document.html",
        document=document,
        version=document.current_version,
        versions=versions,
        fetches=fetches,
        changes=changes,
        final_link=final_link,
        draft_link=draft_link,
        finalized=finalized,
        related=related,
        attachments=queries.attachments_of(s, document_id),
        standing=validity.standing(s, document),
        republications=reprints.republications(s, document_id),
    )


@router.get("/versions/{version_id}")
def version_page(request: Request, s: Db, version_id: int) -> HTMLResponse:
    version = get_version(s, version_id)
    original = original_of(s, version_id)
    return page(request, "version.html", version=version, document=version.document, original=original)


# The original page is the crawled site's HTML: shown in a sandbox (an opaque origin, no scripts,
# no forms), never as a page of this site; files go as what they are, to be saved.
_SANDBOX = {"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"}


@router.get("/versions/{version_id}/original")
def version_original(s: Db, version_id: int, download: bool = False) -> Response:
    original = original_of(s, version_id)
    if original is None:
        raise HTTPException(404, "no original kept for this version")
    disposition = "attachment" if download or original.file_type else "inline"
    headers = {**_SANDBOX, "Content-Disposition": f'{disposition}; filename="{original.filename}"'}
    headers["Digest"] = f"sha-256={base64.b64encode(hashlib.sha256(original.body).digest()).decode()}"
    return Response(original.body, media_type=original.media_type, headers=headers)


def _diff_view(
    request: Request,
    old: Version | None,
    new: Version | None,
    diff: DocumentDiff,
    view: str,
    permalink: str,
    texts: tuple[str, str] | None = None,
    **context: object,
) -> HTMLResponse:
    """The diff page: inline or side by side first, as the link asked; or article by article
    (texts: what is compared, when not the versions' own texts)."""
    if view == "articles":
        old_text, new_text = texts or (old.text if old else "", new.text if new else "")
        fragment = articles_fragment(compare_articles(old_text, new_text))
    else:
        fragment = render_fragment(diff, view)
    return page(
        request,
        "diff.html",
        None,
        old=old,
        new=new,
        view=view,
        permalink=permalink,
        fragment=Markup(fragment),
        **{"change": None, **context},
    )


@router.get("/diff/{old_id}/{new_id}")
def diff_page(request: Request, s: Db, old_id: int, new_id: int, view: str = "side") -> HTMLResponse:
    old, new = get_version(s, old_id), get_version(s, new_id)
    return _diff_view(request, old, new, diff_texts(old.text, new.text), view, f"/diff/{old_id}/{new_id}")


@router.get("/diff", response_class=RedirectResponse)
def diff_form(old: int, new: int) -> RedirectResponse:
    return RedirectResponse(f"/diff/{old}/{new}?view=side", status_code=303)


@router.get("/changes/{change_id}")
def change_page(request: Request, s: Db, change_id: int, view: str = "") -> HTMLResponse:
    """An edit opens on its changed passages (the whole text one click away); a draft and its
    final, two documents, side by side."""
    change = get_change(s, change_id)
    texts = change_texts(change)  # read once: for the character diff and for the articles view
    return _diff_view(
        request,
        change.old_version,
        change.new_version,
        cached_diff(*texts),
        view or ("side" if change.kind == "finalized" else "changes"),
        f"/changes/{change_id}",
        texts,
        change=change,
    )


@router.get("/compare")
def compare_page(request: Request, s: Db, a: int, b: int, view: str = "side") -> HTMLResponse:
    first, second = get_document(s, a), get_document(s, b)
    if first.current_version is None or second.current_version is None:
        raise HTTPException(404, "a document without content")
    diff = diff_texts(first.current_version.text, second.current_version.text)
    return _diff_view(
        request, first.current_version, second.current_version, diff, view, f"/compare?a={a}&b={b}", comparing=True
    )


@router.get("/changes")
def changes_page(
    request: Request,
    s: Db,
    source: str = "",
    kind: str = "",
    period: str = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    rows = queries.list_changes(
        s,
        since=since(period),
        source=source or None,
        kind=kind or None,
        limit=PER_PAGE + 1,
        offset=(page_number - 1) * PER_PAGE,
        newest_first=True,
    )
    return page(
        request,
        "changes.html",
        partial="changes_list.html",
        changes=rows[:PER_PAGE],
        more=len(rows) > PER_PAGE,
        page=page_number,
        sources=source_names(s),
        kinds=KINDS,
        form={"source": source, "kind": kind, "period": period},
    )
