"""The one retry policy (backend/retry.py) and the one timestamp format (backend/clock.py)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from backend.clock import iso_utc, now_iso, timestamp_of, utc_now
from backend.retry import backoff_delay


@pytest.mark.parametrize(
    ("attempt", "jitter", "expected"),
    [
        (0, 0.0, 0.5),  # the lower end of the first ceiling (base 1): never an immediate retry
        (0, 1.0, 1.0),
        (1, 0.5, 1.5),  # ceiling 2
        (3, 0.0, 4.0),  # ceiling 8
        (4, 0.0, 5.0),  # 16 capped to 10
        (10_000, 1.0, 10.0),  # no overflow however many attempts
    ],
)
def test_capped_exponential_backoff_with_equal_jitter(attempt, jitter, expected):
    assert backoff_delay(attempt, base=1.0, cap=10.0, jitter=lambda: jitter) == expected


def test_retry_after_is_a_floor_and_can_be_bounded():
    assert backoff_delay(0, base=1.0, cap=10.0, retry_after=7.0, jitter=lambda: 0.0) == 7.0
    # a short Retry-After does not make the backoff shorter
    assert backoff_delay(3, base=1.0, cap=10.0, retry_after=1.0, jitter=lambda: 0.0) == 4.0
    assert backoff_delay(0, base=1.0, cap=10.0, retry_after=3600.0, max_retry_after=60.0, jitter=lambda: 0.0) == 60.0


def test_the_default_jitter_stays_in_the_upper_half():
    delays = {backoff_delay(2, base=1.0, cap=100.0) for _ in range(200)}
    assert all(2.0 <= d <= 4.0 for d in delays) and len(delays) > 1


def test_one_timestamp_format_from_an_injected_clock():
    assert now_iso(lambda: 1733304000.75) == "2024-12-04T09:20:00+00:00"
    assert iso_utc(1733304000) == "2024-12-04T09:20:00+00:00"
    ist = datetime(2024, 12, 4, 14, 50, 0, 123, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert iso_utc(ist) == "2024-12-04T09:20:00+00:00"
    assert iso_utc(None) is None
    assert utc_now(lambda: 0.0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert timestamp_of("2024-12-04T09:20:00+00:00") == 1733304000.0
