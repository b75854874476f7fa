"""Stored rows as plain data, the same for the command line's --json and the web API."""

from __future__ import annotations

from datetime import datetime

from storage import Change


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def marked_snippet(pieces: list[tuple[str, bool]]) -> str:
    """A search snippet as plain text, its matches in 【】 (JSON and the terminal have no <mark>)."""
    return "".join(f"【{text}】" if hit else text for text, hit in pieces)


def spreadsheet_cell(value: object) -> object:
    """Crawled text bound for a CSV: one starting with = + - @ would run as a formula in a
    spreadsheet, so a quote keeps it text."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def change_to_dict(change: Change) -> dict:
    document = change.document
    version = change.new_version or change.old_version
    return {
        "id": change.id,
        "kind": change.kind,
        "source": document.source.name,
        "url": document.url,
        "title": version.title if version else document.title,
        "document_id": document.id,
        "detected_at": iso(change.detected_at),
        "old_version": change.old_version_id,
        "new_version": change.new_version_id,
        "added_chars": change.added_chars,
        "removed_chars": change.removed_chars,
        "related_url": change.related_document.url if change.related_document else None,
        # A reprint's original; what repealed a document (by) and the draft a final finalizes.
        "reprint_of": change.related_document_id if change.kind == "new" else None,
        "by": change.related_document_id if change.kind == "repealed" else None,
        "draft_id": change.related_document_id if change.kind == "finalized" else None,
        "run_id": change.run_id,
        "file_type": document.file_type,  # pdf, docx, ofd…; None for a web page
        "parent_url": document.parent.url if document.parent else None,  # an attachment's page
    }


def change_line(change: Change) -> str:
    data = change_to_dict(change)
    counts = f"+{data['added_chars']}/-{data['removed_chars']}"
    role = {"new": "reprint of", "repealed": "by"}.get(change.kind, "draft")
    related = f" ({role}: {data['related_url']})" if data["related_url"] else ""
    return (
        f"#{data['id']:<5} {change.detected_at:%Y-%m-%d %H:%M}  {data['kind']:<9} {data['source']:<12} "
        f"{counts:<12} {data['title']}  {data['url']}{related}"
    )
