"""Cancelling an order (issue 15): at once before Qikink has it, with its stock back exactly once
(also after a crash); the send claim decides between a cancel and a send in flight; after Qikink
accepted it, `cancel_requested` until polling sees Qikink's cancellation; refused once packed."""

from __future__ import annotations

import threading
import time

import pytest

from backend.errors import NotFound, OrderBusy
from backend.fulfilment.sync_state import SyncState
from backend.orders.service import OrderService
from backend.storage import JournalOrderStore, MemoryOrderStore, load_catalogue
from tests.conftest import CATALOGUE, order_body
from tests.emulated_shop import (
    ADMIN_KEY,
    REMOTE,
    cancel,
    counters,
    fulfilment_of,
    inject,
    number,
    place,
    qikink_client,
    set_status,
    stored,
)
from tests.support import EmulatorControl, requests_post

SKU = "BHRT-001-M"


class Clock:
    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def stock(store, sku=SKU):
    return store.products()[sku]["stock_quantity"]


@pytest.fixture
def memory_store():
    return MemoryOrderStore(load_catalogue(CATALOGUE))


# --- the service, before Qikink has the order ----------------------------------------------------
def test_a_pending_order_is_cancelled_at_once_and_its_stock_comes_back_once(memory_store):
    service = OrderService(memory_store)
    before = stock(memory_store)
    order = service.place(order_body())[0]
    assert stock(memory_store) == before - 2
    cancelled = service.cancel(order["order_id"], email="ASHA@example.com")
    assert (cancelled["status"], cancelled["qikink_status"]) == ("cancelled", "not_sent")
    assert cancelled["events"][-1]["event"] == "cancelled"
    assert stock(memory_store) == before
    again = service.cancel(order["order_id"], admin=True)
    assert again == cancelled and stock(memory_store) == before, "cancelling twice answers the same state"


def test_an_order_waiting_for_an_address_or_refused_by_qikink_can_be_cancelled(memory_store):
    service = OrderService(memory_store)
    waiting = service.place(order_body(shipping_address="12 MG Road, Mumbai 400001"))[0]
    assert service.cancel(waiting["order_id"], admin=True)["status"] == "cancelled"
    refused = service.place(order_body())[0]
    memory_store.update_order(refused["order_id"], lambda o: o.update(qikink_status="sync_failed"))
    assert service.cancel(refused["order_id"], email="asha@example.com")["status"] == "cancelled"


def test_the_wrong_email_or_none_is_a_404_and_changes_nothing(memory_store):
    service = OrderService(memory_store)
    order = service.place(order_body())[0]
    before = stock(memory_store)
    for email in (None, "", "someone@example.com"):
        with pytest.raises(NotFound):
            service.cancel(order["order_id"], email=email)
    with pytest.raises(NotFound):
        service.cancel("BHRT-1", admin=True)
    assert memory_store.get_order(order["order_id"]) == order and stock(memory_store) == before


def test_a_live_claim_makes_cancel_wait_then_answer_a_retryable_409(memory_store):
    clock = Clock()
    service = OrderService(memory_store, clock=clock, sleep=clock.sleep, cancel_wait=2.0)
    order = service.place(order_body(), sync_claim=SyncState.new_claim("sender", clock() + 60).as_dict())[0]
    before = stock(memory_store)
    with pytest.raises(OrderBusy) as busy:
        service.cancel(order["order_id"], admin=True)
    assert busy.value.status == 409 and busy.value.headers["Retry-After"]
    assert 2.0 <= clock.now - 1_800_000_000.0 < 2.5, "waited for the sender, briefly"
    assert memory_store.get_order(order["order_id"])["status"] == "pending" and stock(memory_store) == before


