"""The benchmark harness runs end to end with tiny parameters (no timing is asserted)."""

import json
import subprocess
import sys

import pytest

from bench.load import run_python
from bench.run import cpu_per_request
from tests.harness import ROOT
from tests.postgres_server import find_bindir


def test_cpu_per_request_divides_what_the_run_used():
    cost = cpu_per_request((1.0, 0.5), (3.0, 1.5), 1000, 2.0)
    assert cost == {"user_ms": 2.0, "sys_ms": 1.0, "ms": 3.0, "cores": 1.5}
    assert cpu_per_request(None, (3.0, 1.5), 1000, 2.0) is None  # no /proc: nothing made up
    assert cpu_per_request((1.0, 0.5), (3.0, 1.5), 0, 2.0) is None


def test_load_generator_refuses_anything_but_loopback():
    with pytest.raises(ValueError, match="127.0.0.1"):
        run_python("http://example.com/api/health", duration=0.1)


@pytest.mark.slow
@pytest.mark.e2e
def test_benchmark_runs_with_tiny_parameters(tmp_path):
    output = tmp_path / "results.json"
    command = [
        sys.executable,
        "-m",
        "bench",
        "--duration",
        "1",
        "--connections",
        "4",
        "--sizes",
        "100",
        "--naive-sizes",
        "100",
        "--tool",
        "python",
        "--rounds",
        "1",
        "--output",
        str(output),
    ]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    results = json.loads(output.read_text())
    scenarios = results["scenarios"]
    for name in (
        "health@100",
        "create@100",
        "get_order@100",
        "products@100",
        "create_push@100",
        "fulfillment@100",
        "naive_create@100",
        "h2h_ours_health@100#1",
        "h2h_ours_create@100#1",
        "h2h_peer_create@100#1",
    ):
        assert scenarios[name]["requests"] > 0, name
        assert scenarios[name]["errors"] == 0, name
    assert results["startup"]["100"]["cold_start_s"] > 0
    if sys.platform.startswith("linux"):  # CPU per request comes from /proc
        assert scenarios["create@100"]["cpu"]["server"]["ms"] > 0
        assert scenarios["create_push@100"]["cpu"]["emulator"]["ms"] > 0
        assert scenarios["h2h_peer_create@100#1"]["cpu"]["server"]["ms"] > 0
    assert set(results["ratios"]) >= {
        "create_vs_ceiling",
        "create_push_vs_ceiling",
        "ours_vs_naive_100",
        "median_create_vs_peer",
        "median_create_vs_ceiling",
    }
    assert "| create | 100 | off |" in finished.stdout
    if find_bindir() is not None:  # the PostgreSQL runs start their own server when it is installed
        for name in ("pg_create@100", "pg_get_order@100", "pg_list@100"):
            assert scenarios[name]["requests"] > 0 and scenarios[name]["errors"] == 0, name
        assert results["ratios"]["pg_create_100_vs_ceiling"] > 0


def test_fulfilment_simulation_runs_a_shop_day_on_the_virtual_clock():
    """bench/fulfilment_sim.py: a day of 300 orders against the emulator's 30 calls a minute."""
    from bench.fulfilment_sim import simulate

    result = simulate(300, 1)
    assert result["orders"] > 250 and result["unsent_at_end"] == 0
    assert result["refused_by_qikink_limit"] == 0, "the budget keeps every call under Qikink's limit"
    assert result["calls_per_day"]["create"] == result["orders"], "one create an order, never two"
    assert result["calls_per_day"]["page"] > 0 and result["staleness_p99_s"] is not None
    assert result["calls_per_day_total"] <= 43_200


def test_the_attention_benchmark_runs_with_tiny_parameters(capsys):
    from bench.attention import main

    assert main(["--orders", "600", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "attention items: " in out and "GET /metrics, median of 1:" in out
    assert "stuck_in_transit" in out and "qikink_on_hold" in out


@pytest.mark.slow
@pytest.mark.e2e
def test_the_slow_clients_benchmark_runs_with_tiny_parameters():
    """bench/slow_clients.py: a few greedy sockets and 1 s deadlines (no timing is asserted)."""
    command = [sys.executable, "-m", "bench.slow_clients", "--sockets", "12", "--slow", "2", "--every", "0.5"]
    command += ["--give-up", "20", "--set", "MAX_CONNECTIONS_PER_CLIENT=8", "--set", "HEADER_TIMEOUT=1"]
    command += ["--set", "BODY_TIMEOUT=1"]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    assert "12 idle sockets from one address" in finished.stdout
    assert "4 closed at once" in finished.stdout
    assert "2 of 2 closed" in finished.stdout and "413 after" in finished.stdout


@pytest.mark.slow
def test_the_webhooks_benchmark_runs_with_tiny_parameters(capsys):
    """bench/webhooks.py: a few orders, each fault once (no timing is asserted)."""
    from bench.webhooks import main

    assert main(["--orders", "6", "--fail-share", "0.2", "--down-seconds", "0.5"]) == 0
    out = capsys.readouterr().out
    for scenario in ("healthy receiver:", "20% of deliveries answered 500:", "receiver down 0.5 s:"):
        assert scenario in out
