"""The order service's view of fulfilment: a Dispatcher, and the one that sends nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol

# What asking Qikink whether it has an order came to: "asked" (it said), "cannot" (it cannot be
# asked: no Qikink), "busy" (not now: try again shortly).
LookUp = Literal["asked", "cannot", "busy"]


class Dispatcher(Protocol):
    """Hands orders on to fulfilment (`Fulfilment` when Qikink is on)."""

    def new_claim(self) -> dict | None:
        """The right to send an order, saved with it when it is placed (None: not now)."""

    def push_new(self, order: dict, claim: dict | None = None) -> dict:
        """Send a just-placed order within the request's time budget; the order as it now is."""

    def order_changed(self, order: dict) -> None:
        """An order was corrected or cancelled: update what is queued or tracked."""

    def confirm_not_sent(self, order_id: str) -> LookUp:
        """Ask Qikink whether an earlier attempt reached it, recording what it says."""


class SendsNothing:
    """The dispatcher when nothing is sent (Qikink off, or a service under test): orders stay queued."""

    def new_claim(self) -> None:
        return None

    def push_new(self, order: dict, claim: dict | None = None) -> dict:
        return order

    def order_changed(self, order: dict) -> None:
        pass

    def confirm_not_sent(self, order_id: str) -> LookUp:
        return "cannot"  # no Qikink to ask


if TYPE_CHECKING:  # mypy holds each implementation to the Protocol here (nothing of it runs)
    from ..fulfilment.off import QikinkOff
    from ..fulfilment.service import Fulfilment

    def _implementations(fulfilment: Fulfilment, off: QikinkOff) -> list[Dispatcher]:
        return [fulfilment, off, SendsNothing()]
