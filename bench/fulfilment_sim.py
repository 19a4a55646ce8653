"""Fulfilment throughput on a virtual clock: 14 shop days against Qikink's 30 calls a minute.

The real sender, tracker and worker (backend/fulfilment) and the real Qikink client (call budget,
tokens, answer parsing) talk to the emulator's state in process (its rate limit, token check and
validation, without sockets or WSGI), everything on one injected clock, so days pass in seconds.
Orders arrive through the day (more in the evening); at Qikink
each order moves through its stages with realistic spreads (1-3 days to print, 2-6 days in
transit, a few cancellations and returns to origin); the emulator enforces 30 calls a minute.

    .venv/bin/python -m bench.fulfilment_sim                      # 100, 1,000, 5,000 a day (about 20 min)
    .venv/bin/python -m bench.fulfilment_sim --orders-per-day 3500 4000 --days 12
    .venv/bin/python -m bench.fulfilment_sim --breaking-point      # and search the largest rate that passes

Reports push latency (placed → at Qikink) p50/p99, tracking staleness (Qikink's status changed
→ our order shows it) p50/p99, calls a day by kind, and whether the run meets push p99 ≤ 5 min
and staleness p99 ≤ 3 h. Results are saved in bench/results/fulfilment-sim.json.
"""

from __future__ import annotations

import argparse
import heapq
import json
import logging
import math
import os
import random
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# SIM_CODE=<a checkout> runs the same simulation on another version of the backend (e.g. the code
# before the call budget: `git worktree add /tmp/before <commit>`), for before/after figures.
CODE = Path(os.environ.get("SIM_CODE") or ROOT)
sys.path.insert(0, str(CODE))

from backend.config import Config  # noqa: E402
from backend.orders.service import OrderService  # noqa: E402
from backend.qikink import QikinkClient, QikinkConfig  # noqa: E402

try:
    from backend.fulfilment import Fulfilment  # noqa: E402
    from backend.qikink import CallBudget  # noqa: E402

    BEFORE_BUDGET = False
except ImportError:  # the code before issue 16: one Fulfilment class, a per-process rate limiter
    from backend.fulfillment import Fulfilment  # noqa: E402

    BEFORE_BUDGET = True
from backend.storage import MemoryOrderStore, load_catalogue  # noqa: E402
from qikink_emulator import EmulatorStore, Refused  # noqa: E402

DAY = 86400.0
HOUR = 3600.0
BASE_URL = "http://qikink.sim"
RESULTS = ROOT / "bench" / "results"
PUSH_P99_TARGET = 5 * 60.0
STALENESS_P99_TARGET = 3 * HOUR
# Share of a day's orders placed in each hour (0-23, India time): quiet nights, busy evenings.
HOURLY_WEIGHTS = [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 6, 7, 8, 8, 6, 3]
# The event our order records when it learns each Qikink status (None: no event of its own).
EVENT_OF = {
    "Live": "order_processing",
    "To be Printed": None,
    "Printed": None,
    "Manifested": "ready_to_ship",
    "In-Transit": "in_transit",
    "out for delivery": "out_for_delivery",
    "Delivered": "delivered",
    "RTO Initiated": "rto_initiated",
    "Returned": "returned",
    "Cancelled": "cancelled",
}
PATH_ORDER = ["order_processing", "ready_to_ship", "in_transit", "out_for_delivery", "delivered"]


class Clock:
    """The virtual clock every part reads."""

    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class Answer:
    """What the client reads of an HTTP answer: status, headers, text, json()."""

    def __init__(self, status_code: int, body, headers: dict | None = None):
        self.status_code = status_code
        self.headers = headers or {}
        self.text = json.dumps(body)

    def json(self):
        return json.loads(self.text)


