"""The orders' own background pass (every process runs it; each change is one conditional
transaction, so two processes never do one twice): pending cancels decided once Qikink can be
asked, and cash-on-delivery orders not confirmed in time cancelled."""

from __future__ import annotations

import logging

from ..background import BackgroundThread

log = logging.getLogger(__name__)

PASS_SECONDS = 30.0


class OrderUpkeep(BackgroundThread):
    """One thread: a pass every PASS_SECONDS (sooner when woken)."""

    THREAD_NAME = "order-upkeep"

    def __init__(self, cancellation, confirmations=None, *, interval: float = PASS_SECONDS):
        self.cancellation = cancellation  # OrderCancellation: pending cancels
        self.confirmations = confirmations  # CodConfirmations, or None (COD_CONFIRMATION=off)
        self.interval = interval
        self._init_thread()

    def run_pass(self) -> dict:
        """Decide what can be decided now: counts of each."""
        report = {"cancels_decided": 0, "unconfirmed_cancelled": 0}
        for order_id in self.cancellation.pending():
            if self.cancellation.resolve_pending(order_id) is not None:
                report["cancels_decided"] += 1
        if self.confirmations is not None:
            report["unconfirmed_cancelled"] = self.confirmations.expire_due()
        return report

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.run_pass()
                if any(report.values()):
                    log.info("Order upkeep: %s", {k: v for k, v in report.items() if v})
            except Exception:
                log.exception("Order upkeep pass failed; trying again later")
            self._wake.wait(self.interval)
            self._wake.clear()
