"""The orjson provider answers the same JSON as Flask's own, and falls back to it for what orjson refuses."""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from backend.api.json_provider import OrjsonProvider


@dataclasses.dataclass
class Point:
    x: int
    y: str


VALUES = {
    "unicode": {"name": "आशा ₹1,299", "quote": 'a "b" \\ c\tnew\nline'},
    "order_kept": {"z": 1, "a": 2, "m": [3, 2, 1]},
    "decimal": {"price": Decimal("1299.50")},
    "dates": {
        "at": datetime.datetime(2026, 11, 29, 10, 0, tzinfo=datetime.UTC),
        "on": datetime.date(2026, 1, 2),
    },
    "dataclass": {"point": Point(1, "y")},
    "numbers": {"big": 2**70, "float": 0.1, "negative": -5, "none": None, "bool": True},
    "lone_surrogate": {"bad": "\ud800"},
}


@pytest.mark.parametrize("name", VALUES)
def test_same_json_as_flask_s_own_provider(name):
    ours, flasks = Flask("ours"), Flask("flasks")
    ours.json = OrjsonProvider(ours)
    flasks.json = DefaultJSONProvider(flasks)
    flasks.json.sort_keys = False
    with ours.app_context():
        answer = ours.json.response(VALUES[name])
    with flasks.app_context():
        expected = flasks.json.response(VALUES[name])
    assert answer.mimetype == "application/json" and answer.get_data().endswith(b"\n")
    assert json.loads(answer.get_data()) == json.loads(expected.get_data())
    assert list(json.loads(answer.get_data())) == list(VALUES[name])
