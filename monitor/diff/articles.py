"""Article by article: a regulation's revision as a 修订对照表.

A revised 办法 that inserts one article renumbers every later 第N条; a character diff then marks
each of those numbers, and a reader cannot see which articles really changed. Here the texts are
cut into their articles (条, with the 章/节 headings and the preamble as units of their own), and
articles are matched by what they say, never by their number: unchanged wording in order is
`same` (or `renumbered`), similar wording is `changed` (with the character diff inside), wording
found elsewhere is `moved`, and what is left is `added` or `removed`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from .engine import Segment, char_diff, similarity

Status = Literal["same", "renumbered", "changed", "moved", "added", "removed"]
_NUMERAL = "零〇一二三四五六七八九十百千"
# An article opens its line: "第十二条　…"; a chapter or section heading is a line of its own.
ARTICLE = re.compile(rf"^\s*(第[{_NUMERAL}0-9]+条)\s*(.*)$", re.DOTALL)
HEADING = re.compile(rf"^\s*(第[{_NUMERAL}0-9]+[章节编])\s*(.*)$")
CHANGED_SIMILARITY = 0.5  # below this, two articles are one removed and one added


@dataclass
class Article:
    number: str | None  # "第十二条", "第二章"; None for the preamble
    text: str  # without its number: what the article says

    @property
    def whole(self) -> str:
        return f"{self.number}　{self.text}" if self.number else self.text


@dataclass
class Row:
    status: Status
    old: Article | None
    new: Article | None
    segments: list[Segment] = field(default_factory=list)  # the character diff of a changed row

    def as_dict(self) -> dict[str, str | None]:
        return {
            "old_no": self.old.number if self.old else None,
            "new_no": self.new.number if self.new else None,
            "status": self.status,
            "old": self.old.text if self.old else None,
            "new": self.new.text if self.new else None,
        }


def split_articles(text: str) -> list[Article]:
    """The text's units: the preamble, each heading, each article with its paragraphs (款)."""
    units: list[Article] = []
    in_article = False
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if match := ARTICLE.match(line):
            units.append(Article(match.group(1), match.group(2).strip()))
            in_article = True
        elif match := HEADING.match(line):
            units.append(Article(match.group(1), match.group(2).strip()))
            in_article = False
        elif in_article:
            units[-1].text += "\n" + line  # a further paragraph (款) of the same article
        else:
            units.append(Article(None, line))
    return units


def has_articles(text: str) -> bool:
    """Is the text written in articles (at least three 第N条)?"""
    return sum(1 for line in text.splitlines() if ARTICLE.match(line)) >= 3


def compare_articles(old_text: str, new_text: str) -> list[Row]:
    """The two texts' units matched by content, in the new text's order (removed rows where
    they stood)."""
    old, new = split_articles(old_text), split_articles(new_text)
    pairs: dict[int, int] = {}  # old index → new index
    matcher = SequenceMatcher(None, [a.text for a in old], [a.text for a in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.update(zip(range(i1, i2), range(j1, j2), strict=True))
        elif tag == "replace":
            pairs.update(_similar_pairs(old, new, range(i1, i2), range(j1, j2)))
    moved = _moves(old, new, pairs)
    return _rows(old, new, pairs, moved)


def _similar_pairs(old: list[Article], new: list[Article], olds: range, news: range) -> dict[int, int]:
    """Within a stretch that changed, each old unit paired with its most similar new one, in order."""
    pairs: dict[int, int] = {}
    start = news.start
    for i in olds:
        scored = [(similarity(old[i].text, new[j].text), j) for j in range(start, news.stop)]
        score, j = max(scored, default=(0.0, -1))
        if score >= CHANGED_SIMILARITY:
            pairs[i] = j
            start = j + 1
    return pairs


def _moves(old: list[Article], new: list[Article], pairs: dict[int, int]) -> set[int]:
    """Old units not matched in place whose wording stands elsewhere in the new text."""
    unpaired_new = {new[j].text: j for j in range(len(new)) if j not in pairs.values()}
    moved: set[int] = set()
    for i, article in enumerate(old):
        if i not in pairs and (j := unpaired_new.pop(article.text, None)) is not None:
            pairs[i] = j
            moved.add(i)
    return moved


def _rows(old: list[Article], new: list[Article], pairs: dict[int, int], moved: set[int]) -> list[Row]:
    """Rows in the new text's order; a removed unit right after the unit that preceded it."""
    of_new = {j: i for i, j in pairs.items()}
    after: dict[int, list[int]] = {}  # new index (-1: the start) → removed old units after it
    for i in (i for i in range(len(old)) if i not in pairs):
        anchor = max((pairs[p] for p in range(i) if p in pairs and p not in moved), default=-1)
        after.setdefault(anchor, []).append(i)
    rows = [Row("removed", old[i], None) for i in after.get(-1, [])]
    for j, article in enumerate(new):
        rows.append(
            _paired(old[of_new[j]], article, of_new[j] in moved) if j in of_new else Row("added", None, article)
        )
        rows.extend(Row("removed", old[i], None) for i in after.get(j, []))
    return rows


def _paired(old: Article, new: Article, moved: bool) -> Row:
    if moved:
        return Row("moved", old, new)
    if old.text == new.text:
        return Row("same" if old.number == new.number else "renumbered", old, new)
    return Row("changed", old, new, char_diff(old.text, new.text))
