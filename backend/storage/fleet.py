"""What the servers sharing one PostgreSQL database share besides orders (PostgresFleet, the
store's `fleet`): which of them runs each worker (an advisory lock), the one Qikink access token
(minting one invalidates the last) and the Qikink call budget's window."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time
from contextlib import contextmanager

import psycopg
from filelock import Timeout

log = logging.getLogger(__name__)

WORKER_LOCK = 0x42485254_0002
TOKEN_LOCK = 0x42485254_0003
BUDGET_LOCK = 0x42485254_0004
PAYMENTS_LOCK = 0x42485254_0005  # the payment worker's look-ups and expiries
ATTENTION_LOCK = 0x42485254_0006  # the "needs attention" digest: one machine mails it
WEBHOOKS_LOCK = 0x42485254_0007  # outgoing webhooks: one machine delivers (in order per order)
LOCK_KEYS = {"qikink": WORKER_LOCK, "payments": PAYMENTS_LOCK, "attention": ATTENTION_LOCK, "webhooks": WEBHOOKS_LOCK}


class LeaderLock:
    """A session advisory lock on a connection of its own: held while that session lives, so a
    server that dies (or loses the database) gives the worker role up by itself.

    Used as the worker uses filelock.FileLock: `acquire(timeout)` (raises filelock.Timeout),
    `release()`, `is_locked`."""

    def __init__(self, url: str, *, connect_timeout: int = 3, key: int = WORKER_LOCK):
        self.url, self.key, self.connect_timeout = url, key, connect_timeout
        self._conn: psycopg.Connection | None = None
        self._held = False

    @property
    def is_locked(self) -> bool:
        if self._conn is None or not self._held:
            return False
        try:
            self._conn.execute("SELECT 1")  # a restart of the database ends the session and the lock
            return True
        except psycopg.Error:
            self._drop()
            return False

    def acquire(self, timeout: float = 0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self._conn is None:
                    self._conn = psycopg.connect(
                        self.url,
                        autocommit=True,
                        connect_timeout=self.connect_timeout,
                        application_name="bhrt-worker-leader",
                    )
                taken = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
                if taken and taken[0]:
                    self._held = True
                    log.info("This server is now the %s worker of the fleet", self._worker_name())
                    return
            except psycopg.Error as exc:
                log.warning("Cannot reach PostgreSQL for the worker lock: %s", type(exc).__name__)
                self._drop()
            if time.monotonic() >= deadline:
                raise Timeout(f"advisory lock {self.key}")
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))

    def _worker_name(self) -> str:
        """Which worker this lock elects: each logs its own line (a test looks for the sync worker's)."""
        if self.key == WORKER_LOCK:
            return "sync"
        return next((name for name, key in LOCK_KEYS.items() if key == self.key), str(self.key))

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            except psycopg.Error:
                pass  # the session is gone, and its lock with it
            self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn, self._held = None, False


def _token_key(client_id: str, client_secret: str) -> bytes:
    """An AES-256 key derived from the client secret: a database dump alone does not reveal the
    token, and a new secret makes the stored token unreadable (a new one is minted)."""
    return hashlib.pbkdf2_hmac(
        "sha256", client_secret.encode("utf-8"), b"bhrt-qikink-token:" + client_id.encode("utf-8"), 100_000
    )


class PostgresTokenStore:
    """The fleet's Qikink token in the `qikink_tokens` table, encrypted (AES-GCM) at rest, never logged.

    TokenCache calls `minting()` around its re-read and mint, so two servers never mint together."""

    def __init__(self, store, client_id: str, client_secret: str):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._store = store
        self._client_id = client_id
        self._cipher = AESGCM(_token_key(client_id, client_secret))

    def __repr__(self):
        return "PostgresTokenStore(token=***)"

    @contextmanager
    def minting(self):
        """Hold the fleet's minting lock (a transaction-scoped advisory lock) for the block."""
        try:
            with self._store._transaction() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, %s))", (self._client_id, TOKEN_LOCK))
                yield
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise self._store._unavailable("minting a Qikink token", exc) from None

    def load(self) -> tuple[str, float] | None:
        """(token, expiry in epoch seconds), or None when there is none readable."""

        def read(conn):
            return conn.execute(
                "SELECT token, expires_at FROM qikink_tokens WHERE client_id = %s", (self._client_id,)
            ).fetchone()

        row = self._store._run(read, "reading the Qikink token", transaction=False)
        if row is None:
            return None
        sealed = bytes(row[0])
        try:
            token = self._cipher.decrypt(sealed[:12], sealed[12:], self._client_id.encode("utf-8")).decode("utf-8")
        except Exception:  # another secret (rotated): unreadable, so a new token is minted
            log.warning("The stored Qikink token cannot be decrypted with this client secret; minting a new one")
            return None
        return token, float(row[1])

    def save(self, token: str, expires_at: float) -> None:
        nonce = os.urandom(12)
        sealed = nonce + self._cipher.encrypt(nonce, token.encode("utf-8"), self._client_id.encode("utf-8"))
        self._store._run(
            lambda conn: conn.execute(
                "INSERT INTO qikink_tokens (client_id, token, expires_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (client_id) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at, "
                "minted_at = now()",
                (self._client_id, sealed, expires_at),
            ),
            "saving the Qikink token",
        )

    def discard(self, token: str) -> None:
        """Forget `token` (Qikink refused it) unless a newer one has replaced it already."""
        current = self.load()
        if current is not None and hmac.compare_digest(current[0], token):
            self._store._run(
                lambda conn: conn.execute(
                    "DELETE FROM qikink_tokens WHERE client_id = %s AND expires_at = %s", (self._client_id, current[1])
                ),
                "forgetting a refused Qikink token",
            )


