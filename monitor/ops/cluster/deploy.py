"""Deploying the crawl code to every node (addversion.json) and seeing what each node has: does
it answer, which code versions it holds, whether it holds this scheduler's, its jobs."""

from __future__ import annotations

from storage import Database

from ...config import Settings
from . import egg
from .health import nodes_of, review_node
from .nodes import NodeDownError, NodeError


def deploy(settings: Settings) -> list[tuple[str, str | None]]:
    """Upload the current egg to every node: (node, None) or (node, why not)."""
    cluster, current = settings.cluster, egg.version()
    built = egg.build(current)
    results = []
    for url, node in nodes_of(settings).items():
        try:
            if current not in node.versions(cluster.project):
                node.add_version(cluster.project, current, built)
            results.append((url, None))
        except NodeError as exc:
            results.append((url, str(exc)))
    return results


def describe(settings: Settings) -> list[dict]:
    """One row per node; a node in trouble opens its incident (and one that answers closes it)."""
    cluster, current = settings.cluster, egg.version()
    db = Database(settings.database_url)
    rows = []
    for url, node in nodes_of(settings).items():
        row: dict = {"node": url, "reachable": False, "current_version": current, "deployed": False, "error": None}
        try:
            status = node.status()
            versions = node.versions(cluster.project)
            jobs = node.jobs(cluster.project)
            row |= {"reachable": True, "versions": versions, "deployed": current in versions}
            row |= {"pending": status["pending"], "running": status["running"], "finished": status["finished"]}
            row["running_jobs"] = [j["id"] for j in jobs["running"]]
            problem = None if row["deployed"] else NodeError(f"{url} does not hold {current}: policywatch nodes deploy")
        except NodeError as exc:
            row["reachable"] = not isinstance(exc, NodeDownError)  # it answered, with a refusal
            problem = exc
        row["error"] = str(problem) if problem else None
        with db.session() as session:
            review_node(session, url, problem, settings.alerts.ops_email)
        rows.append(row)
    return rows
