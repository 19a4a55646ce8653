"""The shop's webhook endpoints and the delivery log: SQLite in the data directory (the embedded
default; in memory for tests), or PostgreSQL for a fleet (migration 004), with the same SQL.

Why not a JSON file like the orders: the log is a queue whose rows change one at a time (each
attempt) and is read by "the next due delivery of each order"; SQLite (in Python's standard
library) gives that transactions and indexes, where a JSON file would be rewritten whole on every
attempt.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS webhook_endpoints (
    id text PRIMARY KEY, url text NOT NULL, description text NOT NULL DEFAULT '',
    events text NOT NULL, secret text NOT NULL, enabled boolean NOT NULL,
    disabled_reason text, disabled_at double precision,
    created_at double precision NOT NULL, updated_at double precision NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id integer PRIMARY KEY AUTOINCREMENT, endpoint_id text NOT NULL, message_id text NOT NULL,
    order_id text NOT NULL, type text NOT NULL, body text NOT NULL, status text NOT NULL,
    attempts integer NOT NULL DEFAULT 0, created_at double precision NOT NULL,
    next_attempt_at double precision NOT NULL, last_attempt_at double precision,
    last_status integer, last_error text, delivered_at double precision,
    UNIQUE (endpoint_id, message_id)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, order_id, id);
"""
ENDPOINT_COLUMNS = "id, url, description, events, secret, enabled, disabled_reason, disabled_at, created_at, updated_at"
DELIVERY_COLUMNS = (
    "id, endpoint_id, message_id, order_id, type, body, status, attempts, created_at, next_attempt_at, "
    "last_attempt_at, last_status, last_error, delivered_at"
)
EDITABLE = ("url", "description", "events", "enabled")
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _endpoint(row) -> dict:
    keys = [k.strip() for k in ENDPOINT_COLUMNS.split(",")]
    endpoint = dict(zip(keys, row, strict=True))
    endpoint["events"] = json.loads(endpoint["events"])
    endpoint["enabled"] = bool(endpoint["enabled"])
    return endpoint


def _delivery(row) -> dict:
    keys = [k.strip() for k in DELIVERY_COLUMNS.split(",")]
    return dict(zip(keys, row, strict=True))


