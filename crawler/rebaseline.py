"""Re-baselining after a cleaner upgrade.

A better cleaner changes the stored text of every document a little (a rail cut, a headline
found), so the first crawl after an upgrade would report every document as changed. Before a
fetched page is compared with its document's current version, a version made by an older cleaner
is re-cleaned from its own raw HTML with the current cleaner and rewritten in place: the page is
then compared like with like, and only what changed on the page raises an event. A file's
version is re-read from its own bytes the same way (when they were kept).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.cleaner_versions import has_stale_versions, rewrite_version, stale_version
from storage.recording import Content

from .cleaning import CLEANER_VERSION, clean
from .files import FileError, FileLimits, extract
from .outcome import content_of, file_content
from .source import Source


class Rebaseliner:
    """One per crawl's store worker: asks once per run whether its source has any version made by
    an older cleaner, so that after the first crawl with a new cleaner the check costs nothing."""

    def __init__(self) -> None:
        self._stale_runs: dict[int, bool] = {}

    def __call__(
        self,
        session: Session,
        run_id: int,
        source_id: int,
        url: str,
        fetched: Content,
        source: Source,
        limits: FileLimits,
    ) -> None:
        if run_id not in self._stale_runs:
            self._stale_runs[run_id] = has_stale_versions(session, source_id, CLEANER_VERSION)
        if self._stale_runs[run_id]:
            rebaseline(session, url, fetched, source, limits)


def rebaseline(session: Session, url: str, fetched: Content, source: Source, limits: FileLimits) -> None:
    """Bring the document's current version up to the current cleaner, if an older one made it."""
    stale = stale_version(session, url, CLEANER_VERSION)
    if stale is None:
        return
    if stale.content_hash == fetched.content_hash or not stale.raw_html:
        rewrite_version(session, stale.id, None, CLEANER_VERSION)
        return
    if stale.file_type:
        try:
            text = extract(stale.raw_html, stale.file_type, limits)
        except FileError:
            rewrite_version(session, stale.id, None, CLEANER_VERSION)
            return
        rewrite_version(session, stale.id, file_content(text, stale.title, url, stale.raw_html), CLEANER_VERSION)
        return
    doc = clean(stale.raw_html, url, source.rules, encoding=stale.encoding)
    if not doc.found:  # the old page no longer reads as a document: leave its text alone
        rewrite_version(session, stale.id, None, CLEANER_VERSION)
        return
    rewrite_version(session, stale.id, content_of(doc, stale.raw_html), CLEANER_VERSION)
