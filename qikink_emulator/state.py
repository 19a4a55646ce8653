"""What the Qikink emulator remembers: tokens, orders on a status clock, faults, counters; with a
state file, the orders survive a restart."""

import hmac
import json
import logging
import os
import random
import secrets
import threading
import time
from collections import deque
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from .validation import Refused, check_create

log = logging.getLogger(__name__)

STEPS = ("Live", "To be Printed", "Printed", "Manifested", "In-Transit", "out for delivery", "Delivered")
SHIPPED_STEP = STEPS.index("Manifested")
# Statuses that can only be reached after a parcel has an AWB.
_SHIPPED_STATUSES = {
    "pickup scheduled",
    "picked up",
    "exception",
    "rto initiated",
    "returned",
    "not attempted",
    "consignee unavailable",
    "refused to accept",
    "lost",
}
TOKEN_LIFETIME = 3600
ACCOUNT_NUMBER = "654367"
FIRST_ORDER_ID = 40000001
PAGE_SIZE = 10
FAULT_KINDS = ("latency", "hang", "500", "503", "html", "error_body", "drop", "lose_answer")
IST = timezone(timedelta(hours=5, minutes=30))


def _read_state(path):
    """The saved orders, or ValueError naming what is wrong with the file."""
    saved = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(saved, dict) or not isinstance(saved.get("orders"), list):
        raise ValueError("expected an object with a list of orders")
    return saved["orders"]