def test_cancel_waits_for_a_send_in_flight_and_follows_its_outcome(memory_store):
    service = OrderService(memory_store, cancel_wait=60.0)  # the send ends in 0.3 s: the wait only bounds a failure
    order = service.place(order_body(), sync_claim=SyncState.new_claim("sender", 9e9).as_dict())[0]
    order_id = order["order_id"]

    def sender_records_acceptance():
        def accepted(o):
            o.update(qikink_status="synced", status="confirmed", qikink_shipment_id="901")
            SyncState.of(o).synced("2026-11-29T10:00:00+00:00", 0)

        memory_store.update_order(order_id, accepted)

    timer = threading.Timer(0.3, sender_records_acceptance)
    timer.start()
    outcome = service.cancel(order_id, admin=True)
    timer.join()
    assert outcome["status"] == "cancel_requested", "the send won: Qikink has it, so only its dashboard can cancel"
    assert "Qikink's dashboard" in outcome["qikink_message"]


def test_a_sender_cannot_claim_a_cancelled_order(data_dir, emu, fulfilments):
    from backend.fulfilment import Fulfilment
    from tests.emulated_shop import settings

    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    order_id = OrderService(store).place(order_body())[0]["order_id"]
    OrderService(store).cancel(order_id, admin=True)
    fulfilment = Fulfilment(settings(data_dir, emu.url), store, qikink_client(emu.url))
    fulfilments.append(fulfilment)
    token, _ = fulfilment.sender.claim(order_id, force=True)
    assert token is None
    report = fulfilment.run_pass(force=True)
    assert report["pushed"] == 0 and report["still_pending"] == 0
    assert counters(emu)["create_attempts"] == {}


@pytest.fixture
def fulfilments():
    made = []
    yield made
    for fulfilment in made:
        fulfilment.close()


