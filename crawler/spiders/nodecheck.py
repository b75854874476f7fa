"""The check a Scrapyd node runs for `policywatch nodes`: `scrapy crawl nodecheck -a token=…
-a node=URL`. It fetches nothing; it writes one row to the database the node's environment names
(POLICYWATCH_DATABASE_URL), with the crawl code it runs, so the scheduler knows end to end that
the node can crawl: Scrapyd answers, the project is there, the database is reachable."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, Spider

from storage import Database
from storage.models import NodeCheck

from ..version import code_version
from .node import DATABASE_ENV


class NodeCheckSpider(Spider):
    name = "nodecheck"

    def __init__(self, token: str = "", node: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.token, self.node = token, node

    async def start(self) -> AsyncIterator[Request]:
        """The check, then no requests at all: the spider closes at once."""
        self.check()
        nothing: tuple[Request, ...] = ()
        for request in nothing:  # this spider fetches nothing
            yield request

    def check(self) -> None:
        database_url = os.environ.get(DATABASE_ENV)
        if not database_url:
            self.logger.error("%s is not set in this Scrapyd node's environment", DATABASE_ENV)
            return
        db = Database(database_url, upgrade=False)
        try:
            with db.session() as session:
                session.add(NodeCheck(token=self.token[:64], node=self.node[:200], version=code_version()))
            self.logger.info("reached the database; crawl code %s", code_version())
        finally:
            db.close()
