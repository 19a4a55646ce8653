"""The figures the robustness suite reports at the end: counted by the tests, printed by conftest."""

from __future__ import annotations

import threading

_lock = threading.Lock()
_measured: set[str] = set()  # the figures set with put(), which merge() takes rather than adds
FIGURES: dict = {
    "load_orders": 0,
    "load_seconds": 0.0,
    "load_orders_per_second": 0.0,
    "load_errors": {},
    "crashes_survived": 0,
    "faults_injected": 0,
    "outage_p50_ms": None,
    "outage_p99_ms": None,
    "bad_inputs_tried": 0,
    "orders_lost": 0,
    "orders_duplicated": 0,
    "secrets_leaked": None,
    "greedy_sockets_refused": 0,
    "slow_sockets_cut_off": 0,
    "slow_body_sockets_cut_off": 0,
    "big_bodies_refused_unread": 0,
    "caddy_slow_sockets_cut_off": 0,
    "caddy_big_bodies_refused_unread": 0,
    "caddy_connections_held": 0,
    "answered_during_attacks": 0,
}


def add(name: str, amount=1) -> None:
    """Add to a counted figure."""
    with _lock:
        FIGURES[name] = (FIGURES.get(name) or 0) + amount


def put(name: str, value) -> None:
    """Set a measured figure."""
    with _lock:
        FIGURES[name] = value
        _measured.add(name)


def snapshot() -> dict:
    """The figures and which of them were measured, as a parallel worker hands them on."""
    with _lock:
        return {"figures": dict(FIGURES), "measured": sorted(_measured)}


def merge(other: dict) -> None:
    """Add another worker's counts to these and take its measured figures (pytest-xdist runs the
    suite in several processes, each counting the tests it ran)."""
    for name, value in other["figures"].items():
        if name in other["measured"]:
            put(name, value)
        elif isinstance(value, int | float) and isinstance(FIGURES.get(name, 0), int | float):
            add(name, value)


def rows() -> list[tuple[str, str]]:
    """The table, in the issue's order."""
    f = FIGURES
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(f["load_errors"].items())) or "none"
    outage = (
        "n/a" if f["outage_p50_ms"] is None else f"p50 {f['outage_p50_ms']:.0f} ms, p99 {f['outage_p99_ms']:.0f} ms"
    )
    return [
        (
            "load held",
            f"{f['load_orders']} orders in {f['load_seconds']:.1f}s "
            f"({f['load_orders_per_second']:.1f} orders/s); errors: {errors}",
        ),
        ("crashes survived", str(f["crashes_survived"])),
        ("faults injected", str(f["faults_injected"])),
        ("POST /api/orders during Qikink outage", outage),
        ("bad inputs tried", str(f["bad_inputs_tried"])),
        ("orders lost", str(f["orders_lost"])),
        ("orders duplicated", str(f["orders_duplicated"])),
        ("secrets leaked", "not scanned" if f["secrets_leaked"] is None else str(f["secrets_leaked"])),
        ("one client's idle sockets", f"{f['greedy_sockets_refused']} over its cap closed at once (waitress)"),
        (
            "header lines trickled",
            f"{f['slow_sockets_cut_off']} sockets cut off at the header deadline (waitress), "
            f"{f['caddy_slow_sockets_cut_off']} at Caddy's read_header",
        ),
        ("a body trickled", f"{f['slow_body_sockets_cut_off']} sockets cut off at the body deadline (waitress)"),
        (
            "200 MiB Content-Length",
            f"{f['big_bodies_refused_unread']} refused 413 before the body was sent (waitress), "
            f"{f['caddy_big_bodies_refused_unread']} by Caddy",
        ),
        ("connections held through Caddy", f"{f['caddy_connections_held']} held, the server still answered"),
        ("answered during these attacks", f"{f['answered_during_attacks']} other clients' requests"),
    ]