# --- a crash halfway -----------------------------------------------------------------------------
def test_a_crash_mid_write_of_the_cancellation_gives_stock_back_exactly_once(data_dir):
    catalogue = load_catalogue(data_dir / "products.json")
    store = JournalOrderStore(data_dir, catalogue)
    order = OrderService(store).place(order_body())[0]
    before = stock(store)
    journal = data_dir / "orders.jsonl"
    placed = journal.read_bytes()
    OrderService(store).cancel(order["order_id"], admin=True)
    whole = journal.read_bytes()
    journal.write_bytes(whole[: len(placed) + (len(whole) - len(placed)) // 2])  # as a kill -9 mid-append
    restarted = JournalOrderStore(data_dir, catalogue)
    assert restarted.get_order(order["order_id"])["status"] == "pending"
    assert stock(restarted) == before, "the cancellation never landed: no stock came back"
    OrderService(restarted).cancel(order["order_id"], admin=True)
    OrderService(restarted).cancel(order["order_id"], admin=True)
    assert stock(restarted) == before + 2


def test_a_crash_after_the_order_write_keeps_the_cancellation_and_its_stock(data_dir):
    catalogue = load_catalogue(data_dir / "products.json")
    store = JournalOrderStore(data_dir, catalogue)
    order = OrderService(store).place(order_body())[0]
    before = stock(store)
    OrderService(store).cancel(order["order_id"], admin=True)  # then the process dies
    restarted = JournalOrderStore(data_dir, catalogue)
    assert restarted.get_order(order["order_id"])["status"] == "cancelled"
    assert stock(restarted) == before + 2
    OrderService(restarted).cancel(order["order_id"], admin=True)
    assert stock(restarted) == before + 2


# --- over HTTP, against the emulator -------------------------------------------------------------


def test_the_customer_cancels_an_order_qikink_does_not_have_yet(shop, emu):
    inject(emu, "503")
    order = place(shop).json["data"]
    assert order["qikink_status"] == "sync_pending"
    answer = cancel(shop, order["order_id"], "?email=asha@example.com", environ_base=REMOTE)
    assert answer.status_code == 200, answer.json
    assert answer.json["message"] == "Order cancelled"
    assert answer.json["data"]["status"] == "cancelled" and "sync" not in answer.json["data"]
    admin_view = shop.test_client().get(f"/api/orders/{order['order_id']}").json["data"]  # this machine: admin
    assert admin_view["sync"]["attempts"] >= 1 and admin_view["sync"]["next_attempt_at"] is None, "never sent now"
    emu_calls = counters(emu)["create_attempts"]
    fulfilment_of(shop).run_pass(force=True)
    assert counters(emu)["create_attempts"] == emu_calls, "a cancelled order is never sent"
    assert (
        cancel(shop, order["order_id"], "?email=asha@example.com", environ_base=REMOTE).json["data"]
        == answer.json["data"]
    )


def test_after_qikink_accepted_it_is_cancel_requested_until_qikink_cancels_it(shop, emu):
    order = place(shop).json["data"]
    assert order["qikink_status"] == "synced"
    before = shop.extensions["shop"].store.products()[SKU]["stock_quantity"]
    refused = cancel(shop, order["order_id"], "?email=asha@example.com", environ_base=REMOTE)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "not_cancellable"
    answer = cancel(shop, order["order_id"])  # admin: loopback, no key set
    assert answer.status_code == 200
    assert answer.json["data"]["status"] == "cancel_requested"
    assert "cancel it in Qikink's dashboard" in answer.json["message"]
    assert cancel(shop, order["order_id"]).json["data"]["status"] == "cancel_requested"
    set_status(emu, order["qikink_shipment_id"], "Printed")  # still at Qikink, not yet cancelled there
    fulfilment_of(shop).run_pass(force=True)
    assert stored(shop, order["order_id"])["status"] == "cancel_requested"
    cancelled_there = requests_post(f"{emu.url}/_emulator/orders/{order['qikink_shipment_id']}/cancel")
    assert cancelled_there["number"].startswith("Cancelled_")
    fulfilment_of(shop).run_pass(force=True)
    after = stored(shop, order["order_id"])
    assert after["status"] == "cancelled" and after["qikink_message"] is None
    assert shop.extensions["shop"].store.products()[SKU]["stock_quantity"] == before + 2


def test_a_requested_cancellation_qikink_ships_anyway_says_so(shop, emu):
    order = place(shop).json["data"]
    cancel(shop, order["order_id"])
    set_status(emu, order["qikink_shipment_id"], "Manifested")
    fulfilment_of(shop).run_pass(force=True)
    after = stored(shop, order["order_id"])
    assert after["status"] == "ready_to_ship" and "before it was cancelled" in after["qikink_message"]


def test_once_packed_for_shipping_cancel_is_refused_with_the_reason(shop, emu):
    order = place(shop).json["data"]
    set_status(emu, order["qikink_shipment_id"], "Manifested")
    fulfilment_of(shop).run_pass(force=True)
    assert stored(shop, order["order_id"])["status"] == "ready_to_ship"
    answer = cancel(shop, order["order_id"])
    assert answer.status_code == 409 and answer.json["status"] == "error"
    assert answer.json["error"]["code"] == "not_cancellable" and "ready_to_ship" in answer.json["error"]["message"]
    assert stored(shop, order["order_id"])["status"] == "ready_to_ship"


def test_with_an_admin_key_a_stranger_needs_the_key_or_the_email(make_shop, emu):
    app = make_shop(emu.url, client=qikink_client(emu.url), admin_api_key=ADMIN_KEY)
    order = place(app).json["data"]
    assert cancel(app, order["order_id"], environ_base=REMOTE).status_code == 404
    keyed = cancel(app, order["order_id"], headers={"Authorization": f"Bearer {ADMIN_KEY}"}, environ_base=REMOTE)
    assert keyed.status_code == 200 and keyed.json["data"]["status"] == "cancel_requested"


@pytest.mark.parametrize("qikink", ["accepts", "fails"])
def test_a_cancel_during_a_real_send_waits_for_it_and_never_both(shop, emu, qikink):
    """The order request's push holds the claim while Qikink is slow (here: slower than our read
    timeout, so the push's outcome is unknown); the cancel waits for the claim, then for Qikink to
    finish what it may still be taking, then asks Qikink: it has it → cancel_requested (created
    once); it has not → cancelled, and never sent afterwards."""
    inject(emu, "latency" if qikink == "accepts" else "hang", seconds=1.0)
    store = shop.extensions["shop"].store
    shop.extensions["shop"].orders.cancellation.unknown_outcome_grace = 1.5
    answers = {}
    placing = threading.Thread(target=lambda: answers.setdefault("placed", place(shop)))
    placing.start()
    deadline = time.monotonic() + 30
    while not store.order_ids() and time.monotonic() < deadline:
        time.sleep(0.01)
    (order_id,) = store.order_ids()
    assert SyncState.read(store.get_order(order_id)).is_claimed(time.time()), "the push holds the claim"
    cancelled = cancel(shop, order_id)
    placing.join(30)
    assert cancelled.status_code == 200, cancelled.json
    if qikink == "accepts":
        assert cancelled.json["data"]["status"] == "cancel_requested"
        assert counters(emu)["created"] == {number(order_id): 1}
    else:
        EmulatorControl(emu.url).clear_faults()
        assert cancelled.json["data"]["status"] == "cancelled"
        fulfilment_of(shop).run_pass(force=True)
        assert counters(emu)["created"] == {}
        assert stored(shop, order_id)["qikink_status"] == "not_sent"


@pytest.mark.parametrize("qikink", ["took it", "never had it"])
def test_a_cancel_qikink_cannot_decide_now_is_pending_then_carried_out(shop, emu, qikink):
    """An earlier send's outcome is unknown (its answer was lost) and Qikink cannot be asked: the
    customer's cancel answers 202 `cancel_pending` (no "try again later"), the order is never sent
    meanwhile, and once Qikink answers the upkeep pass carries it out: not there → cancelled with
    its stock back; there → cancel_requested for Qikink's dashboard, created once."""
    store = shop.extensions["shop"].store
    cancellation = shop.extensions["shop"].orders.cancellation
    cancellation.wait, cancellation.unknown_outcome_grace = 0.3, 0.0
    before = stock(store)
    # The create's answer is lost (Qikink took it) or the connection dropped before it (it did not),
    # and the push's own look-up fails too: the outcome stays unknown.
    inject(emu, "lose_answer" if qikink == "took it" else "drop", count=1)
    inject(emu, "503", paths=["/api/order"])
    order_id = place(shop).json["data"]["order_id"]
    assert SyncState.read(stored(shop, order_id)).lookup_first
    inject(emu, "503", paths=None)  # Qikink down: nobody can ask it
    answer = cancel(shop, order_id, "?email=asha@example.com", environ_base=REMOTE)
    assert answer.status_code == 202, answer.json
    assert answer.json["data"]["status"] == "cancel_pending" and answer.json["data"]["actions"] == []
    assert "not sent meanwhile" in answer.json["message"]
    again = cancel(shop, order_id, "?email=asha@example.com", environ_base=REMOTE)
    assert again.status_code == 202 and again.json["data"] == answer.json["data"]
    created = counters(emu)["created"]
    fulfilment_of(shop).run_pass(force=True)
    assert shop.extensions["shop"].upkeep.run_pass()["cancels_decided"] == 0  # still down
    assert counters(emu)["created"] == created, "a pending cancel is never sent"
    assert stored(shop, order_id)["status"] == "cancel_pending"

    EmulatorControl(emu.url).clear_faults()
    fulfilment_of(shop).run_pass(force=True)  # an admin's "Sync now" while it is pending: not sent
    fulfilment_of(shop).order_changed(stored(shop, order_id))
    assert stored(shop, order_id)["status"] == "cancel_pending"
    assert counters(emu)["created"] == created
    assert shop.extensions["shop"].upkeep.run_pass()["cancels_decided"] == 1
    assert shop.extensions["shop"].upkeep.run_pass()["cancels_decided"] == 0
    order = stored(shop, order_id)
    if qikink == "took it":
        assert (order["status"], order["qikink_status"]) == ("cancel_requested", "synced")
        assert counters(emu)["created"] == {number(order_id): 1}
        assert stock(store) == before - 2
    else:
        assert (order["status"], order["qikink_status"]) == ("cancelled", "not_sent")
        fulfilment_of(shop).run_pass(force=True)
        assert counters(emu)["created"] == {}
        assert stock(store) == before
        assert [e["kind"] for e in order["emails"]] == ["confirmation", "cancelled"]
