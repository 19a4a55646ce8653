"""The margin check: each part of a sale in Decimal rupees rounded to the paisa, the warning when a
price loses money or leaves less than the setting, the variant's own Qikink cost before the default."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backend.billing import load_gst_rules
from backend.catalogue.margin import FALLBACK_GST_RATE, MarginSettings, gst_rate, margin, variant_cost
from backend.config import Config
from tests.conftest import CATALOGUE

SETTINGS = MarginSettings(
    qikink_cost=Decimal("300"),
    shipping_cost=Decimal("65"),
    gateway_percent=Decimal("2"),
    warn_below_percent=Decimal("10"),
)


def test_every_part_of_a_sale_to_the_paisa():
    parts = margin(Decimal("1299"), SETTINGS, rate=Decimal("5"))
    # 1299 / 1.05 = 1237.142857… → taxable 1237.14, GST the rest: 61.86
    assert parts["gst"] == Decimal("61.86")
    assert parts["gateway_fee"] == Decimal("25.98")  # 2 % of 1299
    assert parts["gst_on_gateway_fee"] == Decimal("4.68")  # 18 % of 25.98 = 4.6764
    assert parts["qikink_cost"] == Decimal("300") and parts["qikink_cost_from"] == "settings"
    assert parts["margin"] == Decimal("1299") - Decimal("61.86") - 300 - 65 - Decimal("25.98") - Decimal("4.68")
    assert parts["margin"] == Decimal("841.48")
    assert parts["margin_percent"] == Decimal("64.8")
    assert parts["warning"] is None
    assert all(isinstance(value, Decimal) for key, value in parts.items() if key not in ("qikink_cost_from", "warning"))


def test_a_price_that_loses_money_is_a_warning_with_the_loss():
    parts = margin(Decimal("349"), SETTINGS, rate=Decimal("5"))
    # 349 − 16.62 GST − 300 − 65 − 6.98 fee − 1.26 GST on it = −40.86
    assert parts["margin"] == Decimal("-40.86")
    assert parts["warning"] == "Loses ₹40.86 on each sale"


def test_a_thin_margin_is_a_warning_with_the_threshold():
    parts = margin(Decimal("429"), SETTINGS, rate=Decimal("5"))
    assert Decimal("0") <= parts["margin"] and parts["margin_percent"] < 10
    assert parts["warning"].startswith("Thin margin: ") and "below 10 %" in parts["warning"]


def test_the_variants_own_qikink_cost_comes_first():
    assert variant_cost({"qikink": {"sku": "X", "cost": 245.5}}) == Decimal("245.50")
    assert variant_cost({"qikink": {"sku": "X"}}) is None and variant_cost({}) is None
    parts = margin(Decimal("999"), SETTINGS, rate=Decimal("5"), qikink_cost=Decimal("245.50"))
    assert parts["qikink_cost"] == Decimal("245.50") and parts["qikink_cost_from"] == "variant"


@pytest.mark.parametrize(
    ("price", "on", "rate"),
    [
        (Decimal("1299"), date(2025, 1, 1), Decimal("12")),  # above ₹1,000 before 22 Sep 2025
        (Decimal("1299"), date(2026, 1, 1), Decimal("5")),  # up to ₹2,500 since
        (Decimal("2999"), date(2026, 1, 1), Decimal("18")),
    ],
)
def test_the_gst_rate_is_the_catalogues(price, on, rate):
    rules = load_gst_rules(CATALOGUE)
    assert gst_rate(rules, "6109", price, on) == rate
    assert gst_rate(None, "6109", price, on) == FALLBACK_GST_RATE
    assert gst_rate(rules, "9999", price, on) == FALLBACK_GST_RATE


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("MARGIN_QIKINK_COST", "280.50")
    monkeypatch.setenv("MARGIN_WARN_PERCENT", "15")
    settings = MarginSettings.from_config(Config.from_env())
    assert settings.qikink_cost == Decimal("280.50") and settings.warn_below_percent == Decimal("15")
    assert settings.shipping_cost == Decimal("65") and settings.gateway_percent == Decimal("2")
