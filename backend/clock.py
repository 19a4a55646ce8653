"""The one timestamp format: UTC, ISO 8601, whole seconds ("2025-12-04T11:30:00+00:00"), read from
an injectable clock (time.time by default) so that tests can fix the time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from typing import overload

IST = timezone(timedelta(hours=5, minutes=30))  # India Standard Time: the dates on invoices and credit notes


def utc_now(clock=time.time) -> datetime:
    """The clock's time as an aware UTC datetime."""
    return datetime.fromtimestamp(clock(), UTC)


@overload
def iso_utc(moment: float | datetime) -> str: ...
@overload
def iso_utc(moment: None) -> None: ...
@overload
def iso_utc(moment: float | datetime | None) -> str | None: ...
def iso_utc(moment: float | datetime | None) -> str | None:
    """A Unix timestamp or an aware datetime in the one format; None stays None."""
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def now_iso(clock=time.time) -> str:
    """The clock's time in the one format."""
    return iso_utc(clock())


def timestamp_of(iso: str) -> float:
    """The Unix timestamp of a stored ISO 8601 time (the inverse of iso_utc)."""
    return datetime.fromisoformat(iso).timestamp()
