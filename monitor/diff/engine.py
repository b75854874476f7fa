"""The diff engine: paragraphs first, then characters inside the paragraphs that changed.

1. Paragraphs are aligned with diff-match-patch in line mode (each paragraph one token).
2. Inside each run of removed and added paragraphs, a monotone alignment pairs those that are
   similar (bigram Dice >= PAIR_SIMILARITY): those are modified, the rest removed or added.
3. A removed paragraph that reappears elsewhere (same or nearly the same text) is moved.
4. Modified and moved pairs get a character diff (diff-match-patch, semantic cleanup), which is
   what Chinese needs: it has no spaces to split words on. The timeout is off, so a big input
   is slower, never silently coarser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from diff_match_patch import diff_match_patch

from .keychanges import KeyChange, key_changes
from .wholes import widen

PAIR_SIMILARITY = 0.4
MOVE_SIMILARITY = 0.6
# Beyond this many candidate pairs in one changed run, pair by position instead of aligning.
_ALIGN_CELLS = 40_000

Op = Literal["equal", "insert", "delete"]
ParagraphKind = Literal["equal", "insert", "delete", "modify", "move", "moved_away"]


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


@dataclass
class ParagraphOp:
    kind: ParagraphKind
    old_index: int | None  # position in the old text's paragraphs, 0-based
    new_index: int | None
    old: str = ""
    new: str = ""
    segments: list[Segment] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.kind != "equal" and not (self.kind in ("move", "moved_away") and self.old == self.new)


@dataclass
class DiffStats:
    added_chars: int = 0
    removed_chars: int = 0
    paragraphs_added: int = 0
    paragraphs_removed: int = 0
    paragraphs_modified: int = 0
    paragraphs_moved: int = 0


@dataclass
class DocumentDiff:
    ops: list[ParagraphOp]
    stats: DiffStats
    key_changes: list[KeyChange]

    @property
    def identical(self) -> bool:
        return not any(op.changed for op in self.ops)


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def bigrams(text: str) -> set[str]:
    """Character pairs, whitespace ignored: Chinese words are mostly two characters long."""
    squashed = "".join(text.split())
    return {squashed[i : i + 2] for i in range(len(squashed) - 1)} or {squashed}


def similarity(a: str, b: str) -> float:
    """Dice coefficient over character bigrams: cheap, order-light, fine for Chinese."""
    x, y = bigrams(a), bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x or y else 1.0


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # never trade correctness for time
    return dmp


def char_diff(old: str, new: str) -> list[Segment]:
    dmp = _dmp()
    diffs = dmp.diff_main(old, new, False)
    dmp.diff_cleanupSemantic(diffs)
    names: dict[int, Op] = {0: "equal", 1: "insert", -1: "delete"}
    return widen(old, new, [Segment(names[op], text) for op, text in diffs if text], Segment)


def _line_diff(old: list[str], new: list[str]) -> list[tuple[int, list[int], list[int]]]:
    """Paragraph-level runs: (op, old indices, new indices), op 0 equal, -1 delete, 1 insert."""
    dmp = _dmp()
    # One line per paragraph; an empty side is no line at all (not one empty line).
    chars_old, chars_new, _lines = dmp.diff_linesToChars("".join(p + "\n" for p in old), "".join(p + "\n" for p in new))
    runs = []
    i = j = 0
    for op, chars in dmp.diff_main(chars_old, chars_new, False):
        n = len(chars)
        if op == 0:
            runs.append((0, list(range(i, i + n)), list(range(j, j + n))))
            i, j = i + n, j + n
        elif op == -1:
            runs.append((-1, list(range(i, i + n)), []))
            i += n
        else:
            runs.append((1, [], list(range(j, j + n))))
            j += n
    return runs


def _align(
    old_ids: list[int], new_ids: list[int], old: list[str], new: list[str]
) -> list[tuple[int | None, int | None]]:
    """Monotone pairing of a changed run maximising total similarity; unpaired sides are None."""
    n, m = len(old_ids), len(new_ids)
    if n == 0 or m == 0:
        return [(i, None) for i in old_ids] + [(None, j) for j in new_ids]
    if n * m > _ALIGN_CELLS:
        pairs: list[tuple[int | None, int | None]] = []
        for k in range(max(n, m)):
            a = old_ids[k] if k < n else None
            b = new_ids[k] if k < m else None
            if a is not None and b is not None and similarity(old[a], new[b]) < PAIR_SIMILARITY:
                pairs += [(a, None), (None, b)]
            else:
                pairs.append((a, b))
        return pairs
    sim = [[similarity(old[a], new[b]) for b in new_ids] for a in old_ids]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for x in range(n - 1, -1, -1):
        for y in range(m - 1, -1, -1):
            pair = sim[x][y] + best[x + 1][y + 1] if sim[x][y] >= PAIR_SIMILARITY else -1.0
            best[x][y] = max(pair, best[x + 1][y], best[x][y + 1])
    pairs = []
    x = y = 0
    while x < n and y < m:
        if sim[x][y] >= PAIR_SIMILARITY and best[x][y] == sim[x][y] + best[x + 1][y + 1]:
            pairs.append((old_ids[x], new_ids[y]))
            x, y = x + 1, y + 1
        elif best[x][y] == best[x + 1][y]:
            pairs.append((old_ids[x], None))
            x += 1
        else:
            pairs.append((None, new_ids[y]))
            y += 1
    pairs += [(old_ids[k], None) for k in range(x, n)] + [(None, new_ids[k]) for k in range(y, m)]
    return pairs


def _mark_moves(ops: list[ParagraphOp]) -> None:
    """Turn a deletion that reappears as an insertion elsewhere into a move."""
    inserted = [op for op in ops if op.kind == "insert"]
    by_text: dict[str, list[ParagraphOp]] = {}
    for op in inserted:
        by_text.setdefault(op.new, []).append(op)
    for op in ops:
        if op.kind != "delete":
            continue
        matches = by_text.get(op.old)
        target: ParagraphOp | None = matches[0] if matches else None
        if target is None and len(inserted) * len(ops) <= _ALIGN_CELLS:
            scored = [(similarity(op.old, c.new), c) for c in inserted if c.kind == "insert"]
            score, candidate = max(scored, key=lambda sc: sc[0], default=(0.0, None))
            target = candidate if score >= MOVE_SIMILARITY else None
        if target is None or target.kind != "insert":
            continue
        if target in by_text.get(target.new, []):
            by_text[target.new].remove(target)
        target.kind, target.old_index, target.old = "move", op.old_index, op.old
        target.segments = char_diff(op.old, target.new) if op.old != target.new else [Segment("equal", target.new)]
        op.kind, op.new_index = "moved_away", target.new_index


def _stats(ops: list[ParagraphOp]) -> DiffStats:
    stats = DiffStats()
    for op in ops:
        if op.kind == "insert":
            stats.paragraphs_added += 1
        elif op.kind == "delete":
            stats.paragraphs_removed += 1
        elif op.kind == "modify":
            stats.paragraphs_modified += 1
        elif op.kind == "move":
            stats.paragraphs_moved += 1
        if op.kind != "moved_away":
            stats.added_chars += sum(len(s.text) for s in op.segments if s.op == "insert")
            stats.removed_chars += sum(len(s.text) for s in op.segments if s.op == "delete")
    return stats


def diff_texts(old_text: str, new_text: str) -> DocumentDiff:
    """The diff of two documents' texts (paragraphs separated by newlines)."""
    old, new = paragraphs(old_text), paragraphs(new_text)
    ops: list[ParagraphOp] = []
    pending_old: list[int] = []
    pending_new: list[int] = []

    def flush() -> None:
        for a, b in _align(pending_old, pending_new, old, new):
            if a is not None and b is not None:
                ops.append(ParagraphOp("modify", a, b, old[a], new[b], char_diff(old[a], new[b])))
            elif a is not None:
                ops.append(ParagraphOp("delete", a, None, old[a], "", [Segment("delete", old[a])]))
            elif b is not None:
                ops.append(ParagraphOp("insert", None, b, "", new[b], [Segment("insert", new[b])]))
        pending_old.clear()
        pending_new.clear()

    for op, old_ids, new_ids in _line_diff(old, new):
        if op == 0:
            flush()
            ops.extend(
                ParagraphOp("equal", a, b, old[a], new[b], [Segment("equal", new[b])])
                for a, b in zip(old_ids, new_ids, strict=True)
            )
        else:
            pending_old.extend(old_ids)
            pending_new.extend(new_ids)
    flush()
    _mark_moves(ops)
    return DocumentDiff(ops=ops, stats=_stats(ops), key_changes=key_changes(ops))
