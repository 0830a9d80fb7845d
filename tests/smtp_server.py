"""A real SMTP server for the e-mail tests: aiosmtpd on 127.0.0.1 at a free port, in a thread of the test process,
keeping every message it receives so a test can read who got what.

Not Django's locmem outbox: the app's messages go through its SMTP backend and a socket, as they do in production,
so a refused connection, a timeout or a malformed message is met here first."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.s3 import free_port


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part.get_content()
        return ""

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    refuse: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        if self.refuse:
            return "451 Requested action aborted: local error in processing"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = _Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[Received]:
        return [message for message in self.messages if address in message.recipients]

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.received.clear()
        self.handler.refuse = False

    def refusing(self, refuse: bool = True) -> None:
        """Answer every message with a temporary failure (451) until told otherwise."""
        self.handler.refuse = refuse

    def wait_for(self, count: int, seconds: float = 10) -> list[Received]:
        """The messages once there are ``count`` of them (a message sent from a thread arrives a moment later)."""
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages
