"""From a file's lines to its paragraphs, as a reader sees them.

PDF and OFD give lines, not paragraphs: a paragraph is wrapped at the page's width, pages carry
running headers, footers and page numbers. Chinese official documents are set the same way
everywhere (a two-character first-line indent, numbered clauses, full lines until a paragraph
ends), so a paragraph starts where a line is indented, where the line before it stops short, or
where a clause number opens it. Headers and footers are the lines at a page's edge that repeat on
most pages (digits masked, so "第3页" and "第4页" are one line). What is left is normalised like
page text, so a file re-exported with the same wording hashes the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from ..cleaning.blocks import normalise_space

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+"
    r"|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$"
)
_NUMBERED = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[条章节款]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]"
    r"|\d+[.、．]|附件\s*\d*[:：]?$)"
)
_EDGE = 2  # lines at each end of a page that may be running headers or footers
_INDENT, _CENTRED = 1.5, 4.5  # a first-line indent, in character widths; beyond it, a centred line
# A line ending this many character widths short of the margin ends its paragraph: not fewer, as
# line-breaking rules (no 〔 at a line's end, no 。at a line's start) leave full lines a little short.
_SHORT = 3.0


@dataclass(frozen=True)
class Line:
    text: str
    indent: float = 0.0  # left edge beyond the page's margin, in character widths
    fills: bool | None = None  # reaches the right margin (None: unknown, judged by its length)
    spaced: bool = False  # further below the line before than lines usually are: a paragraph gap


@dataclass(frozen=True)
class Glyph:
    """A run of text placed on a page (a character of a PDF, a TextCode of an OFD)."""

    middle: float  # vertical centre, growing down the page
    height: float
    left: float
    right: float
    text: str


def _rows(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs sharing a baseline band, top to bottom, each row left to right."""
    rows: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: (g.middle, g.left)):
        if rows and abs(rows[-1][0].middle - glyph.middle) <= rows[-1][0].height * 0.4:
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
    for row in rows:
        row.sort(key=lambda g: g.left)
    return rows


def placed_lines(pages: list[list[Glyph]]) -> list[list[Line]]:
    """Each page's lines, with their indent and whether they fill the line: margins are the
    document's (its leftmost text, and the right edge most full lines reach)."""
    rows = [[row for row in _rows(glyphs) if "".join(g.text for g in row).strip()] for glyphs in pages]
    every = [row for page in rows for row in page]
    if not every:
        return [[] for _ in pages]
    left = min(row[0].left for row in every)
    rights = sorted(row[-1].right for row in every)
    right = rights[int(len(rights) * 0.9)]
    advances = sorted((g.right - g.left) / max(1, len(g.text)) for row in every for g in row if g.text.strip())
    unit = max(advances[len(advances) // 2], 0.1)
    return [_page_lines(page, left, right, unit) for page in rows]


def _page_lines(rows: list[list[Glyph]], left: float, right: float, unit: float) -> list[Line]:
    steps = sorted(b[0].middle - a[0].middle for a, b in pairwise(rows))
    usual = steps[len(steps) // 2] if steps else 0.0
    lines = []
    for number, row in enumerate(rows):
        step = row[0].middle - rows[number - 1][0].middle if number else 0.0
        text = "".join(g.text for g in row).strip()
        fills = row[-1].right >= right - _SHORT * unit
        lines.append(Line(text, (row[0].left - left) / unit, fills, usual > 0 and step > 1.3 * usual))
    return lines


def width(text: str) -> int:
    """Display width: CJK characters count two, others one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _masked(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def _running_lines(pages: list[list[Line]]) -> set[str]:
    """Masked texts of lines at the page edges that repeat on at least half the pages (three or more)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_masked(line.text) for line in page[:_EDGE] + page[-_EDGE:]})
    return {text for text, n in counts.items() if n >= max(3, len(pages) / 2)}


def _body_lines(pages: list[list[Line]]) -> list[Line]:
    running = _running_lines(pages)
    body: list[Line] = []
    for page in pages:
        lines = [line for line in page if line.text.strip()]
        for number, line in enumerate(lines):
            at_edge = number < _EDGE or number >= len(lines) - _EDGE
            compact = "".join(line.text.split())
            if at_edge and (_PAGE_NUMBER.match(compact) or _masked(line.text) in running):
                continue
            body.append(line)
    return body


def _joined(left: str, right: str) -> str:
    """Two halves of a wrapped line: no space between CJK characters or digits (CJK typesetting
    breaks a number anywhere), one between Latin words."""
    if left and right and left[-1].isascii() and right[0].isascii() and left[-1].isalpha() and right[0].isalpha():
        return left + " " + right
    return left + right


def paragraphs(pages: list[list[Line]]) -> list[str]:
    """The text's paragraphs, running headers, footers and page numbers left out."""
    lines = _body_lines(pages)
    if not lines:
        return []
    widths = sorted(width(line.text.strip()) for line in lines)
    full = widths[int(len(widths) * 0.9)] if len(widths) >= 5 else widths[-1]
    found: list[str] = []
    current = ""
    short_before = True
    for line in lines:
        text = line.text.strip()
        indented = _INDENT <= line.indent <= _CENTRED  # a centred line continues a wrapped title
        if (short_before or indented or line.spaced or _NUMBERED.match(text)) and current:
            found.append(current)
            current = ""
        current = _joined(current, text)
        short_before = not line.fills if line.fills is not None else width(text) < 0.85 * full
    found.append(current)
    return [p for p in (normalise_space(p) for p in found) if p]
