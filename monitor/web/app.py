"""`policywatch serve`: the researchers' web page and its JSON API, over the same database.

Server-rendered pages (FastAPI with Jinja2 autoescaping; crawled text is hostile), which work
with JavaScript off; htmx, vendored, only swaps the result lists in place. Read-only, except the
admin actions, which need the token from the config.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import Change, Database, Document, Fetch, Source, Subscription, Version, queries, search, utcnow
from storage.models import Link

from ..config import Settings
from ..detect import similarity
from ..detect.changes import change_diff
from ..diff import DocumentDiff, diff_texts
from ..diff.render_html import render_fragment, stylesheet
from ..present import change_to_dict, iso

HERE = Path(__file__).parent
PER_PAGE = 50
KINDS = ("new", "changed", "removed", "restored", "finalized")
KIND_LABELS = {"new": "新发布", "changed": "已修改", "removed": "已删除", "restored": "已恢复", "finalized": "正式稿"}
PERIODS = {"today": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=31)}


def _since(period: str | None) -> datetime | None:
    return utcnow() - PERIODS[period] if period in PERIODS else None


def document_dict(document: Document) -> dict:
    version = document.current_version
    meta = (version.meta if version else None) or {}
    return {
        "id": document.id,
        "url": document.url,
        "source": document.source.name,
        "title": document.title,
        "status": document.status,
        "first_seen_at": iso(document.first_seen_at),
        "last_changed_at": iso(document.last_changed_at),
        "last_fetched_at": iso(document.last_fetched_at),
        "removed_since": iso(document.gone_since),
        "current_version": document.current_version_id,
        "meta": meta,
    }


def version_dict(version: Version, with_text: bool = False) -> dict:
    data = {
        "id": version.id,
        "document_id": version.document_id,
        "title": version.title,
        "created_at": iso(version.created_at),
        "content_hash": version.content_hash,
        "meta": version.meta,
        "attachments": version.attachments,
    }
    return data | {"text": version.text} if with_text else data


def diff_dict(diff: DocumentDiff) -> dict:
    return {
        "stats": vars(diff.stats),
        "key_changes": [vars(k) for k in diff.key_changes],
        "paragraphs": [
            {
                "kind": op.kind,
                "old_index": op.old_index,
                "new_index": op.new_index,
                "segments": [{"op": s.op, "text": s.text} for s in op.segments],
            }
            for op in diff.ops
            if op.kind != "equal"
        ],
    }


@dataclass
class ListQuery:
    """The document list's query parameters, the same for the page and the API."""

    q: str = ""
    source: str = ""
    status: str = ""  # draft or final
    period: str = ""  # today, week, month: changed since
    has_final: bool = False
    page: Annotated[int, Query(ge=1)] = 1


