"""India Post's PIN code directory, offline: which state (and district) a PIN code belongs to.

The data (pincodes.tsv.gz, 19,586 PIN codes, 57 kB) is built from India Post's All India Pincode
Directory by scripts/build_pincodes.py, which says where it comes from and how to rebuild it. It
is read the first time it is needed (about 60 ms), then a look-up is a dictionary read.
"""

from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass
from pathlib import Path

from ..models import STATES

DIRECTORY = Path(__file__).with_name("pincodes.tsv.gz")

_lock = threading.Lock()
_table: dict[str, tuple[tuple[str, ...], str | None]] | None = None


@dataclass(frozen=True)
class Place:
    """Where a PIN code is: its states (full names; two for a few PIN codes on a border, none when
    the directory names none) and the district most of its post offices name."""

    pincode: str
    states: tuple[str, ...]
    district: str | None

    def allows(self, state: str) -> bool:
        return not self.states or state in self.states


def _load() -> dict:
    global _table
    with _lock:
        if _table is None:
            table = {}
            with gzip.open(DIRECTORY, "rt", encoding="utf-8") as file:
                for line in file:
                    pincode, codes, district = line.rstrip("\n").split("\t")
                    states = tuple(STATES[code] for code in codes.split(",") if code)
                    table[pincode] = (states, district or None)
            _table = table
        return _table


def lookup(pincode: str) -> Place | None:
    """The place of a six-digit PIN code, or None when India Post has no such PIN code."""
    found = (_table if _table is not None else _load()).get(pincode)
    return Place(pincode, *found) if found else None


def problems(address: dict) -> list[dict]:
    """Field errors of a structured address against the directory (empty when it agrees): a PIN
    code that does not exist, or a state the PIN code is not in."""
    place = lookup(address["pincode"])
    if place is None:
        return [
            {
                "field": "shipping_address.pincode",
                "message": f"PIN code {address['pincode']} does not exist in India Post's directory",
            }
        ]
    if not place.allows(address["state"]):
        where = " or ".join(place.states)
        return [
            {
                "field": "shipping_address.state",
                "message": f"PIN code {place.pincode} is in {where}, not {address['state']}",
                "expected": list(place.states),
            }
        ]
    return []
