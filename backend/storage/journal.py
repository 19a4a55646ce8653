"""The order journal's file format: one record a line, checksummed, so a torn tail is detected.

    <crc32, 8 hex digits> <meta JSON>\t<order JSON>\n

`meta` says what the record changes (the order's id and index fields, stock, prices, sequences,
an Idempotency-Key); the order JSON after the tab is the whole order as it now is (empty when the
record changes no order). Compact JSON never holds a raw tab or newline, so both split points are
unambiguous, and the order's bytes can be read back on their own (offset, length) without parsing
the rest of the line. The CRC covers everything between the space and the newline.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from decimal import Decimal

from .atomic import dumps

CRC_WIDTH = 8


@dataclass(frozen=True)
class Record:
    """One whole, checksummed record: where it is and what it says."""

    offset: int  # of the line in the file
    end: int  # offset just past its newline
    meta: dict
    order_offset: int
    order_length: int


@dataclass(frozen=True)
class BadBytes:
    """Bytes that are not a whole record: `torn` when nothing valid follows them (a crash mid-append)."""

    offset: int
    end: int
    problem: str


def encode(meta: dict, order_json: bytes = b"") -> tuple[bytes, int]:
    """The line for one record, and where the order JSON starts within it."""
    head = dumps(meta) + b"\t"
    body = head + order_json
    return b"%08x " % zlib.crc32(body) + body + b"\n", CRC_WIDTH + 1 + len(head)


def _problem(line: bytes) -> str | None:
    if len(line) < CRC_WIDTH + 2 or line[CRC_WIDTH:CRC_WIDTH + 1] != b" ":
        return "not a journal record"
    try:
        expected = int(line[:CRC_WIDTH], 16)
    except ValueError:
        return "no checksum"
    if zlib.crc32(line[CRC_WIDTH + 1:]) != expected:
        return "checksum mismatch"
    return None


def scan(data: bytes, base: int = 0):
    """Every record and every stretch of bad bytes in `data` (which starts at file offset `base`),
    in file order. An unfinished last line is a BadBytes marked as such."""
    found: list[Record | BadBytes] = []
    pos, size = 0, len(data)
    find, loads = data.find, json.loads
    while pos < size:
        newline = find(b"\n", pos)
        if newline == -1:
            found.append(BadBytes(base + pos, base + size, "unfinished record (no newline)"))
            break
        line = data[pos:newline]
        problem = _problem(line)
        if problem is None:
            tab = line.find(b"\t")
            try:
                meta = loads(line[CRC_WIDTH + 1:tab]) if tab > 0 else None
            except ValueError:
                meta = None
            if isinstance(meta, dict):
                start = pos + tab + 1
                found.append(Record(base + pos, base + newline + 1, meta, base + start, newline - start))
                pos = newline + 1
                continue
            problem = "unreadable record"
        found.append(BadBytes(base + pos, base + newline + 1, problem))
        pos = newline + 1
    return found


def split_tail(found: list) -> tuple[list, list, BadBytes | None]:
    """(records, bad records followed by good ones, the torn tail or None)."""
    last_good = max((i for i, item in enumerate(found) if isinstance(item, Record)), default=-1)
    records = [item for item in found[:last_good + 1] if isinstance(item, Record)]
    corrupt = [item for item in found[:last_good + 1] if isinstance(item, BadBytes)]
    tail = found[last_good + 1:]
    torn = BadBytes(tail[0].offset, tail[-1].end, tail[0].problem) if tail else None
    return records, corrupt, torn


def price_text(price) -> str:
    return str(Decimal(str(price)))
