"""Reading the per-order-file layout of earlier versions (`state.json`, `orders/<id>.json`,
`idempotency/<sha256>.json`), and moving such a data directory to the journal at first start.

Nothing is deleted: after the journal is written and fsynced, the old files are moved, as they
were, into `<data>/before-journal-<time>/`. A crash in between leaves either the old layout (the
next start migrates again) or the journal with the old files beside it (moved aside then)."""

from __future__ import annotations

import logging
import os
import secrets
import time
from decimal import Decimal
from pathlib import Path

from .atomic import CorruptFile, dumps, fsync_dir, read_json, write_json
from .errors import StoreStartupError
from .journal import encode, price_text
from .journal_index import order_meta
from .order_fields import check_order, is_order_id, order_number

log = logging.getLogger(__name__)

OLD_LAYOUT = ("state.json", "orders", "idempotency")
JOURNAL_NAME = "orders.jsonl"


def read_directory_state(source: Path, catalogue: dict) -> dict:
    """A per-order-file directory's stock, prices, keys, sequence and order file names, with the
    stock of interrupted writes given back (an intent whose order file is absent returns its
    stock, as that layout's recovery did). The orders are read later, one at a time."""
    state_path = source / "state.json"
    try:
        state = read_json(state_path, dict, decimals=True) if state_path.exists() else {}
    except (OSError, CorruptFile) as exc:
        raise StoreStartupError(
            f"State file {state_path} is unreadable ({exc}). It holds stock levels and the "
            "order number sequence; restore it from a backup (nothing was changed)."
        ) from None
    names = []
    if (source / "orders").is_dir():
        with os.scandir(source / "orders") as entries:
            names = sorted(e.name for e in entries if e.name.endswith(".json") and is_order_id(e.name[:-5]))
    present = {name[:-5] for name in names}
    stock = {sku: int(state.get("stock", {}).get(sku, product["stock_quantity"])) for sku, product in catalogue.items()}
    for order_id, taken in (state.get("intents") or {}).items():
        if order_id not in present:
            for sku, quantity in taken.items():
                if sku in stock:
                    stock[sku] += int(quantity)
    keys, skipped = [], []
    for path in sorted((source / "idempotency").glob("*.json")):
        try:
            record = read_json(path, dict)
        except (OSError, CorruptFile) as exc:
            skipped.append(f"idempotency/{path.name}: {exc}")
            continue
        if record.get("order_id") in present:
            keys.append((path.stem, record["order_id"], record["order_id"]))
    sequences = {name: int(value) for name, value in (state.get("sequences") or {}).items()}
    for order_id, change in (state.get("changes") or {}).items():  # a change whose order write never landed
        if not _carries_token(source / "orders" / f"{order_id}.json", change.get("token")):
            for sku, quantity in (change.get("stock") or {}).items():
                if sku in stock:
                    stock[sku] -= int(quantity)
            for name, (before, after) in (change.get("numbers") or {}).items():
                if sequences.get(name) == after:
                    sequences[name] = before
    prices = {sku: Decimal(str(price)) for sku, price in (state.get("prices") or {}).items() if sku in catalogue}
    last_seq = max([int(state.get("last_order_seq", 0))] + [order_number(name[:-5]) for name in names])
    return {
        "names": names,
        "stock": stock,
        "prices": prices,
        "keys": keys,
        "last_seq": last_seq,
        "skipped": skipped,
        "sequences": sequences,
    }


def _carries_token(path: Path, token) -> bool:
    try:
        return read_json(path, dict).get("txn") == token
    except (OSError, CorruptFile):
        return False


def read_orders(orders_dir: Path, names, skipped: list):
    """The usable orders among `names`, one at a time; the problem of each other one goes to `skipped`."""
    for name in names:
        try:
            order = read_json(orders_dir / name, dict)
        except (OSError, CorruptFile) as exc:
            skipped.append(f"orders/{name}: {exc}")
            continue
        problem = check_order(order, name[:-5])
        if problem:
            skipped.append(f"orders/{name}: {problem}")
            continue
        yield order


def _move_old_layout_aside(data_dir: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    aside, counter = data_dir / f"before-journal-{stamp}", 1
    while aside.exists():
        aside, counter = data_dir / f"before-journal-{stamp}-{counter}", counter + 1
    aside.mkdir()
    for name in OLD_LAYOUT:
        if (data_dir / name).exists():
            os.replace(data_dir / name, aside / name)
    fsync_dir(data_dir)
    return aside


def migrate_if_needed(data_dir: Path, catalogue: dict) -> list[dict]:
    """Under the store's lock: turn an old per-order-file directory into `orders.jsonl`. Returns
    the files that could not be carried over (corrupt or unusable: kept in the folder set aside)."""
    journal = data_dir / JOURNAL_NAME
    if not any((data_dir / name).exists() for name in OLD_LAYOUT):
        return []
    if journal.exists():  # a migration that crashed after writing the journal
        aside = _move_old_layout_aside(data_dir)
        log.warning("Moved files of the old layout left beside the journal to %s", aside)
        return []
    data = read_directory_state(data_dir, catalogue)
    keys = {order_id: key_hash for key_hash, order_id, _ in data["keys"]}
    skipped = list(data["skipped"])
    temp = data_dir / f".{JOURNAL_NAME}.migrating.tmp"
    count = 0
    with open(temp, "wb") as out:
        out.write(
            encode(
                {
                    "journal": secrets.token_hex(8),
                    "stock": data["stock"],
                    "price": {s: price_text(p) for s, p in data["prices"].items()},
                    "seq": data["last_seq"],
                    "seqs": data["sequences"],
                    "migrated_from": "per-order files",
                }
            )[0]
        )
        for order in read_orders(data_dir / "orders", data["names"], skipped):
            meta = order_meta(order)
            if order["order_id"] in keys:
                meta["k"] = keys[order["order_id"]]
            out.write(encode(meta, dumps(order))[0])
            count += 1
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, journal)
    fsync_dir(data_dir)
    aside = _move_old_layout_aside(data_dir)
    log.warning(
        "Migrated %d orders from per-order files to %s; the old files are in %s (%d not carried over)",
        count,
        journal,
        aside,
        len(skipped),
    )
    write_json(aside / "MIGRATED.json", {"orders": count, "journal": str(journal), "not_carried_over": skipped})
    return [
        {
            "file": f"{aside.name}/{problem.split(':', 1)[0]}",
            "problem": problem.split(": ", 1)[-1],
            "moved_to": f"{aside.name}/{problem.split(':', 1)[0]}",
        }
        for problem in skipped
    ]
