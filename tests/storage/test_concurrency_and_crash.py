"""Several processes on one data directory, and SIGKILL at random moments: nothing lost or doubled."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backend.storage import JournalOrderStore, load_catalogue
from tests.conftest import make_data_dir
from tests.storage.consistency import assert_consistent

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def spawn(data_dir: Path, threads: int, per_thread: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.storage.storage_worker", str(data_dir), str(threads), str(per_thread)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def acknowledged(lines: list[str]) -> list[tuple[str, str, int]]:
    return [(p[1], p[2], int(p[3])) for p in (line.split() for line in lines) if p and p[0] == "OK"]


def check_store(data_dir: Path, acked: list[tuple[str, str, int]], initial_stock: int) -> JournalOrderStore:
    """Every acknowledged order present exactly once; stock = initial - what the stored orders took."""
    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    ids = store.order_ids()
    assert len(ids) == len(set(ids))
    stored = {order_id: store.get_order(order_id) for order_id in ids}
    assert all(order is not None for order in stored.values())
    assert_consistent(stored, store.products(), acked, initial_stock)
    assert not list(data_dir.rglob("*.tmp"))
    # A kill -9 mid-append may leave a torn tail (never acknowledged): cut and reported, nothing else.
    assert all(q["problem"].startswith("torn tail cut") for q in store.quarantined), store.quarantined
    return store


def test_two_processes_by_eight_threads_lose_and_double_nothing(tmp_path):
    data_dir = make_data_dir(tmp_path / "data", stock=100_000)
    children = [spawn(data_dir, threads=8, per_thread=30) for _ in range(2)]
    outputs = [child.communicate(timeout=240) for child in children]
    assert all(child.returncode == 0 for child in children), [o[1][-2000:] for o in outputs]
    lines = [line for out, _ in outputs for line in out.splitlines()]
    acked = acknowledged(lines)
    assert len(acked) == 480, [line for line in lines if not line.startswith("OK")][:5]
    assert len({order_id for order_id, _, _ in acked}) == 480
    store = check_store(data_dir, acked, 100_000)
    assert len(store.order_ids()) == 480
    for order_id in store.order_ids():
        assert len(order_id) <= 15


def test_stock_is_never_oversold_across_processes(tmp_path):
    data_dir = make_data_dir(tmp_path / "data", stock=60)
    children = [spawn(data_dir, threads=4, per_thread=20) for _ in range(2)]
    outputs = [child.communicate(timeout=240) for child in children]
    lines = [line for out, _ in outputs for line in out.splitlines()]
    acked = acknowledged(lines)
    refused = [line for line in lines if line.startswith("ERR")]
    assert all(line == "ERR 409 out_of_stock" for line in refused)
    assert refused, "the test should exhaust the stock"
    check_store(data_dir, acked, 60)


def test_sigkill_at_random_moments_loses_no_acknowledged_order(tmp_path):
    data_dir = make_data_dir(tmp_path / "data", stock=100_000)
    rng = random.Random(20261128)
    all_acked: list[tuple[str, str, int]] = []
    kills = 0
    while kills < 20:
        child = spawn(data_dir, threads=4, per_thread=10_000)
        lines = []
        # Wait for the first acknowledgement, then kill at a random moment in the write load. The
        # killed process's lock went with it (flock): were it left behind, this first answer would
        # be a refusal after the lock timeout (an ERR line), not an order.
        first = child.stdout.readline()
        assert first.startswith("OK"), first + child.stderr.read()[-2000:]
        lines.append(first)
        time.sleep(rng.uniform(0.0, 0.25))
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no chance to clean up either way
        out, _ = child.communicate(timeout=30)
        lines.extend(out.splitlines())
        kills += 1
        all_acked.extend(acknowledged(lines))
        check_store(data_dir, all_acked, 100_000)
    assert kills == 20 and len(all_acked) >= 20  # each kill came after at least one acknowledged order
    assert not list(data_dir.glob("orders.jsonl.corrupt-*")), "a record in the middle of the journal was damaged"
