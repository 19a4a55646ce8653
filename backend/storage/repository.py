"""The order and product repository: one interface, a file-backed store and its in-memory twin.

Layout on disk (see README, "Storage"):
  <data>/products.json          the catalogue (committed; read-only at run time)
  <data>/state.json             stock, price changes, the order-number sequence, write intents
  <data>/orders/<order_id>.json one file per order, so the cost of a write never grows
  <data>/idempotency/<h>.json   Idempotency-Key (hashed) → order id
"""
from __future__ import annotations

import abc
import hashlib
import logging
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from ..errors import NotFound
from ..models import ORDER_ID_RE
from .catalogue import load_catalogue

log = logging.getLogger(__name__)

# A create whose lock wait failed while another thread was already saving it waits this long for
# that thread's outcome (the order may be on disk: answering 503 then would be wrong).
BATCH_OUTCOME_WAIT_SECONDS = 60.0
ORDER_REQUIRED_KEYS = ("order_id", "customer_email", "items", "status", "qikink_status", "created_at")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def order_number(order_id: str) -> int:
    return int(order_id.split("-", 1)[1])


def check_order(order: dict, order_id: str) -> str | None:
    """The problem with a stored order, or None when it is usable."""
    missing = [key for key in ORDER_REQUIRED_KEYS if key not in order]
    if missing:
        return f"order is missing {', '.join(missing)}"
    if order["order_id"] != order_id:
        return f"order_id {order['order_id']!r} does not match the file name"
    if not isinstance(order["items"], list) or not all(isinstance(item, dict) for item in order["items"]):
        return "items is not a list of objects"
    # A hand-edited value of the wrong type would otherwise fail later, in every reader of the order.
    wrong = [key for key in ORDER_REQUIRED_KEYS if key != "items" and not isinstance(order[key], str)]
    if wrong:
        return f"{', '.join(wrong)} must be text"
    if not isinstance(order.get("sync") or {}, dict):
        return "sync is not an object"
    return None


@dataclass(frozen=True)
class OrderFilter:
    """Which orders a listing shows: a predicate on an order, which a database store runs as SQL."""

    status: str | None = None
    qikink_status: str | None = None
    email: str | None = None

    def __call__(self, order: dict) -> bool:
        return ((self.status is None or order.get("status") == self.status)
                and (self.qikink_status is None or order.get("qikink_status") == self.qikink_status)
                and (self.email is None or order.get("customer_email", "").lower() == self.email.lower()))


class OrderTransaction:
    """What one order change asks of the rest of the store, committed with the order's write
    (see OrderStore.transact_order): stock given back, numbers drawn from named sequences."""

    def __init__(self, current_number):
        self._current_number = current_number  # sequence name → its last number in the store
        self.stock: dict[str, int] = {}
        self.numbers: dict[str, tuple[int, int]] = {}  # sequence → (last before, last after)

    def return_stock(self, sku: str, quantity: int) -> None:
        """Put `quantity` of `sku` back in stock when the change commits."""
        if int(quantity) < 0:
            raise ValueError("quantity must not be negative")
        self.stock[sku] = self.stock.get(sku, 0) + int(quantity)

    def next_number(self, sequence: str) -> int:
        """The next number of a gap-free sequence (1, 2, 3 …), used up only if the change commits."""
        before, last = self.numbers.get(sequence) or (self._current_number(sequence),) * 2
        self.numbers[sequence] = (before, last + 1)
        return last + 1

    @property
    def touches_state(self) -> bool:
        return bool(self.stock or self.numbers)


class _PendingCreate:
    """One create_order call waiting in the group-commit queue, and its outcome."""

    __slots__ = ("build", "key_hash", "result", "error", "_done")

    def __init__(self, build, key_hash: str | None):
        self.build, self.key_hash = build, key_hash
        self.result, self.error = None, None
        self._done = threading.Event()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float) -> bool:
        return self._done.wait(timeout)

    def finish(self, result) -> None:
        self.result = result
        self._done.set()

    def fail(self, error: BaseException) -> None:
        self.error = error
        self._done.set()

    def outcome(self):
        if self.error is not None:
            raise self.error
        return self.result


