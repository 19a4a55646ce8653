"""The order lifecycle (backend/orders/lifecycle.py): the statuses, what each allows, how an order moves.

Tables, read as rules: each row is one case a page or a worker depends on."""

from datetime import datetime

import pytest

from backend.orders import lifecycle
from backend.orders.lifecycle import HAPPY_PATH, is_forward


def order(status="pending", qikink_status="sync_pending", **more):
    return {"status": status, "qikink_status": qikink_status, **more}


def test_stored_values_are_plain_strings():
    """The enums are strs: what is stored (JSON, PostgreSQL) and compared with text is unchanged."""
    assert lifecycle.OrderStatus.CANCEL_REQUESTED == "cancel_requested"
    assert lifecycle.ORDER_STATUSES[:3] == ("awaiting_payment", "awaiting_confirmation", "pending")
    assert "not_sent" in lifecycle.QIKINK_STATUSES and lifecycle.ACTIONS == (
        "cancel",
        "edit",
        "pay",
        "confirm",
        "resend_confirmation",
        "exchange_size",
        "reship",
    )
    assert all(type(value) is str for value in lifecycle.ORDER_STATUSES)


@pytest.mark.parametrize(
    "old, new, forward",
    [
        ("pending", "confirmed", True),
        ("confirmed", "processing", True),
        ("processing", "in_transit", True),
        ("in_transit", "processing", False),
        ("delivered", "in_transit", False),
        ("delivered", "delivered", False),
        ("delivered", "cancelled", False),
        ("processing", "cancelled", True),
        ("confirmed", "on_hold", True),
        ("on_hold", "processing", True),
        ("in_transit", "on_hold", False),
        ("out_for_delivery", "exception", True),
        ("exception", "out_for_delivery", True),
        ("exception", "delivered", True),
        ("exception", "processing", False),
        ("in_transit", "rto_initiated", True),
        ("rto_initiated", "returned", True),
        ("rto_initiated", "in_transit", False),
        ("processing", "action_required", True),
        ("action_required", "processing", True),
        ("returned", "delivered", False),
        ("processing", "mystery", False),
    ],
)
def test_is_forward(old, new, forward):
    assert is_forward(old, new) is forward


def test_happy_path_is_strictly_forward():
    for earlier, later in zip(HAPPY_PATH, HAPPY_PATH[1:], strict=False):
        assert is_forward(earlier, later) and not is_forward(later, earlier)


@pytest.mark.parametrize(
    "status, qikink_status, customer, admin",
    [
        ("pending", "sync_pending", ["cancel"], ["cancel", "edit"]),
        ("action_required", "action_required", ["cancel"], ["cancel", "edit"]),
        ("pending", "sync_failed", ["cancel"], ["cancel", "edit"]),
        ("confirmed", "synced", [], ["cancel"]),
        ("processing", "synced", [], ["cancel"]),
        ("on_hold", "synced", [], ["cancel"]),
        ("ready_to_ship", "synced", [], []),
        ("in_transit", "synced", [], []),
        ("delivered", "synced", [], ["exchange_size"]),
        ("exception", "synced", [], []),
        ("rto_initiated", "synced", [], ["reship"]),
        ("returned", "synced", [], ["reship"]),
        ("cancel_requested", "synced", [], []),
        ("cancelled", "not_sent", [], []),
        ("cancelled", "synced", [], []),
    ],
)
def test_what_a_customer_and_staff_may_do(status, qikink_status, customer, admin):
    """A customer cancels while Qikink does not have the order; staff until it is packed, and
    correct it while Qikink has not accepted it."""
    assert lifecycle.actions(order(status, qikink_status), admin=False) == customer
    assert lifecycle.actions(order(status, qikink_status), admin=True) == admin


@pytest.mark.parametrize(
    "qikink_status, queued, at_qikink, waits, not_there",
    [
        ("sync_pending", True, False, False, True),
        ("action_required", False, False, True, True),
        ("sync_failed", False, False, True, True),
        ("synced", False, True, False, False),
        ("not_sent", False, False, False, False),
    ],
)
def test_where_an_order_is_with_qikink(qikink_status, queued, at_qikink, waits, not_there):
    o = order("pending", qikink_status)
    assert lifecycle.is_queued(o) is queued
    assert lifecycle.is_at_qikink(o) is at_qikink
    assert lifecycle.waits_for_admin(o) is waits
    assert lifecycle.not_at_qikink(o) is not_there


@pytest.mark.parametrize("status", ["delivered", "returned", "cancelled"])
def test_final_statuses_go_nowhere(status):
    assert lifecycle.is_final(order(status))
    assert not any(is_forward(status, new) for new in lifecycle.ORDER_STATUSES)


def test_a_new_order_is_queued_or_waits_for_an_address_or_its_payment():
    assert lifecycle.start(sendable=True) == {
        "status": "pending",
        "qikink_status": "sync_pending",
        "payment_status": "not_required",
    }
    assert lifecycle.start(sendable=False, paid=True) == {
        "status": "action_required",
        "qikink_status": "action_required",
        "payment_status": "paid",
    }
    assert lifecycle.start(sendable=True, awaiting_payment=True) == {
        "status": "awaiting_payment",
        "qikink_status": "not_sent",
        "payment_status": "awaiting_payment",
    }


