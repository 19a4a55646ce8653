"""The journal's files: reading one order back, keeping bad bytes aside, writing a compacted journal."""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import time
from collections import defaultdict
from pathlib import Path

from .atomic import TEMP_SUFFIX, fsync_dir, loads, replace_file
from .journal import BadBytes, Record, encode, pread

JOURNAL_NAME = "orders.jsonl"


def read_order(fd: int, offset: int, length: int) -> dict:
    """One order's JSON, read from the journal at (offset, length); ValueError if it is not an object."""
    data = pread(fd, length, offset)
    if len(data) != length:
        raise ValueError("the journal is shorter than its index says")
    order = loads(data)
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
            header = {
                "journal": secrets.token_hex(8),
                "stock": stock,
                "price": dict(index.prices),
                "seq": index.last_order_seq,
                "seqs": dict(index.sequences),
                "compacted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            out.write(encode(header)[0])
            for number in index.numbers:
                order_id = f"BHRT-{number}"
                status, qikink_status, email = index.fields(number)
                meta = {"id": order_id, "s": status, "q": qikink_status, "e": email}
                if number in index.outbox:
                    meta["w"] = 1  # webhook events still to fan out (journal_index.OUTBOX)
                for key_hash in keys.get(order_id, ()):
                    meta["k"] = key_hash  # an order has at most one key; a second would need its own record
                offset, length = index.where(order_id)
                out.write(encode(meta, pread(index.fd, length, offset))[0])
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


def copy_journal(fd: int, end: int, target: Path) -> None:
    """Copy the first `end` bytes of the journal open as `fd` to `target` (temp file, fsync, rename)."""
    temp = target.with_name(f".{target.name}.tmp")
    with open(temp, "wb") as out:
        offset = 0
        while offset < end:
            chunk = pread(fd, min(1 << 20, end - offset), offset)
            if not chunk:
                raise OSError(errno.EIO, "the journal is shorter than expected")
            out.write(chunk)
            offset += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, target)


def write_backup(fd: int, end: int, destination: Path, catalogue_file: Path) -> None:
    """The journal's first `end` bytes (open as `fd`; closed here) and the catalogue, into `destination`."""
    try:
        copy_journal(fd, end, destination / JOURNAL_NAME)
    finally:
        os.close(fd)
    shutil.copyfile(catalogue_file, destination / "products.json")
    fsync_dir(destination)


def create_journal(path: Path) -> None:
    """A new journal starts with a record of its own (its id), so an emptied file is never taken for a new shop."""
    temp = path.with_name(f".{path.name}.new{TEMP_SUFFIX}")
    with open(temp, "wb") as handle:
        handle.write(
            encode({"journal": secrets.token_hex(8), "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})[
                0
            ]
        )
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    fsync_dir(path.parent)


def apply_records(index, found) -> tuple[list, BadBytes | None]:
    """Apply every record of `found` to `index`; (bad stretches with records after them, the torn tail or None)."""
    corrupt: list[BadBytes] = []
    pending: list = []
    apply = index.apply
    for item in found:
        if type(item) is Record:
            if pending:
                corrupt.extend(pending)
                pending = []
            apply(item)
        else:
            pending.append(item)
    torn = (
        BadBytes(pending[0].offset, pending[-1].end, pending[0].problem, b"".join(b.data for b in pending))
        if pending
        else None
    )
    return corrupt, torn


MIN_FREE_BYTES = 1024 * 1024


def writable_problem(path: Path) -> str | None:
    """Why the journal at `path` cannot take a write now (not writable, disk full), or None."""
    if not os.access(path, os.W_OK):
        return f"{path} is not writable"
    try:
        if shutil.disk_usage(path.parent).free < MIN_FREE_BYTES:
            return "the disk is full"
    except OSError as exc:
        return str(exc.strerror or exc)
    return None
