"""The journal's files: reading one order back, keeping bad bytes aside, writing a compacted journal."""
from __future__ import annotations

import json
import os
import secrets
import time
from collections import defaultdict
from pathlib import Path

from .atomic import TEMP_SUFFIX, fsync_dir, replace_file
from .journal import encode

JOURNAL_NAME = "orders.jsonl"


def read_order(fd: int, offset: int, length: int) -> dict:
    """One order's JSON, read from the journal at (offset, length); ValueError if it is not an object."""
    data = os.pread(fd, length, offset)
    if len(data) != length:
        raise ValueError("the journal is shorter than its index says")
    order = json.loads(data)
    if not isinstance(order, dict):
        raise ValueError("not a JSON object")
    return order


def quarantine_bytes(journal: Path, data: bytes, label: str, *, stamped: bool = True) -> str:
    """Keep bytes cut from (or unreadable in) the journal as `orders.jsonl.<label>[-<time>]`; never
    deleted. Unstamped, the same bytes seen again (at every start) are kept once."""
    stamp = f"-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}" if stamped else ""
    target = journal.with_name(f"{journal.name}.{label}{stamp}")
    counter = 1
    while target.exists():
        if not stamped and target.read_bytes() == data:
            return target.name
        target = journal.with_name(f"{journal.name}.{label}{stamp}-{counter}")
        counter += 1
    with open(target, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return target.name


def write_compacted(journal: Path, index, stock: dict) -> None:
    """Replace `journal` by one record for stock, prices and sequences, then one per order (its
    latest version, with its Idempotency-Keys), oldest first: temp file, fsync, os.replace."""
    keys = defaultdict(list)
    for key_hash, order_id in index.keys.items():
        keys[order_id].append(key_hash)
    temp = journal.with_name(f".{journal.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        with open(temp, "xb") as out:
            header = {"stock": stock, "price": dict(index.prices), "seq": index.last_order_seq,
                      "seqs": dict(index.sequences), "compacted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            out.write(encode(header)[0])
            for number in index.numbers:
                order_id = f"BHRT-{number}"
                status, qikink_status, email = index.fields(number)
                meta = {"id": order_id, "s": status, "q": qikink_status, "e": email}
                for key_hash in keys.get(order_id, ()):
                    meta["k"] = key_hash  # an order has at most one key; a second would need its own record
                offset, length = index.where(order_id)
                out.write(encode(meta, os.pread(index.fd, length, offset))[0])
            out.flush()
            os.fsync(out.fileno())
        replace_file(temp, journal)
    except BaseException:
        try:
            temp.unlink()
        except OSError:
            pass
        raise
    fsync_dir(journal.parent)