class OrderStore(abc.ABC):
    """Products, stock and orders, with every change made atomically under one lock.

    The transaction logic lives here; subclasses supply the primitives (file or memory).
    """

    def __init__(self, catalogue: dict[str, dict], *, clock=time.time):
        self.catalogue = catalogue
        self.clock = clock
        self.quarantined: list[dict] = []
        self._queue: list[_PendingCreate] = []  # orders waiting for the next group commit
        self._queue_lock = threading.Lock()

    # --- primitives --------------------------------------------------------------------------
    @abc.abstractmethod
    def _locked(self):
        """Context manager: exclusive access across threads (and processes, for files)."""

    @abc.abstractmethod
    def _load_state(self) -> dict: ...

    @abc.abstractmethod
    def _save_state(self, state: dict) -> None: ...

    @abc.abstractmethod
    def _read_order(self, order_id: str) -> dict | None: ...

    @abc.abstractmethod
    def _write_order(self, order: dict, *, sync_dir: bool = True) -> None:
        """Write one order durably; with sync_dir=False the caller must `_sync_new_files()`."""

    def _sync_new_files(self, with_keys: bool = True) -> None:
        """Make the files written with sync_dir=False durable (one directory fsync for a batch)."""

    def _discard_order(self, order_id: str) -> None:
        """Remove an order file whose directory entry could not be made durable."""

    @abc.abstractmethod
    def _order_exists(self, order_id: str) -> bool: ...

    @abc.abstractmethod
    def _read_idempotency(self, key_hash: str) -> dict | None: ...

    @abc.abstractmethod
    def _write_idempotency(self, key_hash: str, record: dict) -> None: ...

    @abc.abstractmethod
    def order_ids(self) -> list[str]:
        """Every stored order id, newest first."""

    def check_writable(self) -> str | None:
        """None when storage can take writes, else the reason."""
        return None

    def worker_lock(self):
        """The lock that makes one process the sync worker (FileLock-like), or None: no other process."""
        return None

    def token_store(self, client_id: str, client_secret: str):
        """Where the servers sharing this store keep one Qikink token, or None: this process only."""
        return None

    def call_window(self, account: str):
        """Where the servers sharing this store count their Qikink calls, or None: the data
        directory's budget file (every process on this machine's data directory)."""
        return None

    # --- products ----------------------------------------------------------------------------
    def _initial_state(self) -> dict:
        return {"version": 1, "last_order_seq": 0, "stock": {}, "prices": {}, "intents": {}, "changes": {},
                "sequences": {}}

    def _stock_of(self, state: dict, sku: str) -> int:
        return int(state["stock"].get(sku, self.catalogue.get(sku, {}).get("stock_quantity", 0)))

    def _merge(self, sku: str, state: dict) -> dict:
        product = dict(self.catalogue[sku])
        product["price"] = Decimal(str(state["prices"].get(sku, product["price"])))
        product["stock_quantity"] = int(state["stock"].get(sku, product["stock_quantity"]))
        return product

    def products(self) -> dict[str, dict]:
        """Every product with its current price (Decimal) and stock, keyed by SKU."""
        state = self._load_state()
        return {sku: self._merge(sku, state) for sku in self.catalogue}

    def update_product(self, sku: str, changes: dict) -> dict:
        if sku not in self.catalogue:
            raise NotFound(f"No product with SKU {sku}")
        with self._locked():
            state = self._load_state()
            self._settle_intents(state)
            if "price" in changes:
                state["prices"][sku] = changes["price"]
            if "stock_quantity" in changes:
                state["stock"][sku] = changes["stock_quantity"]
            self._save_state(state)
            return self._merge(sku, state)

    # --- orders ------------------------------------------------------------------------------
    def _settle_intents(self, state: dict) -> None:
        """Finish what a crashed or failed order write left: keep its stock taken if the order
        file exists, give it back if not. Under the lock no other write is in progress, so every
        intent seen here belongs to a write that has ended."""
        for order_id, taken in list(state["intents"].items()):
            if not self._order_exists(order_id):
                for sku, quantity in taken.items():
                    state["stock"][sku] = self._stock_of(state, sku) + quantity
                log.warning("Order %s was never written; returned its stock", order_id)
            del state["intents"][order_id]
        # A transact_order whose order write never landed (its token is not in the order): undo
        # the stock it gave back and the numbers it drew, so both happen with the order or not at all.
        changes = state.setdefault("changes", {})
        for order_id, change in list(changes.items()):
            order = self._read_order(order_id)
            if order is None or order.get("txn") != change["token"]:
                for sku, quantity in change["stock"].items():
                    state["stock"][sku] = self._stock_of(state, sku) - quantity
                sequences = state.setdefault("sequences", {})
                for name, (before, after) in change["numbers"].items():
                    if sequences.get(name) == after:
                        sequences[name] = before
                log.warning("A change to order %s was never written; undid its stock and numbers", order_id)
            del changes[order_id]

    def _next_order_id(self, state: dict) -> str:
        seq = max(int(self.clock()), int(state["last_order_seq"]) + 1)
        while self._order_exists(f"BHRT-{seq}"):
            seq += 1
        state["last_order_seq"] = seq
        return f"BHRT-{seq}"

    def create_order(self, build, *, idempotency_key: str | None = None):
        """Save a new order atomically with the stock it takes.

        `build(products, order_id)` returns `(order, taken)`, where `taken` maps SKU → quantity,
        or raises an ApiError (nothing changes then). With an idempotency key already used, the
        existing order is returned instead. Returns `(order, created)`.

        Group commit: orders that arrive while another thread holds the lock queue up, and the
        next thread to get the lock saves all of them with ONE state write (stock and intents
        for the whole batch) followed by each order's own durable file. Every order is still on
        disk, fsynced, before its caller returns; only the state.json write is shared.
        """
        pending = _PendingCreate(build, hash_key(idempotency_key) if idempotency_key else None)
        with self._queue_lock:
            self._queue.append(pending)
        try:
            with self._locked():
                if not pending.done:
                    with self._queue_lock:
                        batch, self._queue = self._queue, []
                    self._commit_batch(batch)
        except Exception:
            with self._queue_lock:
                queued = pending in self._queue
                if queued:
                    self._queue.remove(pending)  # nobody took it: it is not saved, so failing is right
            if queued or not pending.wait(BATCH_OUTCOME_WAIT_SECONDS):
                raise
        return pending.outcome()

    def _commit_batch(self, batch: list) -> None:
        """Under the lock: one state write for every order in `batch`, then each order file."""
        deferred, accepted, keys = [], [], set()
        try:
            state = self._load_state()
            self._settle_intents(state)
            products = {sku: self._merge(sku, state) for sku in self.catalogue}
            for pending in batch:
                if pending.key_hash:
                    if pending.key_hash in keys:
                        deferred.append(pending)  # same key twice in one batch: the next batch replays it
                        continue
                    existing = self._existing_for_key(pending.key_hash)
                    if existing is not None:
                        pending.finish((existing, False))
                        continue
                order_id = self._next_order_id(state)
                try:
                    order, taken = pending.build(products, order_id)
                except Exception as exc:
                    pending.fail(exc)
                    continue
                for sku, quantity in taken.items():
                    products[sku]["stock_quantity"] -= quantity
                    state["stock"][sku] = products[sku]["stock_quantity"]
                state["intents"][order_id] = dict(taken)
                keys.add(pending.key_hash)
                accepted.append((pending, order))
            # Order of writes: the intents and stock first, so a crash between the writes never
            # oversells; each order file last, since its presence is what commits that order.
            if accepted:
                self._save_state(state)
        except BaseException as exc:
            for pending, _ in accepted:
                pending.fail(exc)
            for pending in batch:
                if not pending.done:
                    pending.fail(exc)
            if not isinstance(exc, Exception):
                raise
            return
        written = []
        for pending, order in accepted:
            try:
                if pending.key_hash:
                    self._write_idempotency(pending.key_hash, {"order_id": order["order_id"]})
                self._write_order(order, sync_dir=False)
            except Exception as exc:  # its intent stays; the next write gives the stock back
                pending.fail(exc)
                continue
            written.append((pending, order))
        try:
            # One directory fsync makes the whole batch's files durable.
            self._sync_new_files(with_keys=any(pending.key_hash for pending, _ in written))
        except Exception as exc:
            for pending, order in written:
                self._discard_order(order["order_id"])  # not durable: not acknowledged, stock returns
                pending.fail(exc)
            written = []
        for pending, order in written:
            pending.finish((order, True))
        if deferred:
            self._commit_batch(deferred)

    def _existing_for_key(self, key_hash: str) -> dict | None:
        record = self._read_idempotency(key_hash)
        if not record:
            return None
        return self._read_order(record.get("order_id", ""))

    def find_by_idempotency_key(self, key: str) -> dict | None:
        return self._existing_for_key(hash_key(key))

    def get_order(self, order_id: str) -> dict | None:
        if not ORDER_ID_RE.match(order_id or ""):
            return None
        return self._read_order(order_id)

    def update_order(self, order_id: str, mutate) -> dict:
        """Read-modify-write one order under the lock. `mutate(order)` changes it in place and
        may return False to say nothing changed (then nothing is written)."""
        return self.transact_order(order_id, lambda order, _tx: mutate(order))

    def transact_order(self, order_id: str, mutate) -> dict:
        """Change one order under the lock, with what the change asks of the rest of the store.

        `mutate(order, tx)` changes the order in place; `tx.return_stock(sku, n)` gives stock back
        and `tx.next_number(name)` draws the next number of a gap-free sequence. The order's
        change, its stock and its numbers commit together; if mutate returns False or raises,
        none of them happens. After a crash at any point: all of them or none.

        Files: state.json (stock, sequences and a record of this change with a random token) is
        written first, then the order carrying the token; the next write under the lock keeps
        the change if the order has the token and undoes it if not (`_settle_intents`).
        """
        with self._locked():
            order = self.get_order(order_id)
            if order is None:
                raise NotFound(f"No order {order_id}")
            loaded: list[dict] = []

            def state() -> dict:
                if not loaded:
                    loaded.append(self._load_state())
                    self._settle_intents(loaded[0])
                return loaded[0]

            tx = OrderTransaction(lambda name: int(state().setdefault("sequences", {}).get(name, 0)))
            if mutate(order, tx) is False:
                return order
            if not tx.touches_state:
                self._write_order(order)
                return order
            current = state()
            for sku, quantity in tx.stock.items():
                current["stock"][sku] = self._stock_of(current, sku) + quantity
            for name, (_before, after) in tx.numbers.items():
                current["sequences"][name] = after
            order["txn"] = uuid.uuid4().hex
            current["changes"][order_id] = {"token": order["txn"], "stock": tx.stock,
                                            "numbers": {name: list(pair) for name, pair in tx.numbers.items()}}
            self._save_state(current)
            try:
                self._write_order(order)
            except BaseException:
                self._undo_unwritten(order_id)
                raise
            return order

    def _undo_unwritten(self, order_id: str) -> None:
        """Undo, now, a change whose order write failed (else the next write under the lock does)."""
        try:
            state = self._load_state()
            self._settle_intents(state)
            self._save_state(state)
        except Exception as exc:
            log.error("Could not yet undo the unwritten change to order %s: %s", order_id, exc)

    def list_orders(self, matches=None, *, page: int = 1, per_page: int = 50):
        """(orders on the page, total matching), newest first."""
        ids = self.order_ids()
        start = (page - 1) * per_page
        if matches is None:
            chosen = [self.get_order(i) for i in ids[start:start + per_page]]
            return [o for o in chosen if o is not None], len(ids)
        selected = []
        total = 0
        for order_id in ids:
            order = self.get_order(order_id)
            if order is None or not matches(order):
                continue
            if start <= total < start + per_page:
                selected.append(order)
            total += 1
        return selected, total

    def recover(self) -> None:
        """At start-up: settle the intents of writes a crash interrupted."""
        with self._locked():
            state = self._load_state()
            if state["intents"] or state.get("changes"):
                self._settle_intents(state)
                self._save_state(state)


