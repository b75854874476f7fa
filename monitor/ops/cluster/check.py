"""What each node is fit for, end to end: it answers; it runs policywatch's project (the package
installed in its environment, named in the scrapy.cfg Scrapyd and Scrapy both read: no egg); a
check job there reaches the database the node's environment names, and runs this scheduler's
crawl code. A node failing any of these is passed over, with one line saying which and why."""

from __future__ import annotations

import time
import uuid
from typing import Any

from sqlalchemy import select

from crawler.spiders.node import DATABASE_ENV
from crawler.spiders.nodecheck import NodeCheckSpider
from crawler.version import code_version
from storage import Database
from storage.models import NodeCheck

from ...config import Settings
from .health import nodes_of, review_node
from .nodes import Node, NodeDownError, NodeError

CHECK_SECONDS = 60.0  # a check job starts a Python process with Scrapy: seconds, on a busy node more


def check_node(url: str, node: Node, project: str, db: Database, wait: float = CHECK_SECONDS) -> None:
    """Raise NodeError (one line) unless the node can crawl for this scheduler."""
    if project not in node.projects():
        raise NodeError(
            f"{url} does not run {project}: install policywatch there and add "
            f"`[settings] {project} = crawler.node_settings` to the scrapy.cfg of its folder"
        )
    token = uuid.uuid4().hex
    node.schedule(project, NodeCheckSpider.name, token, token=token, node=url)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        with db.session() as session:
            seen = session.scalar(select(NodeCheck.version).where(NodeCheck.token == token))
        if seen is not None:
            if seen != code_version():
                raise NodeError(f"{url} runs crawl code {seen}, the scheduler {code_version()}: install the same")
            return
        if token in {job["id"] for job in node.jobs(project)["finished"]}:
            break  # ended without a word: it could not reach the database
        time.sleep(0.5)
    raise NodeError(f"{url} cannot reach the database: its check job wrote nothing (is {DATABASE_ENV} set there?)")


def describe(settings: Settings) -> list[dict[str, Any]]:
    """One row per node; a node in trouble opens its incident (and one that is fine closes it)."""
    cluster = settings.cluster
    db = Database(settings.database_url)
    rows = []
    for url, node in nodes_of(settings).items():
        row: dict[str, Any] = {"node": url, "reachable": False, "code_version": code_version(), "error": None}
        problem: NodeError | None = None
        try:
            status, jobs = node.status(), node.jobs(cluster.project)
            row |= {"reachable": True, "pending": status.get("pending"), "running": status.get("running")}
            row["running_jobs"] = [job["id"] for job in jobs["running"]]
            check_node(url, node, cluster.project, db)
        except NodeError as exc:
            row["reachable"] = not isinstance(exc, NodeDownError)  # it answered, with a refusal
            problem = exc
        row["error"] = str(problem) if problem else None
        with db.session() as session:
            review_node(session, url, problem, settings.alerts.ops_email)
        rows.append(row)
    return rows
