"""Data directories with N orders already stored, made by the store's own code and cached.

Every seeded order goes through `OrderService.place` → `JournalOrderStore.create_order`, exactly as a
POST /api/orders does; its confirmation email is then recorded sent, as an older order's would be.
A seeded directory is kept under bench/.cache (git-ignored) and each run works on a copy of it
(the journal copied, the catalogue hard-linked), so the cached copy is never changed by a run.

    .venv/bin/python -m bench.seed DIR COUNT [--fsync]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
STOCK = 1_000_000_000
COMPLETE_MARKER = ".seed-complete.json"

sys.path.insert(0, str(ROOT))

ADDRESS = {
    "name": "Asha Verma",
    "line1": "12 MG Road",
    "line2": "",
    "city": "Mumbai",
    "state": "Maharashtra",
    "pincode": "400001",
    "phone": "9876543210",
    "country": "IN",
}


def order_body(n: int = 0) -> dict:
    """A valid POST /api/orders body (prices from the committed catalogue)."""
    return {
        "customer_email": f"bench{n % 1000}@example.com",
        "shipping_address": dict(ADDRESS),
        "payment_method": "prepaid",
        "items": [{"sku": "BHRT-001-M", "quantity": 1, "price": 1299}],
    }


def make_data_dir(path: Path, stock: int = STOCK) -> Path:
    """A data directory holding the real catalogue with every stock set to `stock`."""
    from tests.conftest import make_data_dir as make

    return make(Path(path), stock=stock)


SEED_FORMAT = "3"  # bump when the order file layout changes, so that old seeds are not reused


def _code_version() -> str:
    """Seeds are reused while the catalogue and the order file layout are unchanged."""
    digest = hashlib.sha256(SEED_FORMAT.encode())
    digest.update((ROOT / "data" / "products.json").read_bytes())
    return digest.hexdigest()[:12]


def seed(data_dir: Path, count: int, *, fsync: bool = False) -> None:
    """Store `count` orders in `data_dir` through the order service and the file store.

    Without `fsync` the seeding process skips os.fsync (one os.sync at the end instead): the files
    are byte for byte what the store writes, only ~5x sooner. The measured server always fsyncs.
    """
    from backend.config import Config
    from backend.customer_email import EmailSender
    from backend.orders.service import OrderService
    from backend.storage import JournalOrderStore, load_catalogue

    if not fsync:
        os.fsync = lambda fd: None  # this seeding process only; never the server under test
    make_data_dir(data_dir)
    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    service = OrderService(store)
    for n in range(count):
        service.place(order_body(n))
    # A shop's earlier orders had their confirmation emails sent long ago: record them sent through
    # the outbox's own code (else the server under test would start with `count` emails to send),
    # then compact, so that each order is one record again, as in a shop's compacted journal.
    sender = EmailSender(Config(app_env="test", qikink_env="off"), store, _Discard())
    sender.catch_up()
    sender.run_pass()
    store.compact()
    if not fsync and hasattr(os, "sync"):
        os.sync()


class _Discard:
    """An email transport that drops what it is given (the seeded orders' emails went long ago)."""

    claim_before_send = False

    def send(self, message) -> None:
        pass


def _seed_in_subprocess(target: Path, count: int, fsync: bool) -> None:
    args = [sys.executable, "-m", "bench.seed", str(target), str(count)] + (["--fsync"] if fsync else [])
    subprocess.run(args, cwd=ROOT, check=True, timeout=3600)


def cached_seed(count: int, *, fsync: bool = False, log=print) -> Path:
    """The cached directory with `count` orders, seeding it first when missing."""
    target = CACHE / f"seed-{count}-{_code_version()}"
    marker = target / COMPLETE_MARKER
    if marker.exists():
        return target
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    log(f"seeding {count:,} orders through JournalOrderStore.create_order into {target} (cached for later runs)")
    began = time.monotonic()
    _seed_in_subprocess(target, count, fsync)
    marker.write_text(json.dumps({"orders": count, "seconds": round(time.monotonic() - began, 1), "fsync": fsync}))
    log(f"  seeded in {time.monotonic() - began:.0f}s")
    return target


def working_copy(seeded: Path, destination: Path) -> Path:
    """A copy of a seeded directory that a run may write to: the journal, which the store appends
    to, is copied; the rest (never rewritten in place) is hard-linked."""

    def link(source, target):
        if Path(source).name == "orders.jsonl":
            shutil.copyfile(source, target)
        else:
            os.link(source, target)

    ignore = shutil.ignore_patterns(COMPLETE_MARKER, ".store.lock", ".worker.lock", "*.tmp")
    shutil.copytree(seeded, destination, copy_function=link, ignore=ignore)
    return destination


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--fsync", action="store_true", help="fsync every seeded write too (slower)")
    args = parser.parse_args(argv)
    seed(args.data_dir, args.count, fsync=args.fsync)
    return 0


if __name__ == "__main__":
    sys.exit(main())