class PostgresCallWindow:
    """The Qikink call budget's window shared by every server of the fleet (the account's calls of
    the last minute), read and rewritten under a transaction-level advisory lock: at most 30 rows."""

    def __init__(self, store, account: str):
        self.store = store
        self.account = hashlib.sha256(account.encode("utf-8")).hexdigest()[:16]

    def transact(self, update):
        def work(conn):
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (BUDGET_LOCK,))
            rows = conn.execute(
                "SELECT at, kind FROM qikink_calls WHERE account = %s ORDER BY at", (self.account,)
            ).fetchall()
            result, calls = update([[at, kind] for at, kind in rows])
            if calls is not None:
                conn.execute("DELETE FROM qikink_calls WHERE account = %s", (self.account,))
                with conn.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO qikink_calls (account, at, kind) VALUES (%s, %s, %s)",
                        [(self.account, at, kind) for at, kind in calls],
                    )
            return result

        return self.store._run(work, "use the Qikink call budget")


class PostgresFleet:
    """The Fleet of the servers on one PostgreSQL database (storage.interface.Fleet)."""

    def __init__(self, store):
        self.store = store

    def worker_lock(self, name: str = "qikink") -> LeaderLock:
        """Held by the one server doing a worker's rounds (`qikink`: sending orders and polling
        Qikink, `payments`: look-ups and expiries, `attention`: the digest, `webhooks`: deliveries)."""
        return LeaderLock(
            self.store.url, connect_timeout=self.store.pool.kwargs["connect_timeout"], key=LOCK_KEYS[name]
        )

    def token_store(self, client_id: str, client_secret: str) -> PostgresTokenStore:
        """The Qikink token every server of the fleet uses (minting one invalidates the last)."""
        return PostgresTokenStore(self.store, client_id, client_secret)

    def call_window(self, account: str) -> PostgresCallWindow:
        """The window of the Qikink call budget, shared by the fleet (30 calls a minute per account)."""
        return PostgresCallWindow(self.store, account)
