"""The JSON API's response shapes, so /openapi.json documents them; built from stored rows here."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from storage import Document, Version

from ..diff import DocumentDiff
from ..present import iso, marked_snippet


class DocumentOut(BaseModel):
    id: int
    url: str
    source: str
    title: str
    status: str
    first_seen_at: str | None
    last_changed_at: str | None
    last_fetched_at: str | None
    removed_since: str | None
    current_version: int | None
    meta: dict[str, Any]
    file_type: str | None  # pdf, docx, ofd…; null for a web page
    parent_id: int | None  # the page an attachment belongs to
    snippet: str | None = None  # when searching: the passage around the first match, matches in 【】

    @classmethod
    def of(cls, document: Document, snippet: list[tuple[str, bool]] | None = None) -> DocumentOut:
        version = document.current_version
        return cls(
            id=document.id,
            url=document.url,
            source=document.source.name,
            title=document.title,
            status=document.status,
            first_seen_at=iso(document.first_seen_at),
            last_changed_at=iso(document.last_changed_at),
            last_fetched_at=iso(document.last_fetched_at),
            removed_since=iso(document.gone_since),
            current_version=document.current_version_id,
            meta=(version.meta if version else None) or {},
            file_type=document.file_type,
            parent_id=document.parent_id,
            snippet=marked_snippet(snippet) if snippet else None,
        )


class DocumentPage(BaseModel):
    total: int  # counted up to 1,000
    total_exact: bool  # False: more than total
    page: int
    per_page: int
    documents: list[DocumentOut]


class VersionOut(BaseModel):
    id: int
    document_id: int
    title: str
    created_at: str | None
    content_hash: str
    meta: dict[str, Any]
    attachments: list[Any]

    @classmethod
    def of(cls, version: Version) -> VersionOut:
        return cls(
            id=version.id,
            document_id=version.document_id,
            title=version.title,
            created_at=iso(version.created_at),
            content_hash=version.content_hash,
            meta=version.meta,
            attachments=version.attachments,
        )


class VersionWithText(VersionOut):
    text: str


class DocumentDetail(DocumentOut):
    """A document with its current text, its versions, and its draft or final."""

    text: str
    versions: list[VersionOut]
    draft_id: int | None
    final_id: int | None
    attachment_ids: list[int]  # its attachments, each a document of its own


class DiffStatsOut(BaseModel):
    added_chars: int
    removed_chars: int
    paragraphs_added: int
    paragraphs_removed: int
    paragraphs_modified: int
    paragraphs_moved: int


class KeyChangeOut(BaseModel):
    old: str
    new: str
    context: str


class SegmentOut(BaseModel):
    op: str  # equal, insert, delete
    text: str


class ParagraphOut(BaseModel):
    kind: str  # insert, delete, modify, move, moved_away
    old_index: int | None
    new_index: int | None
    segments: list[SegmentOut]


class DiffOut(BaseModel):
    stats: DiffStatsOut
    key_changes: list[KeyChangeOut]
    paragraphs: list[ParagraphOut]

    @classmethod
    def of(cls, diff: DocumentDiff) -> DiffOut:
        return cls(
            stats=DiffStatsOut(**vars(diff.stats)),
            key_changes=[KeyChangeOut(**vars(k)) for k in diff.key_changes],
            paragraphs=[
                ParagraphOut(
                    kind=op.kind,
                    old_index=op.old_index,
                    new_index=op.new_index,
                    segments=[SegmentOut(op=s.op, text=s.text) for s in op.segments],
                )
                for op in diff.ops
                if op.kind != "equal"
            ],
        )


class ChangeOut(BaseModel):
    """A change event: new, changed, removed, restored, finalized, repealed, expired (related_url: the
    draft a final finalizes, the original a reprint republishes, the document that repealed it)."""

    id: int
    kind: str
    source: str
    url: str
    title: str
    document_id: int
    detected_at: str | None
    old_version: int | None
    new_version: int | None
    added_chars: int
    removed_chars: int
    related_url: str | None
    reprint_of: int | None  # a new document republishing this one
    by: int | None  # a repealed document: the one that repealed it
    draft_id: int | None  # a finalized document: its draft
    run_id: int | None
    file_type: str | None  # pdf, docx, ofd…; null for a web page
    parent_url: str | None  # the page an attachment belongs to; null for pages and listed files


class ChangeWithDiff(ChangeOut):
    diff: DiffOut


class RelatedOut(BaseModel):
    id: int
    score: float  # estimated Jaccard similarity of the two texts' character 3-grams
    reason: str
