"""The diff for a terminal: [-deleted-]{+inserted+} marks, or colour when writing to a TTY."""

from __future__ import annotations

import unicodedata

from .engine import DocumentDiff, Segment
from .excerpt import excerpts, label

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


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _cells(segments: list[Segment], side: str, color: bool) -> list[tuple[str, str]]:
    """The characters one side shows, each with its style ("", "delete", "insert")."""
    cells: list[tuple[str, str]] = []
    for seg in segments:
        if seg.op == "equal":
            cells.extend((ch, "") for ch in seg.text)
        elif (seg.op == "delete") == (side == "old"):
            open_mark, close_mark = ("[-", "-]") if seg.op == "delete" else ("{+", "+}")
            text = seg.text if color else open_mark + seg.text + close_mark
            cells.extend((ch, seg.op) for ch in text)
    return cells


def _wrap(cells: list[tuple[str, str]], width: int) -> list[list[tuple[str, str]]]:
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0
    for cell in cells:
        w = _width(cell[0])
        if used + w > width:
            lines.append([])
            used = 0
        lines[-1].append(cell)
        used += w
    return lines


def _line(cells: list[tuple[str, str]], width: int, color: bool) -> str:
    out, used = [], 0
    for char, style in cells:
        used += _width(char)
        out.append(f"{_RED if style == 'delete' else _GREEN}{char}{_RESET}" if color and style else char)
    return "".join(out) + " " * (width - used)


def render_side_by_side(diff: DocumentDiff, *, color: bool = False, width: int = 120) -> str:
    """Old text on the left, new on the right, changed paragraphs only."""
    column = max(20, (width - 3) // 2)
    lines = [render_terminal(diff, color=color).split("\n\n", 1)[0]]
    for op in diff.ops:
        if op.kind in ("equal", "moved_away"):
            continue
        lines.append("")
        lines.append(f"{_BOLD}{label(op)}{_RESET}" if color else label(op))
        left = _wrap(_cells(op.segments, "old", color), column) if op.kind != "insert" else [[]]
        right = _wrap(_cells(op.segments, "new", color), column) if op.kind != "delete" else [[]]
        for number in range(max(len(left), len(right))):
            old = left[number] if number < len(left) else []
            new = right[number] if number < len(right) else []
            lines.append(f"{_line(old, column, color)} │ {_line(new, column, color)}".rstrip())
    return "\n".join(lines) + "\n"
