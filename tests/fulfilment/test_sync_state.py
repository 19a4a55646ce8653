"""SyncState: the typed view of order["sync"] keeps the stored JSON shape and the claim rules."""

from __future__ import annotations

import copy
import json

from backend.fulfilment.sync_state import SyncState

# Shapes found on stored orders, as earlier versions wrote them.
STORED = [
    {},
    {"claimed_by": "a" * 32, "claimed_until": 1_800_000_060.0},
    {
        "attempts": 3,
        "last_error": "Qikink is down",
        "last_attempt_at": "2026-11-29T10:00:00+00:00",
        "lookup_first": True,
        "next_attempt_at": 1_800_000_300.5,
    },
    {"synced_at": "2026-11-29T10:00:00+00:00", "last_polled_at": 1_800_000_000.0, "terminal": True},
]


def test_stored_shapes_read_back_unchanged():
    for data in STORED:
        order = {"sync": copy.deepcopy(data)}
        state = SyncState.of(order)
        assert state.as_dict() == data
        assert SyncState.from_dict(json.loads(json.dumps(state.as_dict()))).as_dict() == data
        SyncState.read(order)  # reading never writes
        assert order == {"sync": data}


def test_read_does_not_add_a_sync_object_but_of_does():
    order = {}
    assert SyncState.read(order).attempts == 0 and order == {}
    SyncState.of(order).last_error = "x"
    assert order == {"sync": {"last_error": "x"}}


def test_a_claim_is_live_until_it_expires_and_a_left_claim_means_look_up_first():
    order = {}
    sync = SyncState.of(order)
    assert not sync.is_claimed(100)
    sync.claim("t1", until=160)
    assert sync.is_claimed(159) and not sync.is_claimed(160) and sync.held_by("t1") and not sync.held_by("t2")
    assert not sync.lookup_first  # nothing tried before
    sync.claim("t2", until=300)  # t1's claim was left behind: it may have reached Qikink
    assert sync.lookup_first and sync.held_by("t2")
    sync.release()
    assert order["sync"] == {"lookup_first": True}


def test_failed_attempts_count_and_schedule_or_stop():
    order = {"sync": SyncState.new_claim("t", 60).as_dict()}
    sync = SyncState.of(order)
    assert sync.attempt_failed("timeout", "2026-11-29T10:00:00+00:00", retry_at=90.0) == 1
    assert order["sync"] == {
        "attempts": 1,
        "last_error": "timeout",
        "last_attempt_at": "2026-11-29T10:00:00+00:00",
        "lookup_first": True,
        "next_attempt_at": 90.0,
    }
    assert not sync.is_due(89) and sync.is_due(90)
    sync.claim("u", 200)
    assert sync.attempt_failed("refused", "2026-11-29T10:01:00+00:00", retry_at=None) == 2
    assert not sync.lookup_first and sync.next_attempt_at is None and sync.claimed_by is None


def test_synced_clears_the_claim_and_retry_state():
    order = {
        "sync": {
            "claimed_by": "t",
            "claimed_until": 60,
            "lookup_first": True,
            "attempts": 2,
            "last_error": "x",
            "next_attempt_at": 50,
        }
    }
    SyncState.of(order).synced("2026-11-29T10:00:00+00:00", 1000.0)
    assert order["sync"] == {"attempts": 2, "synced_at": "2026-11-29T10:00:00+00:00", "last_polled_at": 1000.0}


def test_schedule_retry_and_due_now():
    order = {"sync": {"claimed_by": "t", "claimed_until": 60, "lookup_first": True}}
    sync = SyncState.of(order)
    sync.schedule_retry(120.0, "waiting for the budget")
    assert order["sync"] == {"lookup_first": True, "next_attempt_at": 120.0, "last_error": "waiting for the budget"}
    sync.due_now()
    assert sync.is_due(0) and sync.lookup_first