def test_an_order_awaiting_payment_may_be_paid_or_cancelled_but_not_edited_or_sent():
    o = lifecycle.start(sendable=True, awaiting_payment=True)
    assert lifecycle.actions(o, admin=False) == ["cancel", "pay"]
    assert lifecycle.actions(o, admin=True) == ["cancel", "pay"]
    assert not lifecycle.is_queued(o) and not lifecycle.may_edit(o) and lifecycle.not_at_qikink(o)


@pytest.mark.parametrize(
    "sendable, status, qikink_status",
    [(True, "pending", "sync_pending"), (False, "action_required", "action_required")],
)
def test_paid_once_then_queued_to_be_sent(sendable, status, qikink_status):
    o = lifecycle.start(sendable=sendable, awaiting_payment=True)
    assert lifecycle.paid(o, sendable=sendable) is True
    assert (o["status"], o["qikink_status"], o["payment_status"]) == (status, qikink_status, "paid")
    assert lifecycle.paid(o, sendable=sendable) is False  # a second capture changes nothing
    assert lifecycle.is_paid(o)


def test_an_expired_order_is_cancelled_never_sent_and_cannot_be_paid_any_more():
    o = lifecycle.start(sendable=True, awaiting_payment=True)
    lifecycle.expire(o)
    assert (o["status"], o["qikink_status"], o["payment_status"]) == ("cancelled", "not_sent", "expired")
    assert lifecycle.paid(o, sendable=True) is False and o["status"] == "cancelled"
    assert lifecycle.actions(o, admin=True) == []


def test_sent_confirms_a_pending_order():
    o = order("pending", "sync_pending")
    assert lifecycle.sent(o) is False
    assert o == order("confirmed", "synced")


def test_sent_after_a_cancel_becomes_a_request_for_qikinks_dashboard():
    """A send that outlived its claim reached Qikink after the customer cancelled."""
    o = order("cancelled", "not_sent")
    assert lifecycle.sent(o) is True
    assert o == order("cancel_requested", "synced")


def test_refused_waits_for_an_admin_but_a_cancelled_order_stays_cancelled():
    o = order("pending", "sync_pending")
    lifecycle.refused(o)
    assert o["qikink_status"] == "sync_failed"
    cancelled = order("cancelled", "not_sent")
    lifecycle.refused(cancelled)
    assert cancelled == order("cancelled", "not_sent")


def test_an_admin_retries_only_a_refused_order():
    refused = order("pending", "sync_failed")
    assert lifecycle.retry_refused(refused) and refused["qikink_status"] == "sync_pending"
    synced = order("confirmed", "synced")
    assert not lifecycle.retry_refused(synced) and synced["qikink_status"] == "synced"


def test_corrected_orders_are_queued_again():
    o = order("action_required", "action_required")
    lifecycle.requeue(o)
    assert o == order("pending", "sync_pending")


def test_cancelling_an_unsent_order_means_it_is_never_sent():
    o = order("pending", "sync_pending")
    lifecycle.cancel_unsent(o)
    assert o == order("cancelled", "not_sent")
    assert lifecycle.is_cancelled(o) and lifecycle.is_cancelling(o)
    assert lifecycle.actions(o, admin=True) == []


@pytest.mark.parametrize(
    "reports, status, remembered",
    [
        # Qikink still works on it: the order stays requested, remembering how far Qikink got.
        (["processing"], "cancel_requested", "processing"),
        # Qikink cancels it in its dashboard.
        (["processing", "cancelled"], "cancelled", None),
        # Too late: Qikink packed it, so the order follows Qikink.
        (["ready_to_ship"], "ready_to_ship", None),
        (["processing", "in_transit"], "in_transit", None),
        # A late, older answer changes nothing.
        (["processing", "confirmed"], "cancel_requested", "processing"),
    ],
)
def test_a_requested_cancel_follows_what_qikink_reports(reports, status, remembered):
    o = order("confirmed", "synced")
    lifecycle.request_cancel(o)
    assert o["status"] == "cancel_requested" and o["cancel_requested_from"] == "confirmed"
    for report in reports:
        lifecycle.qikink_reported(o, report)
    assert o["status"] == status
    assert o.get("cancel_requested_from") == remembered


@pytest.mark.parametrize(
    "old, new, news, status",
    [
        ("confirmed", "processing", True, "processing"),
        ("processing", "processing", False, "processing"),
        ("in_transit", "processing", False, "in_transit"),
        ("delivered", "cancelled", False, "delivered"),
        ("processing", "cancelled", True, "cancelled"),
    ],
)
def test_qikinks_reports_move_an_order_forward_only(old, new, news, status):
    o = order(old, "synced")
    assert lifecycle.qikink_reported(o, new) is news
    assert o["status"] == status


def test_a_returned_order_is_reshipped_only_within_the_days_qikink_keeps_it():
    returned = order("returned", "synced")
    returned["events"] = [{"event": "returned", "timestamp": "2026-01-01T00:00:00+00:00"}]
    back = datetime.fromisoformat("2026-01-01T00:00:00+00:00").timestamp()
    day = 86400
    assert lifecycle.actions(returned, admin=True, now=back + 99 * day) == ["reship"]
    assert lifecycle.actions(returned, admin=True, now=back + 101 * day) == []
    assert "more than 100 days" in lifecycle.replacement_problem(returned, "reship", back + 101 * day)
    assert "needs it delivered" in lifecycle.replacement_problem(returned, "exchange_size", back)
    assert lifecycle.is_replacement({"replacement_of": "BHRT-1"}) and not lifecycle.is_replacement(returned)
