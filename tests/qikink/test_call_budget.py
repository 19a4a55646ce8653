"""The account's budget of Qikink calls: the window, priorities, sharing by threads and processes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backend.qikink import CallBudget, QikinkRateLimited
from backend.qikink.budget import SAFETY_SECONDS, WINDOW_SECONDS
from tests.support import run_in_threads

ROOT = Path(__file__).resolve().parents[2]
WINDOW = WINDOW_SECONDS + SAFETY_SECONDS


def take_all(budget, kind):
    """Take calls of `kind` until the budget says no; how many went."""
    taken = 0
    while not budget.try_take(kind):
        taken += 1
    return taken


def test_a_call_waits_until_the_oldest_call_leaves_the_window(clock):
    budget = CallBudget(3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        budget.acquire("token")
        clock.advance(1)
    budget.acquire("token")
    assert clock.sleeps == [pytest.approx(WINDOW - 3)]


def test_without_waiting_a_spent_budget_raises_with_retry_after(clock):
    budget = CallBudget(3, clock=clock, sleep=clock.sleep)
    budget.acquire("create")
    clock.advance(10)
    budget.acquire("create")  # creates leave one call of the window for a token
    with pytest.raises(QikinkRateLimited) as caught:
        budget.acquire("create", wait=False)
    assert caught.value.retry_after == pytest.approx(WINDOW - 10)
    assert caught.value.transient and clock.sleeps == []
    budget.acquire("token", wait=False)


def test_tracking_leaves_room_for_new_orders_and_new_orders_for_a_token(clock):
    budget = CallBudget(30, clock=clock)
    assert take_all(budget, "tracking") == 27  # 30 - 1 for a token - 2 for new orders
    assert take_all(budget, "lookup") == 2
    assert take_all(budget, "create") == 0
    assert take_all(budget, "token") == 1
    usage = budget.usage()
    assert usage["last_minute"] == {"token": 1, "create": 0, "lookup": 2, "tracking": 27}
    assert usage["last_minute_total"] == 30 and usage["available_now"]["create"] == 0
    clock.advance(WINDOW)
    assert budget.usage()["last_minute_total"] == 0
    assert take_all(budget, "create") == 29


def test_the_create_reserve_is_a_setting(clock):
    assert take_all(CallBudget(30, clock=clock, create_reserve=0), "tracking") == 29
    assert take_all(CallBudget(30, clock=clock, create_reserve=20), "tracking") == 9


def test_threads_share_one_window(clock):
    budget = CallBudget(10, clock=clock)
    outcomes = []

    def worker():
        outcomes.append(budget.try_take("token") == 0)

    run_in_threads(worker, [()] * 25)
    assert outcomes.count(True) == 10 and outcomes.count(False) == 15


def test_budgets_on_one_file_share_one_window_per_account(tmp_path, clock):
    path = tmp_path / "qikink-budget.json"
    first, second = (CallBudget(30, path=path, account="acct", clock=clock) for _ in range(2))
    other_account = CallBudget(30, path=path, account="another", clock=clock)
    assert take_all(first, "create") == 29
    assert take_all(second, "create") == 0 and take_all(second, "token") == 1
    assert take_all(other_account, "create") == 29
    assert "acct" not in path.read_text(), "the file names accounts by a hash only"


def test_processes_on_one_data_directory_share_one_window(tmp_path):
    path = tmp_path / "qikink-budget.json"
    script = (
        "import sys, json; from backend.qikink import CallBudget;"
        "b = CallBudget(30, path=sys.argv[1], account='acct');"
        "print(json.dumps(sum(1 for _ in range(40) if b.try_take('create') == 0)))"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    taken = [json.loads(run.communicate(timeout=60)[0]) for run in runs]
    assert sum(taken) == 29, taken


def test_an_unreadable_file_starts_a_new_window(tmp_path, clock):
    path = tmp_path / "qikink-budget.json"
    path.write_text("{not json")
    budget = CallBudget(30, path=path, account="acct", clock=clock)
    assert take_all(budget, "create") == 29


def test_zero_means_no_limit(clock):
    budget = CallBudget(0, clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        budget.acquire("tracking", wait=False)
    assert budget.usage()["per_minute"] is None
