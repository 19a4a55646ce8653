"""A webhook receiver on 127.0.0.1 for tests: verifies every delivery with the `standardwebhooks`
package's own verifier, records what arrived, answers what the test says, and can be taken down
(connection refused) and brought back on the same port."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, secret: str | None = None):
        self.secret = secret
        self.received: list[dict] = []  # verified deliveries: {"id", "type", "order_id", "body"}
        self.refused_signatures = 0
        self.aborted = 0  # requests cut short by the sender's death, not signature failures
        self.answer_status = 204
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-request (kill -9): nothing was delivered
                    receiver.aborted += 1
                    return
                status = receiver._take(body, dict(self.headers.items()))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _take(self, body: bytes, headers: dict) -> int:
        try:
            payload = Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            with self._lock:
                self.refused_signatures += 1
            return 401
        status = self.answer_status
        if 200 <= status < 300:
            with self._lock:
                self.received.append(
                    {
                        "id": headers.get("webhook-id") or headers.get("Webhook-Id"),
                        "type": payload["type"],
                        "order_id": payload["data"]["order"]["order_id"],
                        "body": json.loads(body),
                    }
                )
        return status
