"""Diff speed: policywatch's engine vs. Python's difflib on the same heavily edited inputs.

Inputs: about 15 KB (a draft against an edited final, ~5,000 characters) and about 400 KB
(~135,000 characters), with a third of the paragraphs edited, some removed, added and moved.
difflib's SequenceMatcher on characters is what gives the same precision; it runs in a child
process with a time limit, because on 400 KB it can take minutes.
"""

from __future__ import annotations

import difflib
import multiprocessing
import random
import statistics
import time

from monitor.demo.samples import load_sample, sample_names
from monitor.diff import diff_texts

DIFFLIB_LIMIT_SECONDS = 120.0


def _paragraphs() -> list[str]:
    return [p for name in sample_names() for p in load_sample(name).paragraphs if len(p) > 20]


def edited(paragraphs: list[str], seed: int) -> list[str]:
    """A third of the paragraphs edited in one to four places, 10% dropped, 10% added, 3% moved."""
    rng = random.Random(seed)
    out = []
    for p in paragraphs:
        if rng.random() < 0.10:
            continue
        if rng.random() < 0.33:
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(p))
                p = p[:i] + rng.choice(["进一步", "500家", "2021年6月30日", "", "加快"]) + p[i + rng.randint(0, 6) :]
        out.append(p)
        if rng.random() < 0.10:
            out.append("各地区各部门要结合实际制定具体落实措施，确保各项任务落到实处，每年报送进展情况。")
    for _ in range(max(1, len(out) // 33)):
        out.insert(rng.randrange(len(out)), out.pop(rng.randrange(len(out))))
    return out


def pair(target_chars: int, seed: int) -> tuple[str, str]:
    pool, rng = _paragraphs(), random.Random(seed)
    old: list[str] = []
    while sum(map(len, old)) < target_chars:
        old.append(rng.choice(pool))
    return "\n".join(old), "\n".join(edited(old, seed))


def _difflib(old: str, new: str) -> None:
    difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def _difflib_seconds(old: str, new: str) -> float | None:
    start = time.perf_counter()
    child = multiprocessing.get_context("fork").Process(target=_difflib, args=(old, new))
    child.start()
    child.join(DIFFLIB_LIMIT_SECONDS)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return time.perf_counter() - start


def _ours_seconds(old: str, new: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = diff_texts(old, new)
        times.append(time.perf_counter() - start)
    _check_complete(result, old, new)
    return statistics.median(times)


def _check_complete(result, old: str, new: str) -> None:
    """Never truncated: the segments rebuild both texts exactly (paragraphs, whitespace aside)."""
    olds = [
        "".join(s.text for s in op.segments if s.op != "insert")
        for op in result.ops
        if op.kind != "insert" and op.kind != "move"
    ]
    news = [
        "".join(s.text for s in op.segments if s.op != "delete")
        for op in result.ops
        if op.kind != "delete" and op.kind != "moved_away"
    ]
    old_lines = [p.strip() for p in old.splitlines() if p.strip()]
    new_lines = [p.strip() for p in new.splitlines() if p.strip()]
    assert sorted(olds) == sorted(old_lines), "old text not fully covered"
    assert sorted(news) == sorted(new_lines), "new text not fully covered"


def run() -> list[tuple[str, str]]:
    rows = []
    draft = load_sample("nx-kjt-draft")
    final = load_sample("nx-final")
    real = (draft.text, final.text)
    for label, (old, new), rounds in (
        ("draft vs final (nx, 5 K chars)", real, 21),
        ("~15 KB, heavy edits", pair(5_000, 1), 21),
        ("~400 KB, heavy edits", pair(135_000, 2), 3),
    ):
        ours = _ours_seconds(old, new, rounds)
        theirs = _difflib_seconds(old, new)
        theirs_text = f"{theirs * 1000:.0f} ms" if theirs is not None else f"> {DIFFLIB_LIMIT_SECONDS:.0f} s (stopped)"
        size = len(old.encode()) // 1000
        rows.append(
            (
                label,
                f"{size} KB: policywatch {ours * 1000:.1f} ms (median of {rounds}), "
                f"difflib SequenceMatcher (chars) {theirs_text}",
            )
        )
    return rows


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:34s} {figure}")
