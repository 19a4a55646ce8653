"""Forced token mints (issue 24): each one logs out every other process of the account and spends one
of Qikink's 30 calls a minute, so one goes while the account's last token is under a minute old, in
this process or any other sharing the call budget's window; the rest are refused at once, without
a call and without waiting. Qikink's HTTP answers come from `responses`, which counts the calls."""

import pytest

from backend.qikink import CallBudget, QikinkClient, QikinkConfig, QikinkRateLimited, QikinkUnavailable
from backend.qikink.budget import SAFETY_SECONDS, WINDOW_SECONDS
from backend.qikink.client import FORCED_MINT_SECONDS
from tests.qikink.conftest import BASE, CLIENT_ID, SECRET, token_answer


def client_on(budget, clock, **overrides):
    options = {"client_id": CLIENT_ID, "client_secret": SECRET, "base_url": BASE, "max_retries": 3, **overrides}
    return QikinkClient(QikinkConfig(**options), budget=budget, sleep=clock.sleep, clock=clock, jitter=lambda: 0.5)


def test_thirty_forced_mints_in_a_row_make_one_call_and_never_wait(mocked, clock):
    token = token_answer(mocked)
    client = client_on(CallBudget(30, clock=clock, sleep=clock.sleep), clock)
    client.authenticate(force=True, wait=False)
    refused = []
    for _ in range(29):
        clock.advance(1)
        with pytest.raises(QikinkRateLimited) as caught:
            client.authenticate(force=True, wait=False)
        refused.append(caught.value.retry_after)
    assert token.call_count == 1
    assert refused[0] == pytest.approx(FORCED_MINT_SECONDS - 1) and refused[-1] == pytest.approx(
        FORCED_MINT_SECONDS - 29
    )
    assert clock.sleeps == [], "a refused forced mint is never waited for"
    assert client.authenticate().token == "tok-1", "the token minted first is kept"
    clock.advance(FORCED_MINT_SECONDS - 29)
    client.authenticate(force=True, wait=False)
    assert token.call_count == 2


def test_a_forced_mint_is_refused_even_for_a_caller_that_would_wait_for_the_budget(mocked, clock):
    token = token_answer(mocked)
    client = client_on(CallBudget(30, clock=clock, sleep=clock.sleep), clock)
    client.authenticate(force=True)
    with pytest.raises(QikinkRateLimited):
        client.authenticate(force=True, wait=True)
    assert token.call_count == 1 and clock.sleeps == []


def test_an_unforced_mint_soon_after_is_not_limited(mocked, clock):
    """A token Qikink refused, or none cached, is minted again at once: only forcing is limited."""
    token = token_answer(mocked)
    client = client_on(CallBudget(30, clock=clock), clock)
    client.authenticate(force=True)
    client._tokens.invalidate("tok-1")
    client.authenticate()
    assert token.call_count == 2


def test_processes_sharing_the_budget_file_share_the_limit(mocked, clock, tmp_path):
    """Two servers on one data directory (or a fleet on PostgreSQL: the same window in a table)."""
    token = token_answer(mocked)
    path = tmp_path / "qikink-budget.json"
    first, second = (client_on(CallBudget(30, path=path, account=CLIENT_ID, clock=clock), clock) for _ in range(2))
    first.authenticate(force=True, wait=False)
    clock.advance(20)
    with pytest.raises(QikinkRateLimited) as caught:
        second.authenticate(force=True, wait=False)
    assert caught.value.retry_after == pytest.approx(FORCED_MINT_SECONDS - 20)
    assert second.last_mint_age() == pytest.approx(20)
    assert token.call_count == 1


def test_with_no_call_limit_forced_mints_are_still_spaced(mocked, clock):
    token = token_answer(mocked)
    client = client_on(CallBudget(0, clock=clock), clock)
    client.authenticate(force=True)
    with pytest.raises(QikinkRateLimited):
        client.authenticate(force=True)
    assert token.call_count == 1


def test_a_forced_mint_is_one_attempt(mocked, clock):
    """Its retry would be refused by its own first call: a failure is reported at once."""
    token = mocked.post(f"{BASE}/api/token", status=503, body="down")
    client = client_on(CallBudget(30, clock=clock), clock)
    with pytest.raises(QikinkUnavailable):
        client.authenticate(force=True, wait=False)
    assert token.call_count == 1 and clock.sleeps == []


def test_the_spacing_is_checked_and_taken_in_one_step(clock):
    budget = CallBudget(30, clock=clock, sleep=clock.sleep)
    budget.acquire("token", apart=60)
    with pytest.raises(QikinkRateLimited) as caught:
        budget.acquire("token", wait=True, apart=60)
    assert "0 s ago" in caught.value.message and clock.sleeps == []
    assert budget.since_last("token") == 0 and budget.since_last("create") is None
    clock.advance(60)
    budget.acquire("token", apart=60)
    clock.advance(WINDOW_SECONDS + SAFETY_SECONDS)
    assert budget.since_last("token") is None, "older calls have left the window"