class WebhookStore:
    """Endpoints and deliveries; every method is one transaction. `connect` yields a DB-API
    connection inside a transaction; `placeholder` is the driver's ('?' or '%s')."""

    def __init__(self, connect, placeholder: str):
        self._connect = connect
        self._placeholder = placeholder

    def _sql(self, text: str) -> str:
        return text if self._placeholder == "%s" else text.replace("%s", self._placeholder)

    def _rows(self, text: str, params=()) -> list:
        with self._connect() as conn:
            return list(conn.execute(self._sql(text), params).fetchall())

    # --- endpoints -----------------------------------------------------------------------------
    def endpoints(self) -> list[dict]:
        rows = self._rows(f"SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at, id")
        return [_endpoint(row) for row in rows]

    def endpoint(self, endpoint_id: str) -> dict | None:
        rows = self._rows(f"SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = %s", (endpoint_id,))
        return _endpoint(rows[0]) if rows else None

    def add_endpoint(self, url: str, events: list[str], description: str, now: float) -> dict:
        endpoint_id = "ep_" + secrets.token_hex(8)
        with self._connect() as conn:
            conn.execute(
                self._sql(
                    f"INSERT INTO webhook_endpoints ({ENDPOINT_COLUMNS}) "
                    "VALUES (%s, %s, %s, %s, %s, %s, NULL, NULL, %s, %s)"
                ),
                (endpoint_id, url, description, json.dumps(events), new_secret(), True, now, now),
            )
        endpoint = self.endpoint(endpoint_id)
        assert endpoint is not None, "the endpoint was just written"
        return endpoint

    def update_endpoint(self, endpoint_id: str, changes: dict, now: float) -> dict | None:
        """Change the editable fields; enabling one clears why it was disabled."""
        sets: list[str] = ["updated_at = %s"]
        params: list = [now]
        for name in EDITABLE:
            if name in changes:
                value = changes[name]
                sets.append(f"{name} = %s")
                params.append(json.dumps(value) if name == "events" else value)
        if changes.get("enabled") is True:
            sets.append("disabled_reason = NULL, disabled_at = NULL")
        with self._connect() as conn:
            conn.execute(
                self._sql(f"UPDATE webhook_endpoints SET {', '.join(sets)} WHERE id = %s"), (*params, endpoint_id)
            )
        return self.endpoint(endpoint_id)

    def disable(self, endpoint_id: str, reason: str, now: float) -> bool:
        """Turn an endpoint off (410 Gone, or days of failures); False if it already was."""
        with self._connect() as conn:
            cursor = conn.execute(
                self._sql(
                    "UPDATE webhook_endpoints SET enabled = %s, disabled_reason = %s, disabled_at = %s, "
                    "updated_at = %s WHERE id = %s AND enabled = %s"
                ),
                (False, reason, now, now, endpoint_id, True),
            )
            return cursor.rowcount == 1

    def rotate_secret(self, endpoint_id: str, now: float) -> dict | None:
        with self._connect() as conn:
            conn.execute(
                self._sql("UPDATE webhook_endpoints SET secret = %s, updated_at = %s WHERE id = %s"),
                (new_secret(), now, endpoint_id),
            )
        return self.endpoint(endpoint_id)

    def delete_endpoint(self, endpoint_id: str) -> bool:
        with self._connect() as conn:
            conn.execute(self._sql("DELETE FROM webhook_deliveries WHERE endpoint_id = %s"), (endpoint_id,))
            cursor = conn.execute(self._sql("DELETE FROM webhook_endpoints WHERE id = %s"), (endpoint_id,))
            return cursor.rowcount == 1

    # --- deliveries ----------------------------------------------------------------------------
    def fan_out(self, events: list[dict], now: float) -> int:
        """One delivery per event and enabled endpoint that takes its type and existed when it
        happened (`at`, epoch seconds); an event fanned out twice makes no second row."""
        added = 0
        with self._connect() as conn:
            rows = conn.execute(
                self._sql(f"SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE enabled = %s"), (True,)
            ).fetchall()
            endpoints = [_endpoint(row) for row in rows]
            for event in events:
                for endpoint in endpoints:
                    if event["type"] not in endpoint["events"] or event["at"] < endpoint["created_at"] - 1:
                        continue
                    cursor = conn.execute(
                        self._sql(
                            "INSERT INTO webhook_deliveries (endpoint_id, message_id, order_id, type, body, "
                            "status, attempts, created_at, next_attempt_at) "
                            "VALUES (%s, %s, %s, %s, %s, %s, 0, %s, %s) "
                            "ON CONFLICT (endpoint_id, message_id) DO NOTHING"
                        ),
                        (
                            endpoint["id"],
                            event["id"],
                            event["order_id"],
                            event["type"],
                            event["body"],
                            PENDING,
                            now,
                            now,
                        ),
                    )
                    added += max(cursor.rowcount, 0)
        return added

    def due(self, now: float, limit: int = 50) -> list[dict]:
        """Deliveries to attempt now: of each endpoint's events for one order, only the oldest not
        delivered (the next waits for it: in order per order), and only on enabled endpoints."""
        rows = self._rows(
            f"SELECT {', '.join('d.' + c.strip() for c in DELIVERY_COLUMNS.split(','))} "
            "FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id "
            "WHERE d.status = %s AND d.next_attempt_at <= %s AND e.enabled = %s AND NOT EXISTS ("
            "  SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id "
            "  AND p.order_id = d.order_id AND p.status = %s AND p.id < d.id) "
            "ORDER BY d.id LIMIT %s",
            (PENDING, now, True, PENDING, limit),
        )
        return [_delivery(row) for row in rows]

    def next_due_at(self) -> float | None:
        rows = self._rows(
            "SELECT MIN(d.next_attempt_at) FROM webhook_deliveries d JOIN webhook_endpoints e "
            "ON e.id = d.endpoint_id WHERE d.status = %s AND e.enabled = %s",
            (PENDING, True),
        )
        return rows[0][0] if rows and rows[0][0] is not None else None

    def record(self, delivery_id: int, *, status: str, http_status, error, now: float, retry_at=None) -> None:
        """One attempt's outcome: delivered, failed (given up), or pending again at `retry_at`."""
        with self._connect() as conn:
            conn.execute(
                self._sql(
                    "UPDATE webhook_deliveries SET status = %s, attempts = attempts + 1, last_attempt_at = %s, "
                    "last_status = %s, last_error = %s, next_attempt_at = %s, delivered_at = %s WHERE id = %s"
                ),
                (
                    status,
                    now,
                    http_status,
                    error,
                    retry_at if retry_at is not None else now,
                    now if status == DELIVERED else None,
                    delivery_id,
                ),
            )

    def delivery(self, delivery_id: int) -> dict | None:
        rows = self._rows(f"SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = %s", (delivery_id,))
        return _delivery(rows[0]) if rows else None

    def deliveries(self, endpoint_id: str, limit: int = 50) -> list[dict]:
        """An endpoint's log, newest first."""
        rows = self._rows(
            f"SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = %s ORDER BY id DESC LIMIT %s",
            (endpoint_id, limit),
        )
        return [_delivery(row) for row in rows]

    def counts(self) -> dict[tuple[str, str], int]:
        """(endpoint id, status) → deliveries."""
        rows = self._rows("SELECT endpoint_id, status, COUNT(*) FROM webhook_deliveries GROUP BY endpoint_id, status")
        return {(row[0], row[1]): int(row[2]) for row in rows}

    def resend(self, delivery_id: int, now: float) -> dict | None:
        """Staff: try a delivery again from the first attempt of the schedule."""
        with self._connect() as conn:
            conn.execute(
                self._sql(
                    "UPDATE webhook_deliveries SET status = %s, attempts = 0, created_at = %s, "
                    "next_attempt_at = %s, delivered_at = NULL WHERE id = %s"
                ),
                (PENDING, now, now, delivery_id),
            )
        return self.delivery(delivery_id)

    def prune(self, before: float) -> int:
        """Forget delivered and failed deliveries older than `before` (the log stays short)."""
        with self._connect() as conn:
            cursor = conn.execute(
                self._sql("DELETE FROM webhook_deliveries WHERE status <> %s AND created_at < %s"), (PENDING, before)
            )
            return max(cursor.rowcount, 0)