def _write_state(path, orders):
    """Write the orders so that a crash leaves the old file or the new one, whole: a temp file in
    the same folder, flushed and fsynced, then os.replace."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "x", encoding="utf-8") as handle:
            json.dump({"orders": orders}, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


class EmulatorStore:
    """Everything the emulator remembers, behind one lock (the server is threaded)."""

    def __init__(
        self,
        *,
        client_id=None,
        client_secret=None,
        step_seconds=5.0,
        rate_limit_per_minute=30,
        clock=time.time,
        my_products=None,
        seed=None,
        state_file=None,
    ):
        self._credentials = (client_id, client_secret) if client_id or client_secret else None
        self.step_seconds = step_seconds
        self.rate_limit_per_minute = rate_limit_per_minute
        self.clock = clock
        self.my_products = set(my_products) if my_products is not None else None
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        # With a state file (the server's embedded emulator), accepted orders survive a restart,
        # as they do at Qikink; tokens, faults and counters do not.
        self.state_file = Path(state_file) if state_file else None
        self.reset(persist=False)
        self._load_orders()

    def _load_orders(self):
        if self.state_file is None or not self.state_file.exists():
            return
        try:
            records = {int(r["order_id"]): r for r in _read_state(self.state_file)}
        except (OSError, KeyError, TypeError, ValueError) as exc:
            log.error("Emulator state %s is unreadable (%s); starting empty", self.state_file, exc)
            return
        self._orders = records
        self._ids = sorted(records)
        self._numbers = {r["number"].rsplit("_", 1)[1] for r in records.values()}
        self._next_id = max(records, default=FIRST_ORDER_ID - 1) + 1

    def _save_orders(self):
        """Under the lock: write every order to the state file (small: an emulator's orders)."""
        if self.state_file is not None:
            _write_state(self.state_file, list(self._orders.values()))

    def reset(self, persist=True):
        """Forget every token, order, fault and counter."""
        with self._lock:
            self._tokens = {}
            self._orders = {}
            self._ids = []  # ascending, as Qikink numbers them: pages read it from the end
            self._numbers = set()
            self._next_id = FIRST_ORDER_ID
            self._faults = []
            self._calls = {}
            self._accepted_times = []
            self._counters = {
                "created": {},
                "create_attempts": {},
                "total_created": 0,
                "tokens_minted": 0,
                "calls": 0,
                "faults_injected": 0,
                "rate_limited": 0,
                "signed_calls": 0,
            }
            if persist:
                self._save_orders()

    # --- tokens and limits ------------------------------------------------------------------

    def mint(self, client_id, client_secret):
        """A new token for the client id; the previous one stops working."""
        if not client_id or not client_secret:
            raise Refused("Invalid ClientId or client_secret", 401, {"error": "Invalid ClientId or client_secret"})
        if self._credentials and not (
            hmac.compare_digest(client_id, self._credentials[0] or "")
            and hmac.compare_digest(client_secret, self._credentials[1] or "")
        ):
            raise Refused("Invalid ClientId or client_secret", 401, {"error": "Invalid ClientId or client_secret"})
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[client_id] = (token, self.clock() + TOKEN_LIFETIME)
            self._counters["tokens_minted"] += 1
        return {"ClientId": client_id, "Accesstoken": token, "expires_in": TOKEN_LIFETIME}

    def token_ok(self, client_id, token):
        """Whether `token` is the live, unexpired token of `client_id`."""
        with self._lock:
            live = self._tokens.get(client_id or "")
        return bool(live and token and hmac.compare_digest(live[0], token) and self.clock() < live[1])

    def count_call(self, signed):
        """Count one /api/ call."""
        with self._lock:
            self._counters["calls"] += 1
            self._counters["signed_calls"] += int(bool(signed))

    def take_rate(self, client_id):
        """0 if the call fits the per-minute limit, else seconds until it would."""
        if not self.rate_limit_per_minute:
            return 0
        with self._lock:
            now = self.clock()
            calls = self._calls.setdefault(client_id or "", deque())
            while calls and calls[0] <= now - 60:
                calls.popleft()
            if len(calls) < self.rate_limit_per_minute:
                calls.append(now)
                self._accepted_times.append(now)
                return 0
            self._counters["rate_limited"] += 1
            return calls[0] + 60 - now

    def accepted_call_times(self):
        """When each call the rate limit let through was made (with a limit set), oldest first."""
        with self._lock:
            return list(self._accepted_times)

    # --- faults -----------------------------------------------------------------------------

    def add_fault(self, spec):
        """Inject a fault for the next `count` calls or a `fraction` of calls (maybe by path)."""
        kind = str(spec.get("kind"))
        if kind not in FAULT_KINDS:
            raise Refused(f"kind must be one of {', '.join(FAULT_KINDS)}", 400)
        paths = spec.get("paths")
        fault = {
            "kind": kind,
            "count": spec.get("count"),
            "fraction": spec.get("fraction"),
            "seconds": float(spec.get("seconds", 5.0)),
            "paths": [paths] if isinstance(paths, str) else paths,
        }
        if fault["fraction"] is None and fault["count"] is None:
            fault["count"] = 1
        with self._lock:
            self._faults.append(fault)
            return list(self._faults)

    def clear_faults(self):
        """Remove every injected fault."""
        with self._lock:
            self._faults = []

    def next_fault(self, path):
        """The fault to apply to this call, if any (consuming one of its count)."""
        with self._lock:
            for fault in self._faults:
                if fault["paths"] and path not in fault["paths"]:
                    continue
                if fault["count"] is not None:
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self._faults.remove(fault)
                elif self._random.random() >= float(fault["fraction"]):
                    continue
                self._counters["faults_injected"] += 1
                return dict(fault)
        return None

    def counters(self):
        """A copy of the counters."""
        with self._lock:
            copy = dict(self._counters)
            copy["created"] = dict(copy["created"])
            copy["create_attempts"] = dict(copy["create_attempts"])
            return copy

    # --- orders -----------------------------------------------------------------------------

    def create(self, body):
        """Validate and store an order; returns Qikink's success answer."""
        if isinstance(body, dict) and isinstance(body.get("order_number"), str):
            with self._lock:
                attempts = self._counters["create_attempts"]
                attempts[body["order_number"]] = attempts.get(body["order_number"], 0) + 1
        check_create(body, self.my_products)
        number = body["order_number"]
        with self._lock:
            if number in self._numbers:
                raise Refused("Duplicate order number")
            order_id = self._next_id
            self._next_id += 1
            self._numbers.add(number)
            now = self.clock()
            self._ids.append(order_id)
            self._orders[order_id] = {
                "order_id": order_id,
                "number": f"{ACCOUNT_NUMBER}_{number}",
                "created_at": now,
                "base_time": now,
                "base_step": 0,
                "frozen": None,
                "shipped": False,
                "payload": body,
            }
            self._counters["created"][number] = self._counters["created"].get(number, 0) + 1
            self._counters["total_created"] += 1
            self._save_orders()
        return {"message": "Order created successfully", "order_id": order_id, "status_code": "200"}

    def _status(self, record, now):
        if record["frozen"] is not None:
            return record["frozen"]
        steps = int((now - record["base_time"]) / self.step_seconds) if self.step_seconds > 0 else 0
        return STEPS[min(record["base_step"] + steps, len(STEPS) - 1)]

    def _view(self, record, now):
        status = self._status(record, now)
        shipped = (
            record["shipped"]
            or status.lower() in _SHIPPED_STATUSES
            or (status in STEPS and STEPS.index(status) >= SHIPPED_STEP)
        )
        order_id = record["order_id"]
        payload = record["payload"]
        address = dict(payload.get("shipping_address") or {})
        awb = f"14{order_id % 10**8:08d}" if shipped else None
        # Odd ids get only the link prefix, as Qikink sometimes sends it.
        link = None
        if shipped:
            link = "https://courierupdates.com/?awb=" + ("" if order_id % 2 else awb)
        address.update({"awb": awb, "courier_provider_name": "Delhivery" if shipped else None, "tracking_link": link})
        created_on = datetime.fromtimestamp(record["created_at"], IST).strftime("%Y-%m-%d %H:%M:%S")
        return {
            "order_id": order_id,
            "number": record["number"],
            "created_on": created_on,
            "status": status,
            "payment_type": payload["gateway"],
            "total_order_value": f"{Decimal(payload['total_order_value']):.2f}",
            "shipping": address,
            "line_items": [
                {
                    "sku": item["sku"],
                    "quantity": item["quantity"],
                    "price": item["price"],
                    "designs": [
                        {
                            "design_code": d["design_code"],
                            "placement": d["placement_sku"],
                            "design_url": d.get("design_link"),
                            "mockup_url": d.get("mockup_link"),
                        }
                        for d in item.get("designs", [])
                    ],
                }
                for item in payload["line_items"]
            ],
            "add_ons": payload.get("add_ons", []),
        }

    def get(self, order_id):
        """One order as Qikink reads it back, or None."""
        with self._lock:
            record = self._orders.get(order_id)
            return self._view(record, self.clock()) if record else None

    def page(self, page_no):
        """Page `page_no` (from 1) of 10 orders, newest first."""
        with self._lock:
            now = self.clock()
            end = len(self._ids) - (page_no - 1) * PAGE_SIZE
            ids = self._ids[max(0, end - PAGE_SIZE) : max(0, end)]
            return [self._view(self._orders[i], now) for i in reversed(ids)]

    def cancel(self, order_id):
        """Cancel an order as Qikink's dashboard does while it is Live or being printed: its number
        is renamed `Cancelled_…` and its status stays as it was. None: no such order; the
        string "shipped" when it is manifested or later (the dashboard refuses then)."""
        with self._lock:
            record = self._orders.get(order_id)
            if record is None:
                return None
            now = self.clock()
            current = self._status(record, now)
            if not record["number"].startswith("Cancelled_"):
                if record["shipped"] or (current in STEPS and STEPS.index(current) >= SHIPPED_STEP):
                    return "shipped"
                record.update(frozen=current, number="Cancelled_" + record["number"])
                self._save_orders()
            return self._view(record, now)

    def set_status(self, order_id, status, number=None):
        """Force an order's status (it keeps advancing if the status is on the clock's path)."""
        with self._lock:
            record = self._orders.get(order_id)
            if record is None:
                return None
            now = self.clock()
            current = self._status(record, now)
            record["shipped"] = record["shipped"] or (current in STEPS and STEPS.index(current) >= SHIPPED_STEP)
            if status in STEPS:
                record.update(frozen=None, base_time=now, base_step=STEPS.index(status))
            else:
                record["frozen"] = status
            if number:
                record["number"] = number
            self._save_orders()
            return self._view(record, now)
