"""A crash between sending a message and marking it sent: the real `policywatch crawl` process
is killed by the receiving server the moment the message arrives. The message is sent again
after STALE_CLAIM, at most once more, with the same Message-ID (e-mail) or Idempotency-Key
(a chat target that takes headers), so the receiver can fold the duplicate."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from datetime import timedelta
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from sqlalchemy import select

from monitor.demo.mailsink import free_port
from notifier.channels import channels
from notifier.outbox import STALE_CLAIM, dispatch
from storage import OutboxMessage, utcnow

from .conftest import POLICYWATCH, Workspace
from .receiver import Receiver


class Victim:
    """The process to kill when the first message arrives (then the servers just accept)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.known = threading.Event()
        self.killed = False

    def start(self, workspace: Workspace) -> None:
        env = {**os.environ, "POLICYWATCH_CONFIG": str(workspace.config)}
        self.process = subprocess.Popen([str(POLICYWATCH), "crawl"], env=env, cwd=workspace.folder)
        self.known.set()

    def strike(self) -> None:
        if not self.killed:
            self.known.wait(60)
            self.killed = True
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(60)  # dead before the server answers: the send is never marked


class KillingSink:
    def __init__(self, victim: Victim) -> None:
        self.victim, self.received = victim, []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook
        self.received.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        self.victim.strike()
        return "250 Message accepted"


def _statuses(workspace: Workspace) -> list[str]:
    with workspace.db.session() as session:
        return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def _after_the_stale_claim(workspace: Workspace) -> None:
    dispatch(workspace.db, channels(workspace.settings().smtp), now=utcnow() + STALE_CLAIM + timedelta(minutes=1))


def test_an_email_sent_by_a_killed_process_is_sent_again_once_with_the_same_message_id(tmp_path, site):
    victim = Victim()
    sink = KillingSink(victim)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        workspace = Workspace(tmp_path, site, controller.port)
        workspace.cli("subscribe", "reader@example.org")
        site.publish("kjfw", "wansheng-plan")

        victim.start(workspace)
        assert victim.process.wait(300) == -signal.SIGKILL
        assert _statuses(workspace) == ["sending"] and len(sink.received) == 1
        dispatch(workspace.db, channels(workspace.settings().smtp))  # claimed by someone: not sent twice yet
        assert len(sink.received) == 1
        _after_the_stale_claim(workspace)
        _after_the_stale_claim(workspace)
    finally:
        controller.stop()

    assert _statuses(workspace) == ["sent"]
    first, again = sink.received
    assert first["Message-ID"] == again["Message-ID"] and first["Subject"] == again["Subject"]


def test_a_chat_message_sent_by_a_killed_process_is_sent_again_once_with_the_same_key(tmp_path, site, mail):
    victim = Victim()
    with Receiver() as receiver:
        receiver.on_request = lambda _request: victim.strike()
        workspace = Workspace(tmp_path, site, mail.port)
        workspace.cli("subscribe", receiver.url())
        site.publish("kjfw", "wansheng-plan")

        victim.start(workspace)
        assert victim.process.wait(300) == -signal.SIGKILL
        assert _statuses(workspace) == ["sending"] and len(receiver.requests) == 1
        _after_the_stale_claim(workspace)
        _after_the_stale_claim(workspace)

    assert _statuses(workspace) == ["sent"]
    first, again = receiver.requests
    assert first.headers["Idempotency-Key"] == again.headers["Idempotency-Key"]
    assert first.json()["message"] == again.json()["message"]
