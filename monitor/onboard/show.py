"""`try`'s report: for people (what a crawl would watch, what cleaning kept and cut) and as JSON."""

from __future__ import annotations

from dataclasses import asdict

from .findings import Findings, Seen
from .seed import seed_text

CUT_SHOWN = 6
WIDTH = 100


def _short(text: str, width: int = WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _meta_line(meta: dict) -> str:
    names = {
        "publish_date": "date",
        "doc_number": "文号",
        "issuer": "issuer",
        "source": "source",
        "comment_deadline": "comments until",
        "file_type": "file",
    }
    parts = [f"{label} {meta[key]}" for key, label in names.items() if meta.get(key)]
    if meta.get("status") == "draft":
        parts.append("a draft for comments")
    return " · ".join(parts) or "no date, 文号 or issuer found"


def _seen_lines(number: int, doc: Seen) -> list[str]:
    if doc.error:
        return [f"{number}. {doc.url}", f"   not a document a crawl would store: {doc.error}"]
    lines = [f"{number}. {_short(doc.title)}", f"   {doc.url}", f"   {_meta_line(doc.meta)}"]
    for attachment in doc.attachments[:5]:
        lines.append(f"   attachment: {_short(attachment.get('name', ''), 40)} {attachment.get('url', '')}")
    lines.append(f"   text ({doc.chars} characters):")
    lines += [f"     {_short(line)}" for line in doc.lines]
    if doc.cut:
        shown = ", ".join(f"“{_short(c, 24)}”" for c in doc.cut[:CUT_SHOWN])
        lines.append(f"   cut as chrome: {len(doc.cut)} blocks, {doc.cut_chars} characters: {shown}…")
    return lines


def _listing_lines(found: Findings) -> list[str]:
    how = "rendered in the browser (its list is built by scripts)" if found.rendered else "read from its HTML"
    lines = [f"{found.url}: a listing, {how}; {len(found.documents)} documents on its first page:"]
    for item in found.documents:
        lines.append(f"  {item['date'] or '':<10}  {_short(item['title'], 60)}  {item['url']}")
    lines.append("next pages it would follow: " + (", ".join(found.next_pages) or "none found"))
    return lines


def report_text(found: Findings) -> str:
    """The whole report, ending with the seed file that would watch the URL."""
    if found.kind == "nothing":
        return f"{found.url}: nothing policywatch could watch.\n{found.problem}\n"
    lines = _listing_lines(found) if found.kind == "listing" else [f"{found.url}: a document page."]
    if found.first:
        lines += ["", "the first documents, as a crawl would store them:"]
        for number, doc in enumerate(found.first, 1):
            lines += _seen_lines(number, doc)
    lines += ["", "the seed that would watch it (`policywatch add URL` writes it):", "", seed_text(found)]
    return "\n".join(lines)


def report_json(found: Findings) -> dict:
    return asdict(found) | {"seed": seed_text(found) if found.kind != "nothing" else None}
