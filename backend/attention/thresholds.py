"""The thresholds of the "needs attention" list: how long an order may stay in a state before a
person is told (ATTENTION_HOURS overrides the defaults). Imports nothing of the app (the settings
check it)."""

from __future__ import annotations

from dataclasses import dataclass, field

HOUR = 3600.0
DAY = 24 * HOUR
# kind: hours before it is listed (the other kinds are listed at once)
DEFAULT_HOURS = {
    "qikink_on_hold": 24.0,
    "not_sent": 6.0,
    "stuck_ready_to_ship": 72.0,
    "stuck_in_transit": 7 * 24.0,
    "stuck_out_for_delivery": 48.0,
}


@dataclass(frozen=True)
class Thresholds:
    """Seconds an order may stay in a state before it is listed (ATTENTION_HOURS overrides)."""

    seconds: dict = field(default_factory=lambda: {kind: hours * HOUR for kind, hours in DEFAULT_HOURS.items()})

    @classmethod
    def parse(cls, text: str | None) -> Thresholds:
        """`on_hold=12,not_sent=3` (hours, decimals allowed; names with or without their prefix)."""
        seconds = cls().seconds
        for part in (text or "").split(","):
            if not part.strip():
                continue
            name, equals, value = part.partition("=")
            name = name.strip().lower()
            kind = next(
                (k for k in DEFAULT_HOURS if name in (k, k.removeprefix("qikink_"), k.removeprefix("stuck_"))), None
            )
            try:
                hours = float(value)
            except ValueError:
                hours = -1.0
            if not equals or kind is None or not 0 < hours <= 24 * 365:
                names = ", ".join(k.removeprefix("qikink_").removeprefix("stuck_") for k in DEFAULT_HOURS)
                raise ValueError(f"ATTENTION_HOURS: {part.strip()!r} is not <name>=<hours> with a name among {names}")
            seconds[kind] = hours * HOUR
        return cls(seconds)

    def of(self, kind: str) -> float:
        return self.seconds.get(kind, 0.0)
