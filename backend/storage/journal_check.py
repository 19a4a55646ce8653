"""`python -m backend store check`: read the journal without changing it and report what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

from .journal import Record, scan, split_tail
from .journal_files import JOURNAL_NAME
from .journal_index import ORDER_ID, JournalIndex
from .order_fields import check_order


def check_data_dir(data_dir: Path, catalogue: dict) -> dict:
    """Counts and problems: damaged records, a torn tail, unusable orders, keys without an order,
    negative stock, files of the old layout not yet migrated. Changes nothing (no lock needed:
    the journal only grows, and a record being written now shows as a torn tail)."""
    path = Path(data_dir) / JOURNAL_NAME
    problems: list[str] = []
    if not path.exists():
        old = [name for name in ("state.json", "orders") if (Path(data_dir) / name).exists()]
        problems.append(f"{path} is missing" + (" (old layout: the server migrates it at start)" if old else ""))
        return {"journal": str(path), "problems": problems}
    data = path.read_bytes()
    records, corrupt, torn = split_tail(scan(data))
    for bad in corrupt:
        problems.append(f"bytes {bad.offset}-{bad.end}: {bad.problem}")
    if torn is not None:
        problems.append(f"torn tail at bytes {torn.offset}-{torn.end} ({torn.problem}): cut at the next start")
    index = JournalIndex(-1, 0)
    latest: dict[str, Record] = {}
    for record in records:
        index.apply(record)
        if record.meta.get(ORDER_ID):
            latest[record.meta[ORDER_ID]] = record
    for order_id, record in latest.items():
        raw = data[record.order_offset : record.order_offset + record.order_length]
        try:
            problem = check_order(json.loads(raw), order_id)
        except ValueError as exc:
            problem = f"unreadable ({exc})"
        if problem:
            problems.append(f"order {order_id} (bytes {record.offset}-{record.end}): {problem}")
    problems += [
        f"Idempotency-Key {h[:12]}… points at missing order {i}"
        for h, i in index.keys.items()
        if index.where(i) is None
    ]
    problems += [f"stock of {sku} is negative ({n})" for sku, n in index.stock.items() if n < 0]
    problems += [f"stock for {sku}, which the catalogue does not have" for sku in index.stock if sku not in catalogue]
    return {
        "journal": str(path),
        "bytes": len(data),
        "records": len(records),
        "orders": len(index.orders),
        "superseded_records": index.superseded(),
        "idempotency_keys": len(index.keys),
        "problems": problems,
    }
