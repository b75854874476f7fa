"""What a scheduler knows about its nodes during one crawl, and the incidents it leaves: a node
that does not answer, or answers with a refusal (wrong credentials, the code not deployed), opens
one incident (and one message to ops); the node answering again closes it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import Database, utcnow
from storage.models import NodeIncident

from ...config import Settings
from ..alerts import notify_ops
from .nodes import Node, NodeDownError, NodeError


def nodes_of(settings: Settings) -> dict[str, Node]:
    """A client per configured node, with Scrapyd's credentials."""
    cluster = settings.cluster
    auth = (cluster.username, cluster.password or "") if cluster.username else None
    return {url: Node(url, auth) for url in cluster.nodes}


class NodeBook:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.nodes = nodes_of(settings)
        self.ops_email = settings.alerts.ops_email
        self.db = db
        self.problems: dict[str, NodeError] = {}
        self.fine: set[str] = set()

    def node(self, url: str) -> Node:
        return self.nodes[url]

    def is_down(self, url: str) -> bool:
        """Failed already in this crawl: not asked again until the next one."""
        return url in self.problems

    def failed(self, url: str, error: NodeError) -> None:
        self.problems[url] = error
        self.fine.discard(url)

    def answered(self, url: str) -> None:
        self.problems.pop(url, None)
        self.fine.add(url)

    def review(self) -> None:
        """Open an incident per node in trouble, close those of nodes that answered."""
        with self.db.session() as session:
            for url, error in self.problems.items():
                review_node(session, url, error, self.ops_email)
            for url in self.fine:
                review_node(session, url, None, self.ops_email)


def review_node(session: Session, url: str, error: NodeError | None, ops_email: str | None) -> None:
    """The node's open incident after this answer (or this failure)."""
    kind = "node_down" if isinstance(error, NodeDownError) else "node_error"
    open_ = list(
        session.scalars(select(NodeIncident).where(NodeIncident.node == url, NodeIncident.closed_at.is_(None)))
    )
    if error is None:
        for incident in open_:
            incident.closed_at = utcnow()
            notify_ops(
                session,
                ops_email,
                f"[policywatch ops] node {url}: back",
                f"Since {incident.opened_at:%Y-%m-%d %H:%M} UTC: {incident.detail}",
            )
        return
    if not any(i.kind == kind for i in open_):
        session.add(NodeIncident(node=url, kind=kind, detail=str(error)))
        notify_ops(session, ops_email, f"[policywatch ops] node {url}: {kind.replace('_', ' ')}", str(error))
