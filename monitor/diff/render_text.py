"""The diff for a terminal: [-deleted-]{+inserted+} marks, or colour when writing to a TTY."""

from __future__ import annotations

from .engine import DocumentDiff, Segment
from .excerpt import excerpts

_RED, _GREEN, _DIM, _BOLD, _RESET = "\x1b[31;9m", "\x1b[32;4m", "\x1b[2m", "\x1b[1m", "\x1b[0m"


def mark(segments: list[Segment], color: bool) -> str:
    out = []
    for seg in segments:
        if seg.op == "equal":
            out.append(seg.text)
        elif color:
            out.append(f"{_RED if seg.op == 'delete' else _GREEN}{seg.text}{_RESET}")
        else:
            out.append(f"[-{seg.text}-]" if seg.op == "delete" else f"{{+{seg.text}+}}")
    return "".join(out)


def render_terminal(diff: DocumentDiff, *, color: bool = False, context: int = 60) -> str:
    lines = []
    s = diff.stats
    summary = (
        f"+{s.added_chars} / -{s.removed_chars} characters; paragraphs: {s.paragraphs_added} added, "
        f"{s.paragraphs_removed} removed, {s.paragraphs_modified} modified, {s.paragraphs_moved} moved"
    )
    lines.append(f"{_DIM}{summary}{_RESET}" if color else summary)
    if diff.key_changes:
        title = "Key changes:"
        lines.append(f"{_BOLD}{title}{_RESET}" if color else title)
        lines.extend(f"  {k.context}{'…' if k.context else ''} {k.old} → {k.new}" for k in diff.key_changes)
    for excerpt in excerpts(diff, context=context):
        lines.append("")
        head = excerpt.label
        lines.append(f"{_BOLD}{head}{_RESET}" if color else head)
        lines.append(mark(excerpt.segments, color))
    if diff.identical:
        lines.append("(no difference in the text)")
    return "\n".join(lines) + "\n"
