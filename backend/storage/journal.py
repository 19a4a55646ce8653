"""The order journal's file format: one record a line, checksummed, so a torn tail is detected.

    <crc32, 8 hex digits> <meta JSON>\t<order JSON>\n

`meta` says what the record changes (the order's id and index fields, stock, prices, sequences,
an Idempotency-Key); the order JSON after the tab is the whole order as it now is (empty when the
record changes no order). Compact JSON never holds a raw tab or newline, so both split points are
unambiguous, and the order's bytes can be read back on their own (offset, length) without parsing
the rest of the line. The CRC covers everything between the space and the newline.
"""

from __future__ import annotations

import os
import threading
import zlib
from decimal import Decimal
from typing import NamedTuple

from .atomic import dumps, loads

CRC_WIDTH = 8

if hasattr(os, "pread"):
    pread = os.pread
else:  # Windows has no pread: seek and read under a lock (the fd is shared by threads)
    _seek_lock = threading.Lock()

    def pread(fd: int, length: int, offset: int) -> bytes:
        with _seek_lock:
            os.lseek(fd, offset, os.SEEK_SET)
            return os.read(fd, length)


class Record(NamedTuple):
    """One whole, checksummed record: where it is and what it says (a tuple: made 100,000 times at start)."""

    offset: int  # of the line in the file
    end: int  # offset just past its newline
    meta: dict
    order_offset: int
    order_length: int


class BadBytes(NamedTuple):
    """Bytes that are not a whole record: `torn` when nothing valid follows them (a crash mid-append)."""

    offset: int
    end: int
    problem: str
    data: bytes = b""


def encode(meta: dict, order_json: bytes = b"") -> tuple[bytes, int]:
    """The line for one record, and where the order JSON starts within it."""
    head = dumps(meta) + b"\t"
    body = head + order_json
    return b"%08x " % zlib.crc32(body) + body + b"\n", CRC_WIDTH + 1 + len(head)


def _problem(line: bytes) -> str | None:
    if len(line) < CRC_WIDTH + 2 or line[CRC_WIDTH : CRC_WIDTH + 1] != b" ":
        return "not a journal record"
    try:
        expected = int(line[:CRC_WIDTH], 16)
    except ValueError:
        return "no checksum"
    if zlib.crc32(line[CRC_WIDTH + 1 :]) != expected:
        return "checksum mismatch"
    return None


def scan(data: bytes, base: int = 0) -> list:
    """Every record and every stretch of bad bytes in `data` (which starts at file offset `base`),
    in file order. An unfinished last line is a BadBytes marked as such. The metas of a chunk are
    parsed in one json.loads (100,000 records at start: per-line calls would cost twice as long)."""
    found: list = []
    lines = data.split(b"\n")
    unfinished = lines.pop()  # b"" when `data` ends with a newline
    good, metas, pos = [], [], 0
    crc32 = zlib.crc32
    for line in lines:
        end = pos + len(line) + 1
        tab = line.find(b"\t")
        try:
            ok = tab > CRC_WIDTH and line[CRC_WIDTH] == 32 and crc32(line[CRC_WIDTH + 1 :]) == int(line[:CRC_WIDTH], 16)
        except ValueError:
            ok = False
        if ok:
            good.append(len(found))
            metas.append(line[CRC_WIDTH + 1 : tab])
            found.append((base + pos, base + end, None, base + pos + tab + 1, len(line) - tab - 1))
        else:
            found.append(BadBytes(base + pos, base + end, _problem(line) or "unreadable record", line + b"\n"))
        pos = end
    if metas:
        try:
            parsed = loads(b"[" + b",".join(metas) + b"]")
            if len(parsed) != len(metas):
                raise ValueError("a meta is not one JSON value")
        except ValueError:
            parsed = [_loads_or_none(meta) for meta in metas]
        for slot, meta in zip(good, parsed, strict=False):
            offset, end, _, order_offset, order_length = found[slot]
            if isinstance(meta, dict):
                found[slot] = Record(offset, end, meta, order_offset, order_length)
            else:
                found[slot] = BadBytes(offset, end, "unreadable record", data[offset - base : end - base])
    if unfinished:
        found.append(BadBytes(base + pos, base + len(data), "unfinished record (no newline)", unfinished))
    return found


def _loads_or_none(meta: bytes):
    try:
        return loads(meta)
    except ValueError:
        return None


def read_records(fd: int, start: int, end: int, chunk: int = 8 << 20):
    """Every record and stretch of bad bytes between `start` and `end` of the file open as `fd`,
    read a chunk at a time (the journal may be larger than the memory it is worth using)."""
    offset, carry = start, b""
    while offset < end:
        piece = pread(fd, min(chunk, end - offset), offset)
        if not piece:
            break
        data, base = carry + piece, offset - len(carry)
        offset += len(piece)
        if offset >= end:
            carry = data
            break
        last = data.rfind(b"\n") + 1
        yield from scan(data[:last], base)
        carry = data[last:]
    if carry:
        yield from scan(carry, offset - len(carry))


def split_tail(found: list) -> tuple[list, list, BadBytes | None]:
    """(records, bad records followed by good ones, the torn tail or None)."""
    last_good = max((i for i, item in enumerate(found) if isinstance(item, Record)), default=-1)
    records = [item for item in found[: last_good + 1] if isinstance(item, Record)]
    corrupt = [item for item in found[: last_good + 1] if isinstance(item, BadBytes)]
    tail = found[last_good + 1 :]
    torn = BadBytes(tail[0].offset, tail[-1].end, tail[0].problem, b"".join(b.data for b in tail)) if tail else None
    return records, corrupt, torn


def price_text(price) -> str:
    return str(Decimal(str(price)))
