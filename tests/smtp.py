"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, or refuses it on demand."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Mailbox:
    """Messages received; set ``refuse`` to make the server answer 451 (try again later).

    ``stall`` seconds: keep a received message, then wait that long before answering, as a slow server does;
    a sender killed meanwhile has handed over the mail without learning that it was accepted.
    """

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: bool = False
    stall: float = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.stall:
            await asyncio.sleep(self.stall)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages received for one address."""
        return [m for m in self.messages if address in str(m["To"])]


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """Run an SMTP server on a free port of 127.0.0.1 for the duration of the block."""
    mailbox = Mailbox()
    with socket.socket() as probe:  # aiosmtpd cannot start on port 0: find a free port first
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
