"""`policywatch serve`: the researchers' web page and its JSON API, over the same database.

create_app() only assembles: one router per audience — HTML pages (pages.py), the JSON API
(api.py), Atom feeds (feeds.py), admin (admin.py) — sharing the helpers in common.py.
"""

from __future__ import annotations

import threading

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from storage import Database

from ..config import Settings
from . import admin, api, feeds, pages
from .common import HERE


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
    app.state.index_lock = threading.Lock()  # one search-index refresh at a time
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (pages.router, feeds.router, api.router, api.health, admin.router):
        app.include_router(router)
    return app
