"""Fulfilment: send orders to Qikink exactly once and keep their status, within Qikink's budget.

health.py   the last contact with Qikink, the circuit breaker, probes
sender.py   the exactly-once protocol (claim, send, record)
push.py     the order request's own attempt to send a new order, within a time budget
sync_state.py  the typed sync state of one order (order["sync"])
tracker.py  status polls by page or by id, the customer's fulfilment view
index.py    the unsettled orders, so that a pass costs what is due, not what is stored
worker.py   the background passes (sends first, then tracking) and an admin's "sync now"
service.py  `Fulfilment`: wires them for the app, the worker thread and `python -m backend sync`
"""

from .service import Fulfilment, run_once, tracking_freshness

__all__ = ["Fulfilment", "tracking_freshness", "run_once"]
