"""Key changes: the numbers, amounts, percentages and dates that changed, which readers look for first.

A changed passage is widened to the whole quantity it touches, so 400家 → 500家 reads as such
even though the character diff only replaced one digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import ParagraphOp

_UNITS = (
    r"%|％|‰|个百分点|個百分點|万亿元|萬億元|亿元|億元|万元|萬元|千元|元|万亿|萬億|亿|億|万|萬|千|百|家|个|個|项|項|人次|人|名|次|倍|"
    r"平方公里|平方米|公里|米|亩|畝|"
    r"吨|年度|年|个月|月|日|天|小时|分钟|所|条|款|批|台|套|件|户|座|千瓦|兆瓦|瓦|户|级|位|GW|MW|kW"
)
_NUMBER = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
_CHINESE_NUMBER = r"[零一二三四五六七八九十百千万两]+"
QUANTITY = re.compile(
    r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"  # 2021年5月12日, 2021年5月
    r"|\d{1,2}\s*月\s*\d{1,2}\s*日"  # 5月12日
    r"|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}"  # 2021-05-12
    rf"|{_NUMBER}\s*(?:{_UNITS})?"
    rf"|{_CHINESE_NUMBER}(?:{_UNITS})"
)
_CONTEXT_CHARS = 12


@dataclass(frozen=True)
class KeyChange:
    old: str
    new: str
    context: str  # the words just before the quantity in the new text


def _hunks(op: ParagraphOp) -> list[tuple[int, int, int, int]]:
    """Changed regions as (old_start, old_end, new_start, new_end) between equal segments."""
    hunks: list[tuple[int, int, int, int]] = []
    old_pos = new_pos = 0
    current: list[int] | None = None
    for seg in op.segments:
        if seg.op == "equal":
            if current:
                hunks.append((current[0], current[1], current[2], current[3]))
                current = None
            old_pos += len(seg.text)
            new_pos += len(seg.text)
            continue
        if current is None:
            current = [old_pos, old_pos, new_pos, new_pos]
        if seg.op == "delete":
            old_pos += len(seg.text)
            current[1] = old_pos
        else:
            new_pos += len(seg.text)
            current[3] = new_pos
    if current:
        hunks.append((current[0], current[1], current[2], current[3]))
    return hunks


def _touching(text: str, start: int, end: int) -> list[re.Match[str]]:
    return [m for m in QUANTITY.finditer(text) if m.start() <= end and m.end() >= start and m.group().strip()]


def key_changes(ops: list[ParagraphOp]) -> list[KeyChange]:
    found: dict[tuple[str, str], KeyChange] = {}
    for op in ops:
        if op.kind not in ("modify", "move") or op.old == op.new:
            continue
        for old_start, old_end, new_start, new_end in _hunks(op):
            olds = _touching(op.old, old_start, old_end)
            news = _touching(op.new, new_start, new_end)
            for o, n in zip(olds, news, strict=False):
                old, new = o.group().strip(), n.group().strip()
                if old != new and (old, new) not in found:
                    context = op.new[max(0, n.start() - _CONTEXT_CHARS) : n.start()].strip()
                    found[(old, new)] = KeyChange(old, new, context)
    return list(found.values())
