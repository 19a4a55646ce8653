"""A real SMTP server on 127.0.0.1 (aiosmtpd) whose inbox the customer-email tests read."""

from __future__ import annotations

import email
from email import policy

from aiosmtpd.controller import Controller

from tests.harness import free_port


class Inbox:
    """aiosmtpd handler: every message the server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def of_kind(self, subject_part):
        return [m for m in self.messages if subject_part in m["Subject"]]


class SmtpServer:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"
