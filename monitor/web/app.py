"""`policywatch serve`: the researchers' web page and its JSON API, over the same database.

create_app() only assembles: one router per audience — HTML pages (pages.py), the JSON API
(api.py), Atom feeds (feeds.py), admin (admin.py) — sharing the helpers in common.py.
"""

from __future__ import annotations

import threading

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from storage import Database, search

from ..config import Settings
from . import admin, api, feeds, pages
from .common import HERE


def _index_all(db: Database) -> None:
    with db.session() as session:
        search.update_index(session)


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    app = FastAPI(
        title="policywatch",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        description="Government policy documents, their versions, diffs and change events.",
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    # Crawls index what they change; documents stored before (an upgrade, an import) are
    # indexed once, in the background, so that no search waits for it.
    threading.Thread(target=_index_all, args=(app.state.db,), name="search-index", daemon=True).start()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (pages.router, feeds.router, api.router, api.health, admin.router):
        app.include_router(router)
    return app
