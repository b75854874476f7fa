"""What people type into a search box: words that must all match, `"…"` a phrase, `-word` to
exclude, `OR` between alternatives; traditional characters find simplified ones and back.

A query becomes clauses (all must match), each a set of alternatives (any may match), each
alternative a phrase of index tokens (storage/search.py); excluded phrases must not match. The
same structure is written as an FTS5 MATCH expression (SQLite) and as a tsquery (PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import opencc

_TERMS = re.compile(r'(-?)"([^"]*)"|(\S+)')


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters as simplified ones (OpenCC), so 高新區 and 高新区 are one word."""
    return _converter().convert(text)


@dataclass(frozen=True)
class Phrase:
    text: str  # as typed (in simplified characters)
    tokens: list[str]  # as indexed


@dataclass
class Query:
    clauses: list[list[Phrase]] = field(default_factory=list)  # all clauses; any phrase of each
    excluded: list[Phrase] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.clauses

    def matches(self, text: str) -> bool:
        """The query applied to one text (already in simplified characters), as a subscription's
        filter: each clause has one of its phrases, no excluded phrase is there."""
        wanted = all(any(p.text in text for p in clause) for clause in self.clauses)
        return not self.empty and wanted and not any(p.text in text for p in self.excluded)

    def phrases(self) -> list[str]:
        """The wanted phrases as typed, longest first: what a snippet marks."""
        return sorted({p.text for clause in self.clauses for p in clause}, key=len, reverse=True)


def parse(text: str, tokens: Callable[[str], list[str]]) -> Query:
    """The query's structure; tokens is the index's tokenizer. An `OR` joins the terms beside it."""
    query = Query()
    joining = False
    for negated, quoted, bare in _TERMS.findall(simplified(text)):
        if not quoted and bare == "OR":
            joining = bool(query.clauses)
            continue
        word = quoted if quoted or negated else bare
        if not quoted and word.startswith("-") and len(word) > 1:
            negated, word = "-", word[1:]
        found = tokens(word)
        if not found:
            continue
        phrase = Phrase(word, found)
        if negated:
            query.excluded.append(phrase)
        elif joining:
            query.clauses[-1].append(phrase)
        else:
            query.clauses.append([phrase])
        joining = False
    return query


SNIPPET_CONTEXT = 40


def snippet(text: str, query: Query, context: int = SNIPPET_CONTEXT) -> list[tuple[str, bool]]:
    """The passage around the first match, as (text, matched) pieces for a renderer to mark (and
    escape); the opening of the text when no wanted phrase appears verbatim."""
    folded = simplified(text)
    shown = text if len(folded) == len(text) else folded  # t2s nearly always keeps the length
    lowered = folded.lower()
    hits = sorted((i, len(p)) for p in query.phrases() if (i := lowered.find(p.lower())) >= 0)
    if not hits:
        return [(shown[: 2 * context], False)]
    start = max(0, hits[0][0] - context)
    end = min(len(shown), hits[0][0] + hits[0][1] + context)
    pieces: list[tuple[str, bool]] = []
    at = start
    for i, length in hits:
        if i < at or i >= end:
            continue
        pieces += [(shown[at:i], False), (shown[i : i + length], True)]
        at = i + length
    pieces.append((shown[at:end], False))
    return [(("…" if n == 0 and start else "") + piece, marked) for n, (piece, marked) in enumerate(pieces) if piece]


def fts5(query: Query) -> str:
    """An FTS5 MATCH expression: ("a b" OR "c") AND "d" NOT "e"."""

    def quoted(phrase: Phrase) -> str:
        prefix = "*" if len(phrase.tokens[-1]) == 1 else ""  # a lone character also starts longer bigrams
        return '"' + " ".join(phrase.tokens).replace('"', '""') + '"' + prefix

    wanted = " AND ".join("(" + " OR ".join(quoted(p) for p in clause) + ")" for clause in query.clauses)
    return wanted + "".join(f" NOT {quoted(p)}" for p in query.excluded)


def tsquery(query: Query) -> str:
    """A PostgreSQL tsquery: ('a' <-> 'b' | 'c') & 'd' & !'e'."""

    def phrase(wanted: Phrase) -> str:
        prefix = ":*" if len(wanted.tokens[-1]) == 1 else ""
        return "(" + " <-> ".join("'" + t.replace("'", "''") + "'" for t in wanted.tokens) + prefix + ")"

    parts = ["(" + " | ".join(phrase(p) for p in clause) + ")" for clause in query.clauses]
    parts += ["!" + phrase(p) for p in query.excluded]
    return " & ".join(parts)
