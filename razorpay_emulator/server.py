"""Serving the Razorpay emulator over real HTTP with waitress, from a background thread."""

from __future__ import annotations

import secrets
import threading

from waitress import wasyncore
from waitress.server import create_server

from .app import create_app
from .state import EmulatorState


class RazorpayEmulator:
    """The emulator on `host:port` (0: any free port). Keys default to fresh random test keys."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        key_id: str | None = None,
        key_secret: str | None = None,
        webhook_secret: str | None = None,
        webhook_url: str | None = None,
        refund_seconds: float = 1.0,
    ):
        self.state = EmulatorState(
            key_id=key_id or f"rzp_test_{secrets.token_hex(7)}",
            key_secret=key_secret or secrets.token_urlsafe(24),
            webhook_secret=webhook_secret or secrets.token_urlsafe(24),
            webhook_url=webhook_url,
            refund_seconds=refund_seconds,
        )
        self.app = create_app(self.state)
        self.host, self._port = host, port
        self._server = None
        self._thread = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._server.effective_port if self._server else self._port}"

    @property
    def checkout_url(self) -> str:
        return f"{self.url}/v1/checkout.js"

    def start(self) -> RazorpayEmulator:
        """Start serving (OSError if the port is taken)."""
        self._server = create_server(self.app, host=self.host, port=self._port, threads=8, ident="razorpay-emulator")
        self._thread = threading.Thread(target=self._server.run, name="razorpay-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            # Close the sockets in the server's own thread (its loop then ends), then its workers.
            try:
                server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
            except OSError:
                # The wake-up pipe is already closed (its loop ended on an error): close the rest here.
                wasyncore.close_all(server._map, ignore_all=True)
            self._thread.join(timeout=5)
            server.task_dispatcher.shutdown(timeout=1)
        if self.state.outbox is not None:
            self.state.outbox.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
