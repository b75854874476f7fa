"""The Scrapyd client against nodes that misbehave, served for real on 127.0.0.1: answers in
shapes Scrapyd never sends are one NodeError line, and a node that trickles its answer is given
up at the call's deadline instead of holding `policywatch nodes` forever."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from monitor.ops.cluster.nodes import Node, NodeDownError, NodeError

from .hostile import HostileSite

pytestmark = pytest.mark.services  # misbehaving nodes served on 127.0.0.1

TRICKLE = b'{"status": "ok", "pending": [], "running": [], "finished": []}'


@pytest.mark.parametrize(
    "answer",
    [b"[1, 2, 3]", b"null", b'{"status": "ok"}', b'{"status": "ok", "running": [1], "pending": [], "finished": []}'],
)
def test_odd_answers_are_one_line_errors(answer):
    with HostileSite() as node:
        node.raw("/listjobs.json", answer, **{"Content-Type": "application/json"})
        node.raw("/listprojects.json", answer, **{"Content-Type": "application/json"})
        client = Node(node.base, timeout=5)
        for call in (lambda: client.jobs("p"), client.projects):
            with pytest.raises(NodeError) as error:
                call()
            assert "\n" not in str(error.value) and node.base in str(error.value)


def test_a_trickling_node_is_given_up_at_the_deadline():
    stop = threading.Event()

    class Trickle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(TRICKLE)))
            self.end_headers()
            for byte in TRICKLE:  # one byte a second: a minute for the whole answer
                if stop.wait(1.0):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # Had it waited for the whole answer, the call would have returned it.
        with pytest.raises(NodeDownError, match="did not finish answering"):
            Node(f"http://127.0.0.1:{server.server_address[1]}", timeout=3).jobs("p")
    finally:
        stop.set()
        server.shutdown()
