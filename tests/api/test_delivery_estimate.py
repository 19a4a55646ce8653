"""The delivery estimate: today in India, plus printing in working days (weekends skipped), plus
transit in calendar days; the settings' ranges and the date are injected."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from backend.config import Config, ConfigError
from backend.delivery_estimate import DeliveryEstimate, add_working_days

FRIDAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (FRIDAY, 0, FRIDAY),
        (FRIDAY, 1, date(2026, 12, 7)),  # Saturday and Sunday skipped: Monday
        (FRIDAY, 3, date(2026, 12, 9)),
        (date(2026, 12, 5), 1, date(2026, 12, 7)),  # ordered on a Saturday
        (date(2026, 12, 6), 2, date(2026, 12, 8)),  # ordered on a Sunday
        (date(2026, 12, 1), 3, date(2026, 12, 4)),  # Tuesday + 3 working days: Friday
        (date(2026, 12, 3), 5, date(2026, 12, 10)),  # a whole week, one weekend inside
    ],
)
def test_working_days_skip_weekends_and_never_count_the_start(start, days, expected):
    assert add_working_days(start, days) == expected


@pytest.mark.parametrize(
    ("ordered", "earliest", "latest"),
    [
        (FRIDAY, "2026-12-11", "2026-12-16"),  # printed Mon-Tue or by Wed; then 3-7 days
        (date(2026, 12, 1), "2026-12-06", "2026-12-11"),  # Tuesday: printed Thu-Fri; transit runs on weekends
        (date(2026, 12, 26), "2027-01-01", "2027-01-06"),  # across the new year
    ],
)
def test_the_default_estimate_is_2_to_3_working_days_then_3_to_7_days(ordered, earliest, latest):
    estimate = DeliveryEstimate().for_date(ordered)
    assert estimate == {
        "ordered_on": ordered.isoformat(),
        "earliest": earliest,
        "latest": latest,
        "print_days": {"min": 2, "max": 3},
        "transit_days": {"min": 3, "max": 7},
    }


def test_the_answer_uses_today_in_india_and_the_settings(client, app):
    shop = app.extensions["shop"]
    # 20:00 UTC on Friday 4 December is 01:30 on Saturday 5 December in India.
    late_friday = datetime(2026, 12, 4, 20, 0, tzinfo=UTC).timestamp()
    shop.delivery = replace(shop.delivery, clock=lambda: late_friday)
    answer = client.get("/api/delivery-estimate")
    assert answer.status_code == 200
    assert answer.get_json()["data"] == {
        "ordered_on": "2026-12-05",
        "earliest": "2026-12-11",  # printed Monday and Tuesday, then 3 days
        "latest": "2026-12-16",
        "print_days": {"min": 2, "max": 3},
        "transit_days": {"min": 3, "max": 7},
    }
    shop.delivery = replace(DeliveryEstimate((1, 1), (2, 4)), clock=lambda: late_friday)
    assert client.get("/api/delivery-estimate").get_json()["data"]["earliest"] == "2026-12-09"  # Mon + 2
    assert client.get("/api/delivery-estimate").get_json()["data"]["latest"] == "2026-12-11"


@pytest.mark.parametrize(
    ("env", "print_days", "transit_days"),
    [
        ({}, (2, 3), (3, 7)),
        ({"DELIVERY_PRINT_DAYS": "1-2", "DELIVERY_TRANSIT_DAYS": " 4 - 9 "}, (1, 2), (4, 9)),
        ({"DELIVERY_PRINT_DAYS": "3", "DELIVERY_TRANSIT_DAYS": "5–6"}, (3, 3), (5, 6)),
    ],
)
def test_the_settings_take_a_range_or_one_number(env, print_days, transit_days):
    config = Config.from_env({"QIKINK_ENV": "off", **env})
    assert (config.delivery_print_days, config.delivery_transit_days) == (print_days, transit_days)
    assert DeliveryEstimate.from_config(config).print_days == print_days


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("3-1", "DELIVERY_PRINT_DAYS: the first number of days (3) must not be more than the second (1)"),
        ("two", "DELIVERY_PRINT_DAYS must be a number of days or a range like 2-3"),
        ("-2", "DELIVERY_PRINT_DAYS must be a number of days or a range like 2-3"),
        ("2-3-4", "DELIVERY_PRINT_DAYS must be a number of days or a range like 2-3"),
    ],
)
def test_a_malformed_range_names_the_setting(raw, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        Config.from_env({"QIKINK_ENV": "off", "DELIVERY_PRINT_DAYS": raw})