def _session(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as session:
        yield session


Db = Annotated[Session, Depends(_session)]


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    db = db or Database(settings.database_url)
    app = FastAPI(
        title="policywatch",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        description="Government policy documents, their versions, diffs and change events.",
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(kind_labels=KIND_LABELS, diff_css=Markup(stylesheet()))
    app.state.db = db
    index_lock = threading.Lock()

    def page(request: Request, name: str, partial: str | None = None, **context: object) -> HTMLResponse:
        """The whole page; or, when htmx asks (a filter changed), only the part it swaps."""
        wanted = partial if partial and request.headers.get("HX-Request") == "true" else name
        return templates.TemplateResponse(request, wanted, context)

    def refresh_search(s: Session) -> None:
        """Index what changed since the last search (bounded, so a page never waits long)."""
        if index_lock.acquire(blocking=False):
            try:
                search.update_index(s, limit=2000)
            finally:
                index_lock.release()

    def get_document(s: Session, document_id: int) -> Document:
        document = s.get(Document, document_id)
        if document is None:
            raise HTTPException(404, f"no document {document_id}")
        return document

    def get_version(s: Session, version_id: int) -> Version:
        version = s.get(Version, version_id)
        if version is None:
            raise HTTPException(404, f"no version {version_id}")
        return version

    def get_change(s: Session, change_id: int) -> Change:
        change = s.get(Change, change_id)
        if change is None:
            raise HTTPException(404, f"no change {change_id}")
        return change

    def source_names(s: Session) -> list[str]:
        return list(s.scalars(select(Source.name).order_by(Source.name)))

    # -- pages ---------------------------------------------------------------------------------

    def find(s: Session, asked: ListQuery) -> tuple[list[Document], int]:
        if asked.q:
            refresh_search(s)
        found = queries.DocumentFilter(
            q=asked.q.strip(),
            source=asked.source or None,
            status=asked.status or None,
            changed_since=_since(asked.period),
            has_final=asked.has_final,
        )
        return queries.documents(s, found, offset=(asked.page - 1) * PER_PAGE, limit=PER_PAGE)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def document_list(request: Request, s: Db, asked: Annotated[ListQuery, Depends()]) -> HTMLResponse:
        rows, total = find(s, asked)
        return page(
            request,
            "documents.html",
            partial="documents_list.html",
            documents=rows,
            total=total,
            page=asked.page,
            pages=max(1, -(-total // PER_PAGE)),
            sources=source_names(s),
            form=asked,
        )

    @app.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, s: Db, document_id: int) -> HTMLResponse:
        document = get_document(s, document_id)
        versions = list(s.scalars(select(Version).where(Version.document_id == document_id).order_by(Version.id)))
        fetches = list(
            s.scalars(select(Fetch).where(Fetch.document_id == document_id).order_by(Fetch.id.desc()).limit(30))
        )
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
        )

    @app.get("/versions/{version_id}", response_class=HTMLResponse, include_in_schema=False)
    def version_page(request: Request, s: Db, version_id: int) -> HTMLResponse:
        version = get_version(s, version_id)
        return page(request, "version.html", version=version, document=version.document)

    def diff_view(
        request: Request,
        old: Version | None,
        new: Version | None,
        diff: DocumentDiff,
        view: str,
        permalink: str,
        **context: object,
    ) -> HTMLResponse:
        """The diff page: inline or side by side first, as the link asked."""
        return page(
            request,
            "diff.html",
            old=old,
            new=new,
            view=view,
            permalink=permalink,
            fragment=Markup(render_fragment(diff, view)),
            **{"change": None, **context},
        )

    @app.get("/diff/{old_id}/{new_id}", response_class=HTMLResponse, include_in_schema=False)
    def diff_page(request: Request, s: Db, old_id: int, new_id: int, view: str = "side") -> HTMLResponse:
        old, new = get_version(s, old_id), get_version(s, new_id)
        return diff_view(request, old, new, diff_texts(old.text, new.text), view, f"/diff/{old_id}/{new_id}")

    @app.get("/diff", include_in_schema=False)
    def diff_form(old: int, new: int) -> RedirectResponse:
        return RedirectResponse(f"/diff/{old}/{new}?view=side", status_code=303)

    @app.get("/changes/{change_id}", response_class=HTMLResponse, include_in_schema=False)
    def change_page(request: Request, s: Db, change_id: int, view: str = "side") -> HTMLResponse:
        change = get_change(s, change_id)
        return diff_view(
            request,
            change.old_version,
            change.new_version,
            change_diff(change),
            view,
            f"/changes/{change_id}",
            change=change,
        )

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(request: Request, s: Db, a: int, b: int, view: str = "side") -> HTMLResponse:
        first, second = get_document(s, a), get_document(s, b)
        if first.current_version is None or second.current_version is None:
            raise HTTPException(404, "a document without content")
        diff = diff_texts(first.current_version.text, second.current_version.text)
        return diff_view(
            request, first.current_version, second.current_version, diff, view, f"/compare?a={a}&b={b}", comparing=True
        )

    @app.get("/changes", response_class=HTMLResponse, include_in_schema=False)
    def changes_page(
        request: Request,
        s: Db,
        source: str = "",
        kind: str = "",
        period: str = "",
        page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
    ) -> HTMLResponse:
        rows = queries.list_changes(
            s,
            since=_since(period),
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

    @app.get("/changes.atom", include_in_schema=False)
    @app.get("/sources/{source}/changes.atom", include_in_schema=False)
    def atom(request: Request, s: Db, source: str | None = None) -> Response:
        rows = queries.list_changes(s, source=source, limit=100, newest_first=True)
        updated = rows[0].detected_at if rows else utcnow()
        body = templates.get_template("changes.atom").render(
            changes=rows, source=source, updated=iso(updated), base=str(request.base_url).rstrip("/")
        )
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_reference(request: Request) -> HTMLResponse:
        routes = [r for r in app.routes if getattr(r, "include_in_schema", False) and r.path.startswith("/api/")]
        return page(request, "api.html", routes=routes)

    # -- admin ---------------------------------------------------------------------------------

    def admin(token: str) -> None:
        expected = settings.web.admin_token
        if not expected:
            raise HTTPException(403, "admin actions are off: set [web] admin_token in the config")
        if not hmac.compare_digest(token.encode(), expected.encode()):
            raise HTTPException(403, "wrong admin token")

    def token_from(request: Request, form_token: str) -> str:
        header = request.headers.get("Authorization", "")
        return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else form_token

    @app.get("/admin", response_class=HTMLResponse, include_in_schema=False)
    def admin_page(request: Request, s: Db) -> HTMLResponse:
        subscriptions = list(s.scalars(select(Subscription).order_by(Subscription.id)))
        return page(
            request,
            "admin.html",
            subscriptions=subscriptions,
            sources=[x.name for x in settings.sources()],
            enabled=bool(settings.web.admin_token),
            message=request.query_params.get("message", ""),
        )

    @app.post("/admin/crawl", include_in_schema=False)
    def admin_crawl(
        request: Request, source: Annotated[str, Form()], token: Annotated[str, Form()] = ""
    ) -> RedirectResponse:
        admin(token_from(request, token))
        chosen = [x for x in settings.sources() if x.name == source]
        if not chosen:
            raise HTTPException(404, f"no source {source}")
        from ..ops.crawl import crawl  # imports Scrapy: only when asked

        threading.Thread(target=crawl, args=(settings, chosen), kwargs={"db": db}, daemon=True).start()
        return RedirectResponse(f"/admin?message=crawl+of+{source}+started", status_code=303)

    @app.post("/admin/subscriptions", include_in_schema=False)
    def admin_subscribe(
        request: Request,
        s: Db,
        address: Annotated[str, Form()],
        keywords: Annotated[str, Form()] = "",
        token: Annotated[str, Form()] = "",
        remove: Annotated[bool, Form()] = False,
    ) -> RedirectResponse:
        admin(token_from(request, token))
        if remove:
            queries.unsubscribe(s, address)
        else:
            channel = "webhook" if address.startswith(("http://", "https://")) else "email"
            queries.subscribe(s, address, [], keywords.split(), channel)
        return RedirectResponse("/admin?message=saved", status_code=303)

    # -- JSON API ------------------------------------------------------------------------------

    @app.get("/api/documents", tags=["documents"])
    def api_documents(s: Db, asked: Annotated[ListQuery, Depends()]) -> dict:
        """Documents, filtered like the list page; `q` is a full-text search."""
        rows, total = find(s, asked)
        return {
            "total": total,
            "page": asked.page,
            "per_page": PER_PAGE,
            "documents": [document_dict(d) for d in rows],
        }

    @app.get("/api/documents/{document_id}", tags=["documents"])
    def api_document(s: Db, document_id: int) -> dict:
        """A document with its current text, its draft or final, and its versions."""
        document = get_document(s, document_id)
        data = document_dict(document)
        data["text"] = document.current_version.text if document.current_version else ""
        data["versions"] = [
            version_dict(v)
            for v in s.scalars(select(Version).where(Version.document_id == document_id).order_by(Version.id))
        ]
        draft = s.scalar(select(Link.draft_id).where(Link.final_id == document_id))
        final = s.scalar(select(Link.final_id).where(Link.draft_id == document_id))
        return data | {"draft_id": draft, "final_id": final}

    @app.get("/api/versions/{version_id}", tags=["documents"])
    def api_version(s: Db, version_id: int) -> dict:
        """One version, with its text."""
        return version_dict(get_version(s, version_id), with_text=True)

    @app.get("/api/diff/{old_id}/{new_id}", tags=["diffs"])
    def api_diff(s: Db, old_id: int, new_id: int) -> dict:
        """The diff between any two versions: statistics, key changes, changed paragraphs."""
        return diff_dict(diff_texts(get_version(s, old_id).text, get_version(s, new_id).text))

    @app.get("/api/changes", tags=["changes"])
    def api_changes(
        s: Db,
        source: str = "",
        kind: str = "",
        since: datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[dict]:
        """Change events, newest first."""
        rows = queries.list_changes(
            s, since=since, source=source or None, kind=kind or None, limit=limit, newest_first=True
        )
        return [change_to_dict(c) for c in rows]

    @app.get("/api/changes/{change_id}", tags=["changes"])
    def api_change(s: Db, change_id: int) -> dict:
        """One change event with its diff (finalized: the draft without its call for comments, against the final)."""
        change = get_change(s, change_id)
        return change_to_dict(change) | {"diff": diff_dict(change_diff(change))}

    @app.get("/api/documents/{document_id}/related", tags=["documents"])
    def api_related(s: Db, document_id: int, limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[dict]:
        """The most similar documents, with an estimated Jaccard similarity and the reason."""
        get_document(s, document_id)
        similarity.update_index_for(s, document_id)
        return [
            {"id": r.document_id, "score": r.score, "reason": r.reason}
            for r in similarity.related(s, document_id, limit=limit)
        ]

    @app.get("/healthz", include_in_schema=False)
    def health(s: Db) -> dict:
        return {"ok": True, "documents": s.scalar(select(func.count()).select_from(Document))}

    return app
