"""`policywatch serve`: the researchers' web page and its JSON API, over the same database.

create_app() only assembles: one router per audience — HTML pages (pages.py), the JSON API
(api.py), Atom feeds (feeds.py), admin (admin.py), unsubscribe links (unsubscribe.py),
watchers' own subscriptions (subscribe.py), sources for ops (sources.py) —
sharing the helpers in common.py.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from storage import Database, search

from .. import __version__
from ..config import Settings
from . import admin, api, feeds, pages, sources, subscribe, unsubscribe
from .common import HERE

log = logging.getLogger(__name__)
FRESHEN_SECONDS = 30.0


def _keep_index_fresh(db: Database, stop: threading.Event, indexed: threading.Event) -> None:
    """Crawls store versions; this makes them searchable within FRESHEN_SECONDS, so that no
    search has to look for unindexed documents itself. `indexed` is set after the first pass.
    The server runs for months: SQLite's write-ahead log is folded back on the same clock."""
    freshen = search.Freshener()
    while True:
        try:
            freshen(db)
            db.checkpoint()
        except Exception:
            log.warning("search index not refreshed", exc_info=True)
        indexed.set()
        if stop.wait(FRESHEN_SECONDS):
            return


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The search indexer runs while the app serves, and stops with it."""
    indexer = threading.Thread(
        target=_keep_index_fresh,
        args=(app.state.db, app.state.stop, app.state.indexed),
        name="search-index",
        daemon=True,
    )
    indexer.start()
    try:
        yield
    finally:
        app.state.stop.set()
        indexer.join(timeout=FRESHEN_SECONDS)


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan,
        title="policywatch",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        description="Government policy documents, their versions, diffs and change events.",
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.stop, app.state.indexed = threading.Event(), threading.Event()
    app.state.admin_throttle = admin.Throttle()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (
        pages.router,
        feeds.router,
        api.router,
        api.health,
        admin.router,
        unsubscribe.router,
        subscribe.router,
        sources.router,
    ):
        app.include_router(router)
    return app
