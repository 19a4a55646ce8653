"""The JSON-file order store: every change is one checksummed JSON line appended to
`<data>/orders.jsonl`, fsynced once per group-committed batch; the journal is the truth, and an
in-memory index (rebuilt from it at start) says where each order is. See README, "Storage"."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from .atomic import remove_temp_files
from .errors import ProductMissing, StoreStartupError, StoreUnavailable
from .group_commit import GroupCommit, PendingChange, PendingCreate
from .interface import BuildOrder, MutateOnly, MutateOrder, OrderMatcher
from .journal import Record, encode, price_text, read_records
from .journal_batch import BatchWriter
from .journal_checkpoint import CHECKPOINT_EVERY, CHECKPOINT_NAME, journal_id_of, load_checkpoint, write_checkpoint
from .journal_files import (
    JOURNAL_NAME,
    apply_records,
    create_journal,
    quarantine_bytes,
    read_order,
    writable_problem,
    write_backup,
    write_compacted,
)
from .journal_index import JournalIndex
from .journal_transaction import write_failed as _write_failed
from .layout_migration import migrate_if_needed
from .local_fleet import OneMachine
from .locking import StoreLock
from .order_fields import hash_key, is_order_id
from .order_filter import OrderFilter
from .stored_catalogue import CatalogueSnapshot, ChangeCatalogue, FileCatalogue

log = logging.getLogger(__name__)

COMPACT_AFTER_SUPERSEDED = 20_000  # and more superseded records than live orders


class JournalOrderStore:
    """Orders, stock, prices and Idempotency-Keys in one append-only journal of JSON lines."""

    def __init__(self, data_dir: Path, catalogue: dict[str, dict], *, lock_timeout: float = 5.0, clock=time.time):
        self.clock = clock
        self.quarantined: list[dict] = []
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / JOURNAL_NAME
        self.checkpoint_path = self.data_dir / CHECKPOINT_NAME
        self.fleet = OneMachine(self.data_dir)  # the worker lock files; nothing else is shared
        self._memory_lock = threading.RLock()  # the index: one thread changes it while others query it
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            if not os.access(self.data_dir, os.W_OK):
                raise PermissionError(errno.EACCES, "not writable", str(self.data_dir))
            self.lock = StoreLock(self.data_dir / ".store.lock", lock_timeout)
            self._group = GroupCommit(self.lock)
            self._catalogue = FileCatalogue(self.data_dir)
            self._catalogue.seed(catalogue, [])
            self._batches = BatchWriter(
                catalogue=lambda: self.catalogue,
                fresh_index=lambda: self._fresh(locked=True),
                read=self._read,
                product=self._product,
                stock_of=self._stock_of,
                append=self._append,
            )
            with self.lock.hold():
                remove_temp_files(self.data_dir)
                self.quarantined.extend(migrate_if_needed(self.data_dir, self.catalogue))
                if not self.path.exists():
                    create_journal(self.path)
                self._index = self._load(repair=True)
        except StoreStartupError:
            raise
        except (OSError, StoreUnavailable) as exc:
            raise StoreStartupError(
                f"Data directory {self.data_dir} is not usable ({getattr(exc, 'strerror', None) or exc}). "
                "Make it writable by this user or point DATA_DIR at a writable folder."
            ) from None
        if self._index.superseded() > max(COMPACT_AFTER_SUPERSEDED, len(self._index.orders)):
            self.compact()

    # --- reading the journal -------------------------------------------------------------------
    def _load(self, *, repair: bool) -> JournalIndex:
        """A new index of the whole journal; with `repair` (under the lock) a torn tail is cut."""
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | getattr(os, "O_BINARY", 0))
        index = JournalIndex(fd, os.fstat(fd).st_ino)
        size = os.fstat(fd).st_size
        index.journal_id = journal_id_of(fd, size)
        load_checkpoint(self.checkpoint_path, index, index.journal_id, size)
        corrupt, torn = apply_records(index, read_records(fd, index.end, size))
        if index.records == 0:
            raise StoreStartupError(
                f"Journal {self.path} holds no readable record ({torn.problem if torn else 'empty'}). It holds "
                "every order, stock level and price: restore it from a backup (nothing was changed)."
            )
        for bad in corrupt:
            self._report(
                f"{JOURNAL_NAME} bytes {bad.offset}-{bad.end}",
                bad.problem,
                quarantine_bytes(self.path, bad.data, f"corrupt-at-{bad.offset}", stamped=False),
            )
        if torn is not None and repair:
            self._cut(fd, torn.data, torn.offset, torn.problem)
        if repair and index.records - index.checkpoint_records >= CHECKPOINT_EVERY:
            self._checkpoint(index)
        return index

    def _checkpoint(self, index: JournalIndex) -> None:
        """Under the lock: save the index, so the next start reads only what comes after."""
        if index.journal_id is not None:
            write_checkpoint(self.checkpoint_path, index, index.journal_id)
            index.checkpoint_records = index.records

    def _cut(self, fd: int, torn_bytes: bytes, offset: int, problem: str) -> None:
        """Cut a torn tail (a crash mid-append: never acknowledged), keeping its bytes aside."""
        moved = quarantine_bytes(self.path, torn_bytes, "torn")
        os.ftruncate(fd, offset)
        os.fsync(fd)
        self._report(f"{JOURNAL_NAME} bytes {offset}-{offset + len(torn_bytes)}", f"torn tail cut ({problem})", moved)

    def _report(self, where: str, problem: str, moved_to: str) -> None:
        log.error("Journal problem at %s: %s (kept as %s)", where, problem, moved_to)
        self.quarantined.append({"file": where, "problem": problem, "moved_to": moved_to})

    def _fresh(self, *, locked: bool = False) -> JournalIndex:
        """The index, caught up with what other processes appended (or reloaded after a compaction).
        Without the lock a record being written is left for later; with it, a torn tail is cut."""
        index = self._index
        stat = self._stat()
        if stat.st_ino == index.inode and stat.st_size == index.end:
            return index
        with self._memory_lock:
            index = self._index
            stat = self._stat()  # again: a writer may have appended and applied records since the first
            if stat.st_ino != index.inode or stat.st_size < index.end:
                self._index = index = self._load(repair=locked)
                return index
            size = os.fstat(index.fd).st_size
            if size > index.end:
                corrupt, torn = apply_records(index, read_records(index.fd, index.end, size))
                for bad in corrupt:
                    self._report(f"{JOURNAL_NAME} bytes {bad.offset}-{bad.end}", bad.problem, "(left in place)")
                if locked and torn is not None:
                    self._cut(index.fd, torn.data, torn.offset, torn.problem)
        return index

    def _stat(self) -> os.stat_result:
        try:
            return os.stat(self.path)
        except OSError as exc:
            raise _write_failed("reading the journal", exc) from None

    def _append(self, entries: list[tuple[dict, bytes]]) -> None:
        """Write records (meta, order JSON) at the end of the journal and fsync them (under the
        lock); on failure the journal is cut back to where it was, and nothing of them counts."""
        index = self._index
        start = index.end
        lines, records, offset = [], [], start
        for meta, order_json in entries:
            line, order_at = encode(meta, order_json)
            records.append(Record(offset, offset + len(line), meta, offset + order_at, len(order_json)))
            lines.append(line)
            offset += len(line)
        data = b"".join(lines)
        try:
            view = memoryview(data)
            while view:
                written = os.write(index.fd, view)
                view = view[written:]
            os.fsync(index.fd)
        except OSError as exc:
            try:
                os.ftruncate(index.fd, start)
            except OSError as cut_failed:
                log.error("Could not cut a failed append back (%s); the next start will", cut_failed)
            with self._memory_lock:
                if self._index.end > start:  # a reader applied what was never made durable
                    self._index = self._load(repair=False)
            raise _write_failed("appending to the journal", exc) from None
        with self._memory_lock:
            for record in records:
                index.apply(record)
        if index.records - index.checkpoint_records >= CHECKPOINT_EVERY:
            self._checkpoint(index)

    # --- the catalogue ---------------------------------------------------------------------------
    @property
    def catalogue(self) -> dict[str, dict]:
        """The stored catalogue's products by SKU (catalogue.json in the data directory)."""
        return self._catalogue.snapshot().products

    def catalogue_snapshot(self) -> CatalogueSnapshot:
        return self._catalogue.snapshot()

    def change_catalogue(self, mutate: ChangeCatalogue):
        return self._catalogue.change(mutate)

    def seed_catalogue(self, products: dict[str, dict], designs: list[dict]) -> None:
        self._catalogue.seed(products, designs)

    # --- products ------------------------------------------------------------------------------
    def _stock_of(self, index: JournalIndex, sku: str, catalogue: dict[str, dict] | None = None) -> int:
        fallback = (catalogue if catalogue is not None else self.catalogue).get(sku, {}).get("stock_quantity", 0)
        return int(index.stock.get(sku, fallback))

    def _product(self, index: JournalIndex, sku: str, catalogue: dict[str, dict] | None = None) -> dict:
        catalogue = catalogue if catalogue is not None else self.catalogue
        product = dict(catalogue[sku])
        if sku in index.prices:
            product["price"] = Decimal(index.prices[sku])
        product["stock_quantity"] = self._stock_of(index, sku, catalogue)
        return product

    def products(self) -> dict[str, dict]:
        """Every product with its current price (Decimal) and stock, keyed by SKU."""
        index = self._fresh()
        catalogue = self.catalogue
        return {sku: self._product(index, sku, catalogue) for sku in catalogue}

    def update_product(self, sku: str, changes: dict) -> dict:
        if sku not in self.catalogue:
            raise ProductMissing(f"No product with SKU {sku}")
        with self.lock.hold():
            index = self._fresh(locked=True)
            meta: dict[str, dict] = {}
            if "price" in changes:
                meta["price"] = {sku: price_text(changes["price"])}
            if "stock_quantity" in changes:
                meta["stock"] = {sku: int(changes["stock_quantity"])}
            if meta:
                self._append([(meta, b"")])
            return self._product(index, sku)

    # --- orders --------------------------------------------------------------------------------
    def create_order(self, build: BuildOrder, *, idempotency_key: str | None = None) -> tuple[dict, bool]:
        """Save a new order with the stock it takes, durably, in one record. `build(products,
        order_id)` returns `(order, taken)` or raises (nothing changes). Orders arriving together
        are group-committed: one append and one fsync for the batch. Returns `(order, created)`."""
        pending = PendingCreate(build, hash_key(idempotency_key) if idempotency_key else None)
        return self._group.run(pending, self._batches.commit)

    def _read(self, index: JournalIndex, order_id: str) -> dict | None:
        where = index.where(order_id)
        if where is None:
            return None
        try:
            order = read_order(index.fd, *where)
        except OSError as exc:
            raise _write_failed(f"reading order {order_id}", exc) from None
        except ValueError as exc:
            self._report(f"{JOURNAL_NAME} order {order_id}", f"unreadable ({exc})", "(left in place)")
            return None
        return order

    def find_by_idempotency_key(self, key: str) -> dict | None:
        index = self._fresh()
        order_id = index.keys.get(hash_key(key))
        return self._read(index, order_id) if order_id else None

    def get_order(self, order_id: str) -> dict | None:
        if not is_order_id(order_id):
            return None
        return self._read(self._fresh(), order_id)

    def transact_order(self, order_id: str, mutate: MutateOrder) -> dict:
        """Change one order under the lock: `mutate(order, tx)` changes it in place, may return
        stock (`tx.return_stock`) and draw numbers (`tx.next_number`), or return False (nothing is
        written). The order, its stock and its numbers are one record: all or nothing. Changes and
        new orders arriving together are group-committed (journal_batch.py)."""
        return self._group.run(PendingChange(order_id, mutate), self._batches.commit)

    def update_orders(self, changes: Iterable[tuple[str, MutateOnly]]) -> list:
        """Several `update_order(order_id, mutate)` queued together, so they share one append and
        one fsync: each one's order, or the exception it raised."""
        pendings = [PendingChange(order_id, lambda order, tx, m=mutate: m(order)) for order_id, mutate in changes]
        return self._group.run_many(pendings, self._batches.commit)

    def update_order(self, order_id: str, mutate: MutateOnly) -> dict:
        """Read-modify-write one order; `mutate(order)` may return False (nothing is written)."""
        return self.transact_order(order_id, lambda order, tx: mutate(order))

    def order_ids(self) -> list[str]:
        """Every stored order id, newest first."""
        return [f"BHRT-{number}" for number in reversed(self._fresh().numbers)]

    def list_orders(self, matches: OrderMatcher = None, *, page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
        """(orders on the page, total matching), newest first; an OrderFilter is answered from the index."""
        index = self._fresh()
        start = (page - 1) * per_page
        if matches is None or isinstance(matches, OrderFilter):
            with self._memory_lock:
                sets, total = index.matching(**matches.fields()) if matches is not None else (None, len(index.numbers))
                numbers = index.page(sets, start, per_page)
            chosen_orders = [self._read(index, f"BHRT-{number}") for number in numbers]
            return [order for order in chosen_orders if order is not None], total
        selected, total = [], 0
        for order_id in self.order_ids():
            order = self._read(index, order_id)
            if order is None or not matches(order):
                continue
            if start <= total < start + per_page:
                selected.append(order)
            total += 1
        return selected, total

    def orders_with_outbox(self, limit: int = 100) -> list[dict]:
        """Orders holding webhook events not yet fanned out (from the index: no scan)."""
        index = self._fresh()
        with self._memory_lock:
            numbers = sorted(index.outbox, key=index.rank.__getitem__)[:limit]
        found = (self._read(index, f"BHRT-{number}") for number in numbers)
        return [order for order in found if order is not None]

    def count_by_qikink_status(self, matches: OrderFilter | None = None) -> dict[str, int]:
        """{qikink_status: orders} among the orders matching `matches`, from the index."""
        index = self._fresh()
        with self._memory_lock:
            return index.count_by_qikink_status(**(matches.fields() if matches is not None else {}))

    # --- upkeep ----------------------------------------------------------------------------------
    def compact(self) -> dict:
        """Rewrite the journal as one record per order (plus one for stock, prices and sequences),
        atomically; other processes notice the new file and reload it."""
        with self.lock.hold():
            index = self._fresh(locked=True)
            before = index.end
            try:
                catalogue = self.catalogue
                stock = {sku: self._stock_of(index, sku, catalogue) for sku in catalogue}
                write_compacted(self.path, index, stock)
            except OSError as exc:  # the journal is as it was; orders go on
                raise _write_failed("compacting the journal", exc) from None
            with self._memory_lock:
                self._index = self._load(repair=False)
            self._checkpoint(self._index)
            return {"orders": len(self._index.orders), "bytes_before": before, "bytes_after": self._index.end}

    def backup(self, destination: Path, catalogue_file: Path) -> dict:
        """A consistent copy of the journal (every record up to now) and the catalogue (the file and
        the stored one) in `destination`, taken while the server runs: the journal only grows, so
        its first bytes never change."""
        destination = Path(destination)
        target = destination / JOURNAL_NAME
        if target.exists():
            raise StoreStartupError(f"{target} exists already; back up into a new or empty folder")
        destination.mkdir(parents=True, exist_ok=True)
        with self.lock.hold():
            index = self._fresh(locked=True)
            end, fd, orders = index.end, os.dup(index.fd), len(index.orders)
        write_backup(fd, end, destination, catalogue_file)
        if self._catalogue.path.exists():  # the catalogue as edited in the console, beside the file it came from
            shutil.copyfile(self._catalogue.path, destination / self._catalogue.path.name)
        return {"bytes": end, "orders": orders, "to": str(destination)}

    def check_writable(self) -> str | None:
        return writable_problem(self.path)
