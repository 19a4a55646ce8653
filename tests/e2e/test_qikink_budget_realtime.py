"""In real time, at Qikink's real limit: a burst of orders placed at once against an emulator that
allows 30 calls a minute all reach it (45 creates at 29 a minute: more than one window, so the
burst waits for a second one), none is sent twice, no call is refused by the limit and no 60-second
window holds more than 30 calls, tracking then shows every shipment, and orders placed after the
burst go straight through. How close to the floor the burst gets is printed, not asserted:
throughput is bench/fulfilment_sim.py's to show; every bound here is a multiple of the floor or of
Qikink's window, so only a broken behaviour (not a slow machine) runs past it.

The real server (`python -m backend`) and the real emulator (`python -m qikink_emulator`) as
processes on 127.0.0.1; every wait is bounded. About 3 minutes: the slow tier. (It was 150 orders
over six windows, about 6.5 minutes; the second window is the first one the burst must wait for,
and every later one repeats it, so 45 orders prove the same in half the time.)
"""

from __future__ import annotations

import bisect
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import make_data_dir, order_body
from tests.harness import EmulatorProcess, ServerProcess, wait_until

# The timeout only stops a hang: it is above the sum of the generous waits below (past
# pyproject.toml's default of 300 s).
pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(3600)]

BURST = 45  # more than one window's 29 creates, fewer than two windows'
LATER = 5
LIMIT = 30
STEP_SECONDS = 15  # the emulator moves each order one status on every 15 s: shipped after 45 s
WINDOW_SECONDS = 62  # the emulator's rate-limit window
# The burst's creates, 29 a window (one call of each window stays free for a token).
FLOOR_SECONDS = (BURST / (LIMIT - 1)) * WINDOW_SECONDS


def synced_count(server) -> tuple[int, list[dict]]:
    orders = []
    for page in (1, 2):
        orders += server.get(f"/api/orders?per_page=200&page={page}").json()["data"]
    return sum(o["qikink_status"] == "synced" for o in orders), orders


def windows_over_the_limit(times: list[float], limit: int) -> list[tuple[float, int]]:
    """(start, calls) of each 60-second window holding more than `limit` calls: the fullest
    windows start at a call, so every window starting at one is counted."""
    counts = [(start, bisect.bisect_left(times, start + 60) - i) for i, start in enumerate(times)]
    return [(start, count) for start, count in counts if count > limit]


def test_a_burst_of_45_orders_reaches_qikink_within_its_limit_and_later_orders_go_straight_through(tmp_path, processes):
    emulator = EmulatorProcess(tmp_path, step_seconds=STEP_SECONDS, rate_limit=LIMIT)
    processes.append(emulator.start())
    server = ServerProcess(
        make_data_dir(tmp_path / "data", stock=1000),
        tmp_path,
        emulator_url=emulator.url,
        env={"QIKINK_RATE_LIMIT_PER_MINUTE": str(LIMIT), "SYNC_INTERVAL_SECONDS": "5"},
    )
    processes.append(server.start())

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(
            pool.map(
                lambda n: server.post("/api/orders", json=order_body(customer_email=f"b{n}@example.com")), range(BURST)
            )
        )
    placing = time.monotonic() - started
    assert all(a.status_code == 201 for a in answers)
    # Waiting for Qikink's budget, the burst would take about the floor to place.
    assert placing < FLOOR_SECONDS / 2, "an order request never waits for Qikink's budget"
    queued = sum(a.json()["data"]["qikink_status"] == "sync_pending" for a in answers)
    assert queued >= BURST - LIMIT, "the rest of the burst is queued at once"

    status = server.get("/api/qikink/status").json()
    assert status["queue"]["pending"] >= BURST - LIMIT - 5 and status["queue"]["estimated_seconds_to_send_all"] > 0

    wait_until(
        lambda: synced_count(server)[0] == BURST,
        2 * FLOOR_SECONDS + 120,
        interval=2,
        what="the burst at Qikink",
    )
    all_sent = time.monotonic() - started
    counters = emulator.counters()
    assert counters["total_created"] == BURST and set(counters["created"].values()) == {1}
    assert counters["rate_limited"] == 0, "no call refused by Qikink's limit"
    assert all_sent > 60, "the burst needs a second window: sent sooner, the limit was not kept"

    # The burst is now in flight at Qikink and tracked; new orders must not wait behind tracking:
    # each is sent at once, or (when tracking holds this minute's calls) first, as a call frees.
    later = [
        server.post("/api/orders", json=order_body(customer_email=f"l{n}@example.com")).json()["data"]
        for n in range(LATER)
    ]
    placed_later = time.monotonic()
    wait_until(
        lambda: all(
            server.get(f"/api/orders/{o['order_id']}").json()["data"]["qikink_status"] == "synced" for o in later
        ),
        2 * WINDOW_SECONDS,  # sent at once, or first as a call frees: not behind the burst's tracking
        interval=0.5,
        what="later orders at Qikink",
    )
    later_seconds = time.monotonic() - placed_later
    inline = sum(o["qikink_status"] == "synced" for o in later)

    def every_shipment_shown():
        orders = synced_count(server)[1]
        return len(orders) == BURST + LATER and all(o["tracking_id"] for o in orders)

    wait_until(every_shipment_shown, 2 * FLOOR_SECONDS, interval=5, what="every shipment's AWB through tracking")
    shown = time.monotonic() - started
    counters = emulator.counters()
    assert counters["rate_limited"] == 0 and counters["total_created"] == BURST + LATER
    budget = server.get("/api/qikink/status").json()["budget"]
    assert budget["last_minute_total"] <= LIMIT
    times = sorted(emulator.control.accepted_call_times())
    assert len(times) >= counters["calls"] and times[-1] - times[0] > 60, "the calls span several windows"
    assert not windows_over_the_limit(times, LIMIT), "a 60-second window held more calls than Qikink allows"
    print(
        f"\nburst of {BURST}: placed in {placing:.1f} s, all at Qikink after {all_sent:.0f} s "
        f"(floor {FLOOR_SECONDS:.0f} s), {LATER} later orders at Qikink within {later_seconds:.1f} s "
        f"({inline} sent inline), every AWB shown after {shown:.0f} s, "
        f"{counters['calls']} calls, 0 refused"
    )
