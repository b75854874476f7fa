"""A local SMTP server that keeps every message it receives as an .eml file."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port(host: str = "127.0.0.1") -> int:
    """aiosmtpd's Controller cannot be given port 0, so ask the kernel for a free one first."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class _SaveHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        count = len(list(self.folder.glob("*.eml"))) + 1
        path = self.folder / f"{count:04d}.eml"
        content = envelope.original_content or envelope.content or b""
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return "250 Message accepted"


class MailSink:
    """start() listens on 127.0.0.1; messages() reads back what arrived, oldest first."""

    def __init__(
        self, folder: Path, port: int | None = None, host: str = "127.0.0.1", *, smtputf8: bool = True
    ) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.host = host
        self.port = port or free_port(host)
        self._controller = Controller(
            _SaveHandler(self.folder), hostname=host, port=self.port, enable_SMTPUTF8=smtputf8
        )

    def start(self) -> MailSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> MailSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(self.folder.glob("*.eml"))]