class MemoryOrderStore(OrderStore):
    """The in-memory twin: same rules, no files. For tests and as the reference behaviour."""

    def __init__(self, catalogue: dict[str, dict], **kwargs):
        super().__init__(catalogue, **kwargs)
        import copy
        import threading

        self._copy = copy.deepcopy
        self._lock = threading.RLock()
        self._state = self._initial_state()
        self._orders: dict[str, dict] = {}
        self._keys: dict[str, dict] = {}

    @contextmanager
    def _locked(self):
        with self._lock:
            yield

    def _load_state(self):
        return self._copy(self._state)

    def _save_state(self, state):
        self._state = self._copy(state)

    def _read_order(self, order_id):
        order = self._orders.get(order_id)
        return self._copy(order) if order is not None else None

    def _write_order(self, order, *, sync_dir=True):
        self._orders[order["order_id"]] = self._copy(order)

    def _discard_order(self, order_id):
        self._orders.pop(order_id, None)

    def _order_exists(self, order_id):
        return order_id in self._orders

    def _read_idempotency(self, key_hash):
        return self._keys.get(key_hash)

    def _write_idempotency(self, key_hash, record):
        self._keys[key_hash] = dict(record)

    def order_ids(self):
        return sorted(self._orders, key=order_number, reverse=True)


def open_store(config) -> OrderStore:
    """PostgreSQL when DATABASE_URL is set, else the file store for `config.data_dir` (raises
    StartupError naming any unusable file, or a database that cannot be reached)."""
    from .files import FileOrderStore

    if config.database_url:
        from .postgres import open_postgres_store

        return open_postgres_store(config)

    return FileOrderStore(config.data_dir, load_catalogue(config.catalogue_file), lock_timeout=config.lock_timeout)

