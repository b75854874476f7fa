"""Whole values in a character diff: 超过[-400家-]{+500家+}, not 超过[-4-]{+5+}00家.

A character diff replaces the one digit that changed; a reader reads the amount. Each change is
widened, on both sides alike (the text around it is the same in both), to the whole quantity,
date or 文号 it touches: a number with its unit, a date, a document number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .keychanges import QUANTITY

if TYPE_CHECKING:
    from .engine import Segment

DOC_NUMBER = re.compile(r"[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*第?\s*\d{1,5}\s*号")


@dataclass
class _Hunk:
    old: tuple[int, int]  # the changed span in the old text
    new: tuple[int, int]


def _spans(text: str) -> list[tuple[int, int]]:
    found = [m.span() for m in QUANTITY.finditer(text)] + [m.span() for m in DOC_NUMBER.finditer(text)]
    return [(a, b) for a, b in found if b - a > 1]


def _hunks(segments: list[Segment]) -> list[_Hunk]:
    hunks: list[_Hunk] = []
    at_old = at_new = 0
    open_hunk: _Hunk | None = None
    for seg in segments:
        if seg.op == "equal":
            at_old, at_new, open_hunk = at_old + len(seg.text), at_new + len(seg.text), None
            continue
        if open_hunk is None:
            open_hunk = _Hunk((at_old, at_old), (at_new, at_new))
            hunks.append(open_hunk)
        if seg.op == "delete":
            at_old += len(seg.text)
            open_hunk.old = (open_hunk.old[0], at_old)
        else:
            at_new += len(seg.text)
            open_hunk.new = (open_hunk.new[0], at_new)
    return hunks


def _reach(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """How far left and right the tokens touching [start, end) go beyond it."""
    left = right = 0
    for a, b in spans:
        if (a < end and b > start) or (start == end and a < start < b):
            left, right = max(left, start - a), max(right, b - end)
    return left, right


def widen(old: str, new: str, segments: list[Segment], make: type[Segment]) -> list[Segment]:
    """The segments again, each change covering the whole values it touches."""
    hunks = _hunks(segments)
    if not hunks:
        return segments
    old_spans, new_spans = _spans(old), _spans(new)
    previous_end = 0  # in the old text: a hunk widens only over the equal text beside it
    for n, hunk in enumerate(hunks):
        next_start = hunks[n + 1].old[0] if n + 1 < len(hunks) else len(old)
        lo, ro = _reach(old_spans, *hunk.old)
        ln, rn = _reach(new_spans, *hunk.new)
        left = min(max(lo, ln), hunk.old[0] - previous_end)
        right = min(max(ro, rn), next_start - hunk.old[1])
        hunk.old, hunk.new = (hunk.old[0] - left, hunk.old[1] + right), (hunk.new[0] - left, hunk.new[1] + right)
        previous_end = hunk.old[1]
    return _rebuild(old, new, _merged(hunks), make)


def _merged(hunks: list[_Hunk]) -> list[_Hunk]:
    merged: list[_Hunk] = []
    for hunk in hunks:
        if merged and hunk.old[0] <= merged[-1].old[1]:
            merged[-1].old = (merged[-1].old[0], max(merged[-1].old[1], hunk.old[1]))
            merged[-1].new = (merged[-1].new[0], max(merged[-1].new[1], hunk.new[1]))
        else:
            merged.append(hunk)
    return merged


def _rebuild(old: str, new: str, hunks: list[_Hunk], make: type[Segment]) -> list[Segment]:
    out: list[Segment] = []
    at_old = 0
    for hunk in hunks:
        if hunk.old[0] > at_old:
            out.append(make("equal", old[at_old : hunk.old[0]]))
        if hunk.old[1] > hunk.old[0]:
            out.append(make("delete", old[hunk.old[0] : hunk.old[1]]))
        if hunk.new[1] > hunk.new[0]:
            out.append(make("insert", new[hunk.new[0] : hunk.new[1]]))
        at_old = hunk.old[1]
    if at_old < len(old):
        out.append(make("equal", old[at_old:]))
    return out
