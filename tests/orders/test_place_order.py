"""OrderService.place_order without Flask: the answer, the dispatcher's part, idempotent replay."""

from __future__ import annotations

import threading

import pytest

from backend.errors import IdempotencyConflict, ValidationError
from backend.orders.service import OrderService
from backend.storage import MemoryOrderStore, load_catalogue
from tests.conftest import CATALOGUE, order_body


class RecordingDispatcher:
    """A dispatcher that "sends" every order it is pushed and remembers each call."""

    def __init__(self, *, block: threading.Event | None = None):
        self.claims, self.pushed, self.changed = [], [], []
        self.block = block
        self.pushing = threading.Event()

    def new_claim(self):
        claim = {"claimed_by": f"token-{len(self.claims)}", "claimed_until": 9e9}
        self.claims.append(claim)
        return claim

    def push_new(self, order, claim=None):
        self.pushed.append((order["order_id"], (order.get("sync") or {}).get("claimed_by"), claim))
        self.pushing.set()
        if self.block is not None:
            assert self.block.wait(30)
        return {**order, "qikink_status": "synced", "status": "confirmed", "qikink_shipment_id": "900"}

    def order_changed(self, order):
        self.changed.append(order["order_id"])


class Clock:
    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@pytest.fixture
def store():
    return MemoryOrderStore(load_catalogue(CATALOGUE))


def stock(store, sku="BHRT-001-M"):
    return store.products()[sku]["stock_quantity"]


def test_a_new_order_is_saved_with_its_claim_pushed_once_and_answered_201(store):
    dispatcher = RecordingDispatcher()
    before = stock(store)
    outcome = OrderService(store, dispatcher=dispatcher).place_order(order_body(), "key-1")
    assert outcome.created and outcome.status == 201
    assert outcome.body["status"] == "success"
    assert outcome.body["message"] == "Order created successfully and synced with Qikink"
    assert outcome.body["qikink_integration"]["status"] == "success"
    assert outcome.body["data"]["order_id"] == outcome.order["order_id"]
    # The claim went into the saved order, and the push used the same claim: no second write.
    assert dispatcher.pushed == [(outcome.order["order_id"], "token-0", dispatcher.claims[0])]
    assert stock(store) == before - 2


def test_without_a_dispatcher_the_order_stays_pending(store):
    outcome = OrderService(store).place_order(order_body())
    assert outcome.created and outcome.status == 201
    assert outcome.order["qikink_status"] == "sync_pending" and "sync" not in outcome.order
    assert outcome.body["qikink_integration"]["status"] == "pending"
    assert outcome.body["message"] == "Order created successfully (Qikink sync pending)"


def test_a_replay_answers_the_first_answer_and_changes_nothing(store):
    dispatcher = RecordingDispatcher()
    service = OrderService(store, dispatcher=dispatcher)
    first = service.place_order(order_body(), "key-1")
    before = stock(store)
    again = service.place_order(order_body(), "key-1")
    assert not again.created
    assert (again.status, again.body) == (first.status, first.body)
    assert again.order["order_id"] == first.order["order_id"]
    assert len(dispatcher.pushed) == 1 and stock(store) == before
    assert store.order_ids() == [first.order["order_id"]]


def test_the_same_key_with_another_body_is_a_conflict_and_changes_nothing(store):
    service = OrderService(store, dispatcher=RecordingDispatcher())
    service.place_order(order_body(), "key-1")
    before = stock(store)
    with pytest.raises(IdempotencyConflict) as refused:
        service.place_order(order_body(payment_method="cod"), "key-1")
    assert "order_id" not in refused.value.details[0]  # names no order (the key may be another customer's)
    assert stock(store) == before and len(store.order_ids()) == 1


def test_a_bad_key_is_refused_before_anything_is_saved(store):
    dispatcher = RecordingDispatcher()
    with pytest.raises(ValidationError):
        OrderService(store, dispatcher=dispatcher).place_order(order_body(), "bad key\n")
    assert store.order_ids() == [] and dispatcher.pushed == []


def test_a_replay_while_the_first_request_is_still_pushing_waits_for_its_answer(store):
    release = threading.Event()
    dispatcher = RecordingDispatcher(block=release)
    service = OrderService(store, dispatcher=dispatcher)
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault("first", service.place_order(order_body(), "key-1")))
    first.start()
    assert dispatcher.pushing.wait(30)
    second = threading.Thread(target=lambda: answers.setdefault("second", service.place_order(order_body(), "key-1")))
    second.start()
    second.join(0.3)
    assert second.is_alive(), "the replay answered before the first request had its answer"
    release.set()
    first.join(30), second.join(30)
    assert answers["first"].created and not answers["second"].created
    assert answers["second"].body == answers["first"].body
    assert answers["second"].body["qikink_integration"]["status"] == "success"
    assert len(dispatcher.pushed) == 1


def test_a_replay_after_the_first_request_died_answers_from_the_stored_order(store):
    clock = Clock()
    service = OrderService(store, clock=clock, sleep=clock.sleep)
    order, created = service.place(order_body(), "key-1")  # saved, then the process died: no answer kept
    assert created
    outcome = service.place_order(order_body(), "key-1")
    assert not outcome.created and outcome.status == 201
    assert outcome.body["data"]["order_id"] == order["order_id"]
    assert outcome.body["qikink_integration"]["status"] == "pending"
    assert clock.now - 1_800_000_000.0 <= 10.5  # waited at most the replay wait, on the fake clock


def test_an_edit_tells_the_dispatcher(store):
    dispatcher = RecordingDispatcher()
    service = OrderService(store, dispatcher=dispatcher)
    order = service.place(order_body(shipping_address="12 MG Road, Mumbai 400001, Maharashtra"))[0]
    assert order["qikink_status"] == "action_required"
    edited = service.edit(order["order_id"], {"shipping_address": order_body()["shipping_address"]})
    assert edited["qikink_status"] == "sync_pending"
    assert dispatcher.changed == [order["order_id"]]