class EmulatorSession:
    """Stands in for requests.Session: each call goes straight to the emulator's state, in the
    order its HTTP layer checks (rate limit, token, then the call), with no sockets or WSGI."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.calls: dict[str, int] = {}

    def request(self, method, url, *, params=None, json=None, data=None, headers=None, **_):
        path = urlsplit(url).path
        params, headers = params or {}, headers or {}
        kind = (
            "token"
            if path == "/api/token"
            else "create"
            if path == "/api/order/create"
            else "by_id"
            if "id" in params
            else "page"
        )
        self.calls[kind] = self.calls.get(kind, 0) + 1
        emulator = self.emulator
        wait = emulator.take_rate(headers.get("ClientId") or (data or {}).get("ClientId"))
        if wait:
            return Answer(429, {"error": True, "message": "Too many requests"}, {"Retry-After": str(math.ceil(wait))})
        try:
            if kind == "token":
                return Answer(200, emulator.mint(data.get("ClientId", ""), data.get("client_secret", "")))
            if not emulator.token_ok(headers.get("ClientId"), headers.get("Accesstoken")):
                return Answer(401, {"error": True, "message": "Invalid or expired Accesstoken"})
            if kind == "create":
                return Answer(200, emulator.create(json))
            if kind == "by_id":
                order = emulator.get(int(params["id"]))
                return Answer(200, [order] if order else [])
            return Answer(200, emulator.page(int(params["page_no"])))
        except Refused as exc:
            return Answer(exc.status, exc.body)

    def close(self):
        pass


def stage_plan(rng: random.Random, created: float) -> list[tuple[float, str, bool]]:
    """When an order reaches each Qikink status: [(time, status, renamed_cancelled)]."""
    t = created
    plan = []
    if rng.random() < 0.02:  # cancelled in the dashboard while Live
        return [(t + rng.uniform(1, 12) * HOUR, "Live", True)]
    t += rng.uniform(2, 8) * HOUR
    plan.append((t, "To be Printed", False))
    printed = created + rng.uniform(1, 3) * DAY
    plan.append((max(printed, t + HOUR), "Printed", False))
    t = max(printed, t + HOUR) + rng.uniform(2, 8) * HOUR
    plan.append((t, "Manifested", False))
    t += rng.uniform(6, 24) * HOUR
    plan.append((t, "In-Transit", False))
    if rng.random() < 0.03:  # return to origin
        t += rng.uniform(2, 5) * DAY
        plan.append((t, "RTO Initiated", False))
        plan.append((t + rng.uniform(3, 7) * DAY, "Returned", False))
        return plan
    t += rng.uniform(2, 6) * DAY - 10 * HOUR
    plan.append((t, "out for delivery", False))
    plan.append((t + rng.uniform(2, 10) * HOUR, "Delivered", False))
    return plan


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def order_body(rng: random.Random, n: int) -> dict:
    return {
        "customer_email": f"c{n}@example.com",
        "payment_method": "prepaid",
        "shipping_address": {
            "name": "Asha Verma",
            "line1": "12 MG Road",
            "line2": "",
            "city": "Mumbai",
            "state": "Maharashtra",
            "pincode": "400001",
            "phone": "9876543210",
            "country": "IN",
        },
        "items": [{"sku": rng.choice(["BHRT-001-M", "BHRT-001-L", "BHRT-002-M"]), "quantity": 1}],
    }


def simulate(
    orders_per_day: int,
    days: float,
    *,
    seed: int = 7,
    freshness_minutes: float = 60.0,
    create_reserve: int | None = None,
) -> dict:
    """One run; returns the figures."""
    rng = random.Random(seed)
    start = datetime(2026, 12, 1).timestamp()
    clock = Clock(start)
    emulator = EmulatorStore(step_seconds=10**12, rate_limit_per_minute=30, clock=clock)
    session = EmulatorSession(emulator)
    settings = dict(
        data_dir=ROOT / "data",
        app_env="test",
        qikink_env="sandbox",
        sync_interval=15.0,
        qikink_tracking_freshness_seconds=freshness_minutes * 60,
        qikink_retry_base_seconds=10.0,
        qikink_create_reserve_per_minute=create_reserve,
    )
    config = Config(**{k: v for k, v in settings.items() if k in Config.__dataclass_fields__})
    qikink_config = QikinkConfig("sim-client-id", "sim-secret", base_url=BASE_URL, rate_limit_per_minute=30)
    if BEFORE_BUDGET:
        client = QikinkClient(qikink_config, session=session, clock=clock, sleep=clock.sleep)
    else:
        budget = CallBudget(
            30, account=qikink_config.client_id, clock=clock, sleep=clock.sleep, create_reserve=create_reserve
        )
        client = QikinkClient(qikink_config, session=session, clock=clock, sleep=clock.sleep, budget=budget)
    catalogue = load_catalogue(ROOT / "data" / "products.json")
    for product in catalogue.values():
        product["stock_quantity"] = 10**9
    store = MemoryOrderStore(catalogue, clock=clock)
    if BEFORE_BUDGET:
        fulfilment = Fulfilment(config, store, client, clock=clock)
    else:
        fulfilment = Fulfilment(config, store, client, clock=clock, catch_up_seconds=None)
    service = OrderService(store, clock=clock)

    # Qikink's side moves on its own schedule: wrap create to plan each order's stages.
    transitions: list[tuple[float, int, str, bool]] = []
    qikink_history: dict[int, list[tuple[float, str]]] = {}
    real_create = emulator.create

    def create(body):
        answer = real_create(body)
        qikink_id = answer["order_id"]
        qikink_history[qikink_id] = [(clock.now, "Live")]
        for at, status, cancelled in stage_plan(rng, clock.now):
            heapq.heappush(transitions, (at, qikink_id, status, cancelled))
        return answer

    emulator.create = create

    # Arrivals: each day's orders spread over the hours by HOURLY_WEIGHTS.
    arrivals = []
    total_weight = sum(HOURLY_WEIGHTS)
    for day in range(math.ceil(days)):
        for hour, weight in enumerate(HOURLY_WEIGHTS):
            count = orders_per_day * weight / total_weight
            count = int(count) + (rng.random() < count - int(count))
            arrivals += [start + day * DAY + hour * HOUR + rng.random() * HOUR for _ in range(count)]
    end = start + days * DAY
    arrivals = [t for t in sorted(arrivals) if t < end]
    placed_at: dict[str, float] = {}

    wall = time.perf_counter()
    next_pass = start
    index = 0
    while True:
        next_arrival = arrivals[index] if index < len(arrivals) else math.inf
        next_transition = transitions[0][0] if transitions else math.inf
        now = min(next_arrival, next_transition, next_pass)
        if now >= end:
            break
        clock.now = now
        if now == next_arrival:
            claim = fulfilment.new_claim()
            order = service.place(order_body(rng, index), sync_claim=claim)[0]
            placed_at[order["order_id"]] = now
            fulfilment.push_new(order, claim)
            index += 1
        elif now == next_transition:
            _, qikink_id, status, cancelled = heapq.heappop(transitions)
            record = emulator._orders[qikink_id]
            number = f"Cancelled_{record['number']}" if cancelled else None
            emulator.set_status(qikink_id, status, number=number)
            qikink_history[qikink_id].append((now, "Cancelled" if cancelled else status))
        else:
            fulfilment.run_pass()
            next_pass = now + (
                min(config.sync_interval, fulfilment.poll_interval)
                if BEFORE_BUDGET
                else fulfilment.worker.seconds_to_next_pass()
            )
    wall = time.perf_counter() - wall
    fulfilment.close()
    return measure(
        store,
        placed_at,
        qikink_history,
        session.calls,
        orders_per_day,
        days,
        end,
        wall,
        emulator.counters()["rate_limited"],
    )


def measure(store, placed_at, qikink_history, calls, orders_per_day, days, end, wall, refused) -> dict:
    """Push latency and staleness from what the store holds at the end."""
    push, staleness, unsent = [], [], 0
    for order_id, placed in placed_at.items():
        order = store.get_order(order_id)
        synced = (order.get("sync") or {}).get("synced_at")
        if not synced:
            unsent += 1
            push.append(end - placed)
            continue
        push.append(max(0.0, datetime.fromisoformat(synced).timestamp() - placed))
        seen = {e["event"]: datetime.fromisoformat(e["timestamp"]).timestamp() for e in order["events"]}
        for at, status in qikink_history[int(order["qikink_shipment_id"])]:
            event = EVENT_OF.get(status)
            if event is None or at >= end - HOUR:
                continue
            learned = seen.get(event)
            if learned is None and event in PATH_ORDER:  # skipped: a later status was seen first
                later = [seen[e] for e in PATH_ORDER[PATH_ORDER.index(event) + 1 :] if e in seen]
                learned = min(later) if later else None
            staleness.append(max(0.0, (learned if learned is not None else end) - at))
    per_day = {kind: round(count / days) for kind, count in sorted(calls.items())}
    result = {
        "orders_per_day": orders_per_day,
        "days": days,
        "orders": len(placed_at),
        "unsent_at_end": unsent,
        "push_p50_s": percentile(push, 0.5),
        "push_p99_s": percentile(push, 0.99),
        "staleness_p50_s": percentile(staleness, 0.5),
        "staleness_p99_s": percentile(staleness, 0.99),
        "calls_per_day": per_day,
        "calls_per_day_total": sum(per_day.values()),
        "refused_by_qikink_limit": refused,
        "wall_seconds": round(wall, 1),
    }
    result["meets_targets"] = bool(
        result["push_p99_s"] is not None
        and result["push_p99_s"] <= PUSH_P99_TARGET
        and result["staleness_p99_s"] is not None
        and result["staleness_p99_s"] <= STALENESS_P99_TARGET
    )
    return result


def row(result: dict) -> str:
    def minutes(seconds):
        return "-" if seconds is None else f"{seconds / 60:.1f}"

    calls = result["calls_per_day"]
    return (
        f"{result['orders_per_day']:>7,} {result['days']:>4g} {minutes(result['push_p50_s']):>8} "
        f"{minutes(result['push_p99_s']):>8} {minutes(result['staleness_p50_s']):>8} "
        f"{minutes(result['staleness_p99_s']):>8} {calls.get('create', 0):>7,} {calls.get('page', 0):>7,} "
        f"{calls.get('by_id', 0):>6,} {calls.get('token', 0):>5,} {result['calls_per_day_total']:>7,} "
        f"{result['refused_by_qikink_limit']:>4} {'yes' if result['meets_targets'] else 'NO':>4} "
        f"{result['wall_seconds']:>6}"
    )


HEADER = (
    f"{'orders/d':>7} {'days':>4} {'push50':>8} {'push99':>8} {'stale50':>8} {'stale99':>8} "
    f"{'create':>7} {'page':>7} {'by_id':>6} {'token':>5} {'calls/d':>7} {'429':>4} {'ok':>4} {'wall s':>6}\n"
    f"{'':>7} {'':>4} {'(min)':>8} {'(min)':>8} {'(min)':>8} {'(min)':>8} {'— calls a day by kind —':>35}"
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders-per-day", type=int, nargs="*", default=[100, 1000, 5000])
    parser.add_argument("--days", type=float, default=14)
    parser.add_argument("--freshness-minutes", type=float, default=60)
    parser.add_argument(
        "--breaking-point",
        action="store_true",
        help="then search the largest orders a day that still meets both targets (a run "
        "of --days for each rate tried: about an hour at 14 days)",
    )
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    results = []
    print(HEADER, flush=True)
    for rate in args.orders_per_day:
        results.append(simulate(rate, args.days, freshness_minutes=args.freshness_minutes))
        print(row(results[-1]), flush=True)
    if args.breaking_point:
        good = max((r["orders_per_day"] for r in results if r["meets_targets"]), default=0)
        bad = min((r["orders_per_day"] for r in results if not r["meets_targets"]), default=None)
        step = 1000
        while bad is None or bad - good > 500:
            rate = good + step if bad is None else (good + bad) // 2 // 100 * 100
            results.append(simulate(rate, args.days, freshness_minutes=args.freshness_minutes))
            print(row(results[-1]), flush=True)
            if results[-1]["meets_targets"]:
                good = rate
                step *= 2
            else:
                bad = rate
        print(
            f"largest orders a day meeting push p99 <= 5 min and staleness p99 <= 3 h: {good:,} "
            f"(ceiling: 43,200 calls a day, one create an order, before any tracking)"
        )
    RESULTS.mkdir(exist_ok=True)
    name = "fulfilment-sim-before.json" if BEFORE_BUDGET else "fulfilment-sim.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
