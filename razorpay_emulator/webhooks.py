"""Webhooks as Razorpay sends them: signed over the raw body with the webhook secret
(`X-Razorpay-Signature`), an `X-Razorpay-Event-Id` kept on every retry, retried with backoff on
anything but a 2xx. Fault modes (state.faults["webhooks"]): `drop` (never sent), `duplicate`
(each sent twice), `reorder` (each batch sent last event first)."""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time

import requests

from .state import EmulatorState, hex_hmac, new_id

log = logging.getLogger(__name__)

ATTEMPTS = 5
FIRST_RETRY_SECONDS = 0.5


class WebhookSender:
    """One thread sending queued webhooks (and running delayed work, e.g. processing refunds)."""

    def __init__(self, state: EmulatorState):
        self.state = state
        self.sent: list[dict] = []  # every delivery tried: {"event", "id", "status"}
        self._queue: list = []  # (due, seq, job)
        self._seq = itertools.count()
        self._wake = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="razorpay-webhooks", daemon=True)
        self._thread.start()

    def send_all(self, events: list) -> None:
        """Queue the events of one change (in the order they happened), signed as Razorpay signs."""
        mode = self.state.faults["webhooks"]
        if not events or not self.state.webhook_url or mode == "drop":
            if events and mode == "drop":
                self.state.count("webhooks_dropped")
            return
        bodies = [self._body(name, payload) for name, payload in events]
        if mode == "reorder":
            bodies.reverse()
        for body in bodies:
            copies = 2 if mode == "duplicate" else 1
            for _ in range(copies):
                self.later(0, lambda body=body: self._deliver(body, 0))

    def later(self, seconds: float, job) -> None:
        with self._wake:
            heapq.heappush(self._queue, (time.monotonic() + seconds, next(self._seq), job))
            self._wake.notify()

    def _body(self, name: str, entities: dict) -> dict:
        return {
            "id": new_id("evt"),
            "entity": "event",
            "account_id": "acc_Emulator000001",
            "event": name,
            "contains": list(entities),
            "payload": {kind: {"entity": dict(entity)} for kind, entity in entities.items()},
            "created_at": self.state.now(),
        }

    def _deliver(self, body: dict, attempt: int) -> None:
        raw = json.dumps(body, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Razorpay-Signature": hex_hmac(self.state.webhook_secret, raw),
            "X-Razorpay-Event-Id": body["id"],
            "User-Agent": "Razorpay-Webhook/v1 (emulator)",
        }
        status = None
        try:
            status = requests.post(self.state.webhook_url, data=raw, headers=headers, timeout=5).status_code
        except requests.RequestException as exc:
            log.info("Webhook %s to %s not delivered: %s", body["event"], self.state.webhook_url, type(exc).__name__)
        self.sent.append({"event": body["event"], "id": body["id"], "status": status})
        self.state.count("webhooks_sent" if status and status < 300 else "webhooks_failed")
        if (status is None or status >= 300) and attempt + 1 < ATTEMPTS:
            self.later(FIRST_RETRY_SECONDS * 2**attempt, lambda: self._deliver(body, attempt + 1))

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stop and (not self._queue or self._queue[0][0] > time.monotonic()):
                    timeout = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._wake.wait(timeout)
                if self._stop:
                    return
                _, _, job = heapq.heappop(self._queue)
            try:
                job()
            except Exception:
                log.exception("Emulator job failed")

    def stop(self) -> None:
        with self._wake:
            self._stop = True
            self._wake.notify()
        self._thread.join(timeout=5)
