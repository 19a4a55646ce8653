"""The delivery estimate shown with the prices ("Delivered by 9–14 Dec"), computed here and
nowhere else: today in India, plus Qikink's printing time in working days (Monday to Friday: the
print floor does not count weekends), plus the courier's transit time in calendar days.
Public holidays are not known to it; the range's upper end leaves room for them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .clock import IST

# Qikink's typical figures: printed and handed to the courier in 2-3 working days, then 3-7 days
# in transit within India (metros sooner, the north-east and islands later).
DEFAULT_PRINT_DAYS = (2, 3)
DEFAULT_TRANSIT_DAYS = (3, 7)


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days (Monday to Friday) after `start`; the start itself never counts."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


@dataclass(frozen=True)
class DeliveryEstimate:
    """DELIVERY_PRINT_DAYS and DELIVERY_TRANSIT_DAYS as (fewest, most); `clock` gives today."""

    print_days: tuple[int, int] = DEFAULT_PRINT_DAYS
    transit_days: tuple[int, int] = DEFAULT_TRANSIT_DAYS
    clock: Callable[[], float] = field(default=time.time, compare=False)

    @classmethod
    def from_config(cls, config) -> DeliveryEstimate:
        return cls(config.delivery_print_days, config.delivery_transit_days)

    def today(self) -> date:
        """Today's date in India, whatever the server's time zone."""
        return datetime.fromtimestamp(self.clock(), IST).date()

    def for_date(self, ordered: date) -> dict:
        """The earliest and latest delivery dates of an order placed on `ordered`, and the settings."""
        earliest = add_working_days(ordered, self.print_days[0]) + timedelta(days=self.transit_days[0])
        latest = add_working_days(ordered, self.print_days[1]) + timedelta(days=self.transit_days[1])
        return {
            "ordered_on": ordered.isoformat(),
            "earliest": earliest.isoformat(),
            "latest": latest.isoformat(),
            "print_days": {"min": self.print_days[0], "max": self.print_days[1]},
            "transit_days": {"min": self.transit_days[0], "max": self.transit_days[1]},
        }

    def public(self) -> dict:
        """The estimate for an order placed today, as GET /api/delivery-estimate answers it."""
        return self.for_date(self.today())
