"""Which crawl code a process runs: a digest of the crawler and storage packages' sources. The
scheduler and each node compute it alike from their own files, so a node running other code
than its scheduler is told, never silently used."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

PACKAGES = ("crawler", "storage")
SUFFIXES = (".py", ".mako")


def _files(root: Path) -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (root / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in SUFFIXES
    )


@cache
def code_version() -> str:
    """The letter c and 16 hex digits, the same on every host with the same code."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in _files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return "c" + digest.hexdigest()[:16]
