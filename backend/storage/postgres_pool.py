"""Opening the PostgreSQL connection pool, keeping the password out of what is shown, and the row
of the `orders` table: what the PostgreSQL order store (postgres.py) and `db import` (transfer.py)
build on.

`open_pool` opens the pool for DATABASE_URL (a StoreStartupError, password hidden, when the
database cannot be reached); `scrub` takes the URL's password out of a driver message;
`order_columns` and `UPSERT_ORDER` write one order as its indexed columns plus the JSON document.
"""

from __future__ import annotations

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from .atomic import dumps
from .errors import StoreStartupError
from .order_fields import order_number
from .urls import mask_database_url


def _json(value) -> Jsonb:
    return Jsonb(value, dumps=lambda obj: dumps(obj).decode("utf-8"))


def order_columns(order: dict, seq: int | None = None) -> tuple:
    """(order_id, seq, email, status, qikink_status, created_at, doc) for INSERT. `seq` orders the
    listings (newest first); an order's number is random, so it is given (the live path: the
    order sequence; an import: when it was created); the number itself only for an update (an
    upsert never changes a stored seq)."""
    return (
        order["order_id"],
        order_number(order["order_id"]) if seq is None else seq,
        order["customer_email"],
        order["status"],
        order["qikink_status"],
        order["created_at"],
        _json(order),
    )


INSERT_ORDER = """
    INSERT INTO orders (order_id, seq, customer_email, status, qikink_status, created_at, doc)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (order_id) DO NOTHING RETURNING order_id
"""
UPSERT_ORDER = """
    INSERT INTO orders (order_id, seq, customer_email, status, qikink_status, created_at, doc)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (order_id) DO UPDATE SET customer_email = EXCLUDED.customer_email, status = EXCLUDED.status,
        qikink_status = EXCLUDED.qikink_status, doc = EXCLUDED.doc
"""


def open_pool(config, *, name: str = "orders") -> ConnectionPool:
    """A connection pool for DATABASE_URL, opened; StoreStartupError (password hidden) if unreachable."""
    statement_ms = int(config.database_statement_timeout * 1000)
    pool = ConnectionPool(
        config.database_url,
        min_size=config.database_pool_min,
        max_size=config.database_pool_max,
        timeout=config.database_pool_timeout,
        name=name,
        open=False,
        # A connection that died with a database restart is replaced before it is handed out.
        check=ConnectionPool.check_connection,
        reconnect_timeout=0,
        kwargs={
            "autocommit": True,
            "connect_timeout": max(1, round(config.database_connect_timeout)),
            "application_name": "bhrt-backend",
            "options": f"-c statement_timeout={statement_ms} -c lock_timeout={statement_ms}",
        },
    )
    try:
        pool.open(wait=True, timeout=config.database_connect_timeout + config.database_pool_timeout)
    except (PoolTimeout, psycopg.Error) as exc:
        pool.close()
        raise StoreStartupError(
            f"PostgreSQL at {config.database_url_display} cannot be reached "
            f"({scrub(str(exc), config.database_url)}). Start it, or check DATABASE_URL."
        ) from None
    return pool


def scrub(text: str, url: str) -> str:
    """`text` without the password of `url` (a driver message may quote the connection string)."""
    try:
        password = conninfo_to_dict(url).get("password") if url else None
    except psycopg.Error:  # a malformed URL: the pattern-based mask below still applies
        password = None
    return mask_database_url(text.replace(str(password), "***") if password else text)
