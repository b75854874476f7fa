"""Diffs of documents: the engine, key changes, and renderers for terminal, e-mail and HTML."""

from .engine import DiffStats, DocumentDiff, ParagraphOp, Segment, bigrams, diff_texts, similarity
from .keychanges import KeyChange

__all__ = ["DiffStats", "DocumentDiff", "KeyChange", "ParagraphOp", "Segment", "bigrams", "diff_texts", "similarity"]
