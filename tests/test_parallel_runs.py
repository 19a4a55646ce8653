"""What running the suite in several pytest-xdist workers relies on: each worker's own ports, and
the robustness figures added up from every worker."""

from __future__ import annotations

import socket

from tests.harness import WORKER_PORTS, free_port
from tests.robustness import figures


def test_each_worker_takes_free_ports_from_a_range_of_its_own(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    first = 20_000 + WORKER_PORTS
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))  # bound, as a child process binds what it was given
        ports = [free_port() for _ in range(50)]
        assert taken.getsockname()[1] not in ports
    assert all(first <= port < first + WORKER_PORTS for port in ports) and len(set(ports)) == 50
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw2")
    assert first + WORKER_PORTS <= free_port() < first + 2 * WORKER_PORTS


def test_one_process_asks_the_kernel(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", free_port()))


def test_the_figures_of_two_workers_add_up_and_the_measured_ones_are_taken(monkeypatch):
    monkeypatch.setattr(figures, "FIGURES", {"crashes_survived": 0, "load_orders": 0, "outage_p50_ms": None})
    monkeypatch.setattr(figures, "_measured", set())
    figures.add("crashes_survived", 50)
    other = {
        "figures": {"crashes_survived": 3, "load_orders": 120, "outage_p50_ms": None},
        "measured": ["load_orders"],
    }
    figures.merge(other)
    assert figures.FIGURES == {"crashes_survived": 53, "load_orders": 120, "outage_p50_ms": None}
    assert figures.snapshot() == {"figures": figures.FIGURES, "measured": ["load_orders"]}
