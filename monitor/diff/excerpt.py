"""Excerpts: each changed paragraph with only a little unchanged text around the change."""

from __future__ import annotations

from dataclasses import dataclass

from .engine import DocumentDiff, ParagraphOp, Segment

CONTEXT_CHARS = 40
WHOLE_PARAGRAPH_CHARS = 300


@dataclass(frozen=True)
class Excerpt:
    kind: str  # insert, delete, modify, move
    label: str  # where it is, for a reader: "¶3", "¶5 (moved from ¶2)"
    segments: list[Segment]


def _trim_equal(text: str, position: str, context: int) -> str:
    if len(text) <= 2 * context + 1:
        return text
    if position == "first":
        return "…" + text[-context:]
    if position == "last":
        return text[:context] + "…"
    return text[:context] + "…" + text[-context:]


def _clip(segments: list[Segment], context: int) -> list[Segment]:
    clipped = []
    for i, seg in enumerate(segments):
        if seg.op == "equal":
            # A paragraph that only moved is one equal segment: show how it begins.
            position = "last" if i == len(segments) - 1 else "first" if i == 0 else "middle"
            clipped.append(Segment("equal", _trim_equal(seg.text, position, context)))
        elif len(seg.text) > WHOLE_PARAGRAPH_CHARS:
            clipped.append(Segment(seg.op, seg.text[:WHOLE_PARAGRAPH_CHARS] + "…"))
        else:
            clipped.append(seg)
    return clipped


def label(op: ParagraphOp) -> str:
    if op.kind == "delete":
        return f"¶{_place(op.old_index)} removed"
    if op.kind == "move":
        return f"¶{_place(op.new_index)} (moved from ¶{_place(op.old_index)})"
    return f"¶{_place(op.new_index)}"


def _place(index: int | None) -> str:
    """A paragraph's number as a reader counts (from 1)."""
    return "?" if index is None else str(index + 1)


def excerpts(diff: DocumentDiff, context: int = CONTEXT_CHARS, limit: int | None = None) -> list[Excerpt]:
    """The changed paragraphs in reading order; moved paragraphs only where they landed."""
    found = [
        Excerpt(op.kind, label(op), _clip(op.segments, context))
        for op in diff.ops
        if op.kind not in ("equal", "moved_away")
    ]
    return found[:limit] if limit else found
