"""Every fault kind of the emulator, against the client over real HTTP.

The client's read timeout is 0.4 s, so "hang" (0.8 s) times out; backoff sleeps are recorded.
"""

import pytest

from backend.qikink import QikinkClient, QikinkConfig, QikinkUnavailable
from backend.qikink.mapping import to_qikink_order
from qikink_emulator import FAULT_KINDS, EmulatorServer
from tests.qikink.conftest import CLIENT_ID, SECRET
from tests.qikink.qikink_samples import BLANK_PRODUCT, our_order
from tests.support import EmulatorControl

CREATE = "/api/order/create"
RECOVERED_BY_RESEND = {"hang", "500", "503", "html", "error_body", "drop"}


def inject(emu, kind, count=None, fraction=None, paths=None):
    seconds = 0.8 if kind == "hang" else 0.05
    spec = {"kind": kind, "seconds": seconds, "paths": paths}
    spec.update({"count": count} if count is not None else {"fraction": fraction})
    EmulatorControl(emu.url).fault(**spec)


def counters(emu):
    return EmulatorControl(emu.url).counters()


def payload(order_id="BHRT-1733304000"):
    return to_qikink_order(our_order(order_id=order_id), {"BHRT-001-M": BLANK_PRODUCT})


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_one_fault_on_create(emu, emu_client, kind):
    emu_client.authenticate()
    inject(emu, kind, count=1, paths=CREATE)
    result = emu_client.create_order(payload())
    seen = counters(emu)
    assert seen["created"] == {"BHRT1733304000": 1}, "never two orders for one number"
    if kind == "latency":
        assert result["existing"] is False and emu_client.sleeps == []
    elif kind == "lose_answer":
        # Accepted but the answer was lost: found by the lookup, not resent.
        assert result["existing"] is True and emu_client.sleeps == []
        assert seen["create_attempts"] == {"BHRT1733304000": 1}
    else:
        # Lookup found nothing, so the create was resent once after a backoff.
        assert result["existing"] is False and len(emu_client.sleeps) == 1
    assert int(result["order_id"]) == 40000001


@pytest.mark.parametrize("kind", sorted(RECOVERED_BY_RESEND))
def test_persistent_fault_on_create_gives_up_without_creating(emu, emu_client, kind):
    emu_client.authenticate()
    inject(emu, kind, count=100, paths=CREATE)
    with pytest.raises(QikinkUnavailable) as caught:
        emu_client.create_order(payload())
    assert caught.value.transient and caught.value.call == f"POST {CREATE}"
    assert counters(emu)["total_created"] == 0
    assert len(emu_client.sleeps) == 3  # max_retries resends, each after a lookup


def test_persistent_lost_answers_still_create_once(emu, emu_client):
    inject(emu, "lose_answer", count=100, paths=CREATE)
    result = emu_client.create_order(payload())
    assert result["existing"] is True
    assert counters(emu)["created"] == {"BHRT1733304000": 1}


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_two_faults_on_read_are_retried(emu, emu_client, kind):
    order_id = emu_client.create_order(payload())["order_id"]
    inject(emu, kind, count=2, paths="/api/order")
    assert emu_client.get_order(order_id)["order_id"] == int(order_id)
    assert len(emu_client.sleeps) == (0 if kind == "latency" else 2)


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_one_fault_on_token_is_retried(emu, emu_client, kind):
    inject(emu, kind, count=1, paths="/api/token")
    assert emu_client.authenticate().token
    minted = counters(emu)["tokens_minted"]
    assert minted == (2 if kind == "lose_answer" else 1)


def test_a_fraction_of_faults_never_duplicates_orders():
    with EmulatorServer(step_seconds=0, rate_limit_per_minute=0, seed=3) as server:
        client = QikinkClient(
            QikinkConfig(
                CLIENT_ID, SECRET, base_url=server.url, read_timeout=0.4, rate_limit_per_minute=0, max_retries=6
            ),
            sleep=lambda s: None,
        )
        for kind in ("500", "drop", "lose_answer", "html"):
            inject(server, kind, fraction=0.1)
        results = [client.create_order(payload(f"BHRT-{n}")) for n in range(15)]
        seen = server.store.counters()
    assert seen["faults_injected"] > 0
    assert seen["created"] == {f"BHRT{n}": 1 for n in range(15)}
    assert len({r["order_id"] for r in results}) == 15