def sqlite_webhook_store(path: Path | str) -> WebhookStore:
    """The embedded store: `<data_dir>/webhooks.sqlite3` (':memory:' for tests)."""
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10.0)
    conn.execute("PRAGMA journal_mode=WAL" if str(path) != ":memory:" else "PRAGMA journal_mode=MEMORY")
    conn.execute("PRAGMA synchronous=FULL")  # an acknowledged change survives a power cut
    conn.executescript(SQLITE_SCHEMA)
    lock = threading.RLock()

    @contextmanager
    def connect():
        with lock:
            if conn.in_transaction:  # nested: a method called from inside another
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    return WebhookStore(connect, "?")


def postgres_webhook_store(pool) -> WebhookStore:
    """A fleet's store: the order store's connection pool, the tables of migration 004."""

    @contextmanager
    def connect():
        with pool.connection() as conn, conn.transaction():
            yield conn

    return WebhookStore(connect, "%s")


def open_webhook_store(store, data_dir: Path) -> WebhookStore:
    """The webhook store beside an order store: PostgreSQL's pool, else SQLite in the data
    directory (in memory for the in-memory order store)."""
    pool = getattr(store, "pool", None)
    if pool is not None:
        return postgres_webhook_store(pool)
    if type(store).__name__ == "MemoryOrderStore":
        return sqlite_webhook_store(":memory:")
    return sqlite_webhook_store(Path(data_dir) / "webhooks.sqlite3")
